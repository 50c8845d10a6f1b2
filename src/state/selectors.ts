import type { AppState } from './store';

/** Module-level selectors: components read the store only through these. */
export const selectConfig = (s: AppState) => s.config;
export const selectRejected = (s: AppState) => s.rejected;
export const selectStatus = (s: AppState) => s.status;
export const selectError = (s: AppState) => s.error;
export const selectNotice = (s: AppState) => s.notice;
export const selectBackend = (s: AppState) => s.backend;
export const selectAdapter = (s: AppState) => s.adapter;
export const selectData = (s: AppState) => s.data;
export const selectProgress = (s: AppState) => s.progress;
export const selectEpochs = (s: AppState) => s.epochs;
export const selectSteps = (s: AppState) => s.steps;
export const selectMaskUpdates = (s: AppState) => s.maskUpdates;
export const selectInitialLayers = (s: AppState) => s.initialLayers;
export const selectBatch = (s: AppState) => s.config.batch;
export const selectAutorun = (s: AppState) => s.config.autorun;
export const selectNeedCifar = (s: AppState) => s.needCifar;
export const selectSamples = (s: AppState) => s.samples;
export const selectCrashed = (s: AppState) => s.crashed;
export const selectGpuMemory = (s: AppState) => s.gpuMemory;
