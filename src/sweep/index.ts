/** What `npm run sweep` (scripts/sweep.mjs) loads through Vite's runnerImport, in one module. */
export { parseSweepArgs, SWEEP_USAGE } from './args';
export { expandSweep, selectIndex, SweepFileError } from './grid';
export { progressLine, duration } from './progress';
export { summaryRows, summaryCsv, statusCounts } from './summary';
export { plotAxes, plotPoints, plotSpec, renderSvg } from './plot';
