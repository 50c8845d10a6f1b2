export { useStore } from './store';
export type { AppState, RunStatus } from './store';
export * from './selectors';
export { startRun, pauseRun, resumeRun, resetRun, announceConfig, sendCifarFile } from './runner';
