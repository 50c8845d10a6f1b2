import type { ExperimentConfig } from '../config';
import { encode } from '../url/params';
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
export const selectSubsetEvals = (s: AppState) => s.subsetEvals;
export const selectInitialLayers = (s: AppState) => s.initialLayers;
export const selectBatch = (s: AppState) => s.config.batch;
export const selectAutorun = (s: AppState) => s.config.autorun;
export const selectNeedCifar = (s: AppState) => s.needCifar;
export const selectSamples = (s: AppState) => s.samples;
export const selectCrashed = (s: AppState) => s.crashed;
export const selectGpuMemory = (s: AppState) => s.gpuMemory;
export const selectControlErrors = (s: AppState) => s.controlErrors;
export const selectHide = (s: AppState) => s.config.hide;
export const selectProjector = (s: AppState) => s.config.projector;

/** Display-only settings apply at once; every other change waits for the next run. */
const runSettings = (c: ExperimentConfig) =>
  encode({ ...c, hide: [], projector: false, autorun: false, compare: '' });

/** True when the settings on screen differ from those of the run shown (a comparison's run varies them on purpose). */
export const selectNeedsRestart = (s: AppState) =>
  s.runConfig !== null &&
  s.status !== 'idle' &&
  s.comparisonRun === null &&
  runSettings(s.runConfig) !== runSettings(s.config);
export const selectRunConfig = (s: AppState) => s.runConfig;
export const selectHistory = (s: AppState) => s.history;
export const selectCompared = (s: AppState) => s.compared;
export const selectQueue = (s: AppState) => s.queue;
/** True while the run shown is one of a comparison's (its overlay then sits beside it). */
export const selectComparisonOnStage = (s: AppState) => s.comparisonRun !== null;
export const selectMasks = (s: AppState) => s.masks;
export const selectSaved = (s: AppState) => s.saved;
