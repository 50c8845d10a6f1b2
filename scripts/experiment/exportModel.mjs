// `--export=DIR`: the trained network as DIR/model.onnx, made by the page itself (the same
// code as its "Download model (ONNX)" button), handed over as base64 through page.evaluate.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Asks the page for the paused or finished network's ONNX bytes and writes DIR/model.onnx. */
export async function writeModel(page, dir) {
  const base64 = await page.evaluate(() => {
    if (!window.__experimentModel) throw new Error('this build of the app cannot export models');
    return window.__experimentModel();
  });
  const bytes = Buffer.from(base64, 'base64');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'model.onnx');
  writeFileSync(file, bytes);
  return { file, bytes: bytes.length };
}
