import type { ExperimentConfig } from '../config';
import { APP_STAMP } from './appStamp';
import type { AppState } from './store';

/**
 * "Download model (ONNX)": the request in flight and why the last one failed. The network
 * comes from the worker (`exportModel`), the file is built in the page (src/onnx).
 */
export interface ModelExportSlice {
  modelExport: { pending: boolean; message: string | null };
}

export const emptyModelExport = (): ModelExportSlice => ({
  modelExport: { pending: false, message: null },
});

/** The file's name, like the metrics exports' (model, method, density, seed). */
export const runFileName = (config: ExperimentConfig, ext: string): string =>
  `sparse-playground-${config.model}-${config.method}-d${config.density}-seed${config.seed}.${ext}`;

/**
 * What the model file says about the run it came from (its metadata): the link that trains it
 * again, the last epoch's figures, where it ran, and the app's version and commit (as the run
 * record has them).
 */
export function modelSummary(s: AppState, link: string): Record<string, string> {
  const config = s.runConfig ?? s.config;
  const last = s.epochs[s.epochs.length - 1];
  const out: Record<string, string> = {
    link,
    appVersion: APP_STAMP.version,
    appCommit: APP_STAMP.commit,
    dataset: config.dataset,
    model: config.model,
    method: config.method,
    density: String(last?.density ?? config.density),
    epochs: String(s.epochs.length),
  };
  if (last) {
    out.testAcc = String(last.testAcc);
    out.testLoss = String(last.testLoss);
  }
  if (s.backend) out.backend = s.backend;
  if (s.adapter) out.adapter = s.adapter;
  return out;
}

/** The export in flight and the last failure (one object in the store: a stable selection). */
export const selectModelExport = (s: AppState) => s.modelExport;

/** The button is usable once the run is paused or done, and while no export is being made. */
export const selectCanExportModel = (s: AppState) =>
  (s.status === 'paused' || s.status === 'done') && !s.modelExport.pending;
