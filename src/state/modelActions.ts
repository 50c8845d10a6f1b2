import type { TrainedNetwork } from '../engine/trained';
import { base64 } from '../onnx/masks';
import type { ModelMessage } from '../worker/protocol';
import { runLink } from './exportRun';
import { modelSummary, runFileName } from './modelExport';
import { download, pageBase, send } from './runner';
import { useStore } from './store';

declare global {
  interface Window {
    /**
     * For a headless driver (`npm run experiment -- --export=DIR`): the paused or finished
     * network as ONNX model bytes, base64 (what page.evaluate can carry back).
     */
    __experimentModel?: () => Promise<string>;
  }
}

/** Requests in flight by id, each answered by one `model` message. */
const waiting = new Map<number, { resolve(n: TrainedNetwork): void; reject(e: Error): void }>();
let requests = 0;

/** The worker's answer to `exportModel` (runner.ts hands it here, not to the store). */
export function receiveModel(m: ModelMessage): void {
  const w = waiting.get(m.id);
  if (!w) return;
  waiting.delete(m.id);
  if (m.network) w.resolve(m.network);
  else w.reject(new Error(m.refused ?? 'the worker sent no model'));
}

/** The shown network as ONNX model bytes, its metadata from the store (link, figures, version). */
export async function modelBytes(): Promise<Uint8Array> {
  const id = ++requests;
  const network = new Promise<TrainedNetwork>((resolve, reject) =>
    waiting.set(id, { resolve, reject }),
  );
  send({ type: 'exportModel', id });
  // The encoder (protobufjs) loads only when a model is exported.
  const [{ exportOnnx }, net] = await Promise.all([import('../onnx'), network]);
  const s = useStore.getState();
  return exportOnnx(net, modelSummary(s, runLink(s.runConfig ?? s.config, pageBase())));
}

const setExport = (pending: boolean, message: string | null) =>
  useStore.setState({ modelExport: { pending, message } });

/** Saves the paused or finished network as an .onnx file; a refusal is shown beside the button. */
export async function downloadModel(): Promise<void> {
  const s = useStore.getState();
  const name = runFileName(s.runConfig ?? s.config, 'onnx');
  setExport(true, null);
  try {
    const bytes = await modelBytes();
    download(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }), name);
    setExport(false, null);
  } catch (e) {
    setExport(false, `The model could not be exported: ${(e as Error).message}`);
  }
}

window.__experimentModel = async () => base64(await modelBytes());
