// `--export=DIR`: the trained network as DIR/model.onnx, made by the page itself (the same
// code as its "Download model (ONNX)" button), handed over as base64 through page.evaluate;
// with --runtime=node, by the engine process with that same code, handed over through IPC.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Asks the page for the paused or finished network's ONNX bytes and writes DIR/model.onnx. */
export async function writeModel(page, dir) {
  const base64 = await page.evaluate(() => {
    if (!window.__experimentModel) throw new Error('this build of the app cannot export models');
    return window.__experimentModel();
  });
  return writeBytes(Buffer.from(base64, 'base64'), dir);
}

/**
 * The Node runtime's `--export`: its engine process builds the same file (src/node/experiment.ts,
 * the page's exporter) and sends the bytes back. `node` is the engine (`send`) and `answer` a
 * promise of its next `modelBytes` event; `link` and `stamp` go into the file's summary.
 */
export async function writeNodeModel(node, answer, { link, stamp }, dir) {
  node.send({ type: 'exportModel', link, stamp });
  const reply = await answer;
  if (reply.error) throw new Error(reply.error);
  return writeBytes(Buffer.from(reply.bytes), dir);
}

function writeBytes(bytes, dir) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'model.onnx');
  writeFileSync(file, bytes);
  return { file, bytes: bytes.length };
}
