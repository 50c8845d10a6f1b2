export { useStore } from './store';
export type { AppState, RunStatus } from './store';
export * from './selectors';
export {
  startRun,
  pauseRun,
  resumeRun,
  resetRun,
  stepRun,
  exportRun,
  announceConfig,
  sendCifarFile,
} from './runner';
export { syncUrlWithConfig } from './url';
