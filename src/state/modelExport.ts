import type { ExperimentConfig } from '../config';
import { runSummary } from '../onnx/summary';
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

/** The page's summary of the shown run for its model file (see `runSummary`). */
export const modelSummary = (s: AppState, link: string): Record<string, string> =>
  runSummary(
    { config: s.runConfig ?? s.config, epochs: s.epochs, backend: s.backend, adapter: s.adapter },
    link,
    APP_STAMP,
  );

/** The export in flight and the last failure (one object in the store: a stable selection). */
export const selectModelExport = (s: AppState) => s.modelExport;

/** The button is usable once the run is paused or done, and while no export is being made. */
export const selectCanExportModel = (s: AppState) =>
  (s.status === 'paused' || s.status === 'done') && !s.modelExport.pending;
