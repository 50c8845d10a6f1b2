export { useStore } from './store';
export type { AppState, RunStatus } from './store';
export * from './selectors';
export { selectComputeFigures, selectScheduleFigures } from './derived';
export type { ComputeFigures, ScheduleFigures } from './derived';
export {
  startRun,
  pauseRun,
  resumeRun,
  resetRun,
  stepRun,
  exportRun,
  runPreset,
  announceConfig,
  sendCifarFile,
} from './runner';
export { syncUrlWithConfig } from './url';
export { PRESETS } from './presets';
export type { RunRecord } from './store';
