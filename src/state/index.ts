export { useStore } from './store';
export type { AppState, RunStatus } from './store';
export * from './selectors';
export { selectComputeFigures, selectScheduleFigures } from './derived';
export type { ComputeFigures, ScheduleFigures } from './derived';
export { selectNetwork } from './network';
export { selectConfusion, type ConfusionFigures } from './confusion';
export { selectExpectedEpochSeconds, selectRunFigures, type RunFigures } from './runFigures';
export type { NetworkPicture, NetColumn, NetLayer, NetBundle } from './network';
export {
  startRun,
  pauseRun,
  resumeRun,
  resetRun,
  stepRun,
  exportRun,
  runPreset,
  runLinkedComparison,
  autostart,
  comparedLink,
  exportComparison,
  announceConfig,
  sendCifarFile,
  resumeSavedRun,
} from './runner';
export { clearSavedRuns, guardLeaving, restoreSaved } from './persist';
export { syncUrlWithConfig } from './url';
export { PRESETS } from './presets';
export {
  selectCompareChart,
  selectComparedLink,
  selectComparisonProgress,
  selectLinkedComparison,
  selectPresetCards,
  type CompareChart,
  type ComparisonProgress,
  type LinkedComparison,
  type PresetCard,
} from './compareView';
export type { ExpectedTime } from './compare';
export type { RunRecord } from './store';
export { selectTry, type TryFigures, type TryAnswer } from './try';
export { tryDrawing, tryTestImage, clearTry } from './tryActions';
export { downloadModel } from './modelActions';
export { selectCanExportModel, selectModelExport } from './modelExport';
