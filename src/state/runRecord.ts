import { trainingPart } from '../config';
import { buildRecord, type RunRecord } from '../record';
import { APP_STAMP } from './appStamp';
import type { AppState } from './store';

/**
 * The run on screen as a run record: the store's lists are what the worker reported (gathered
 * by receive.ts as `collect` gathers them for `npm run experiment`), so the page's export and
 * the runner's run.json hold the same fields and figures for the same run.
 */
export function shownRunRecord(s: AppState, base: string, environment: string): RunRecord {
  return buildRecord(
    {
      backend: s.backend,
      adapterInfo: s.adapterInfo,
      epochs: s.epochs,
      maskUpdates: s.maskUpdates,
      runningLoss: s.steps,
    },
    { config: trainingPart(s.runConfig ?? s.config), base, app: APP_STAMP, environment },
  );
}
