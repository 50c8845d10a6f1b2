import type { ExperimentConfig } from '../config';
import { decodeChecked } from '../config/validate';
import { checkpointProblem, type Checkpoint } from '../engine/checkpoint';
import type { EpochMetrics, MaskUpdateEvent, SubsetEval } from '../engine/trainer';
import { encode } from '../url/params';
import type { MetricsSlice, RunRecord } from './store';

/**
 * What this browser keeps of the runs (IndexedDB, see persist.ts), as plain data, and the pure
 * rules on it: what a saved run holds, how many are kept, and how a stored value is checked
 * on the way back (it may come from another version of the app, or be damaged).
 */

/** Bumped whenever the stored shape changes: a value of another version is set aside. */
export const SAVED_VERSION = 1;
/** Finished or stopped runs kept; the run in progress is kept besides, with its checkpoint. */
export const MAX_SAVED_RUNS = 20;

/** One run as stored: its link, what it reported, and whether it got to its last epoch. */
export interface SavedRun {
  id: number;
  name: string;
  /**
   * The configuration as a full query (every parameter, defaults too): decoded with the URL's
   * own rules on the way back, so a later version's new parameters take their defaults and a
   * changed default does not change a saved run.
   */
  query: string;
  finished: boolean;
  epochs: EpochMetrics[];
  /** The running train loss (every few steps). */
  steps: MetricsSlice['steps'];
  maskUpdates: MaskUpdateEvent[];
  subsetEvals: SubsetEval[];
}

/** The stored list of runs. */
export interface SavedRuns {
  version: number;
  runs: SavedRun[];
}

/**
 * The run in progress at its last epoch end: what it reported up to that epoch and the
 * checkpoint to continue from, kept together so they always agree.
 */
export interface SavedLive {
  version: number;
  run: SavedRun;
  checkpoint: Checkpoint;
}

/** A history entry as stored (the running figures it holds, or none). */
export function savedRun(r: RunRecord): SavedRun {
  return {
    id: r.id,
    name: r.name,
    query: encode(r.config, { full: true }),
    finished: r.finished,
    epochs: r.epochs,
    steps: r.steps ?? [],
    maskUpdates: r.maskUpdates ?? [],
    subsetEvals: [],
  };
}

/** The last `MAX_SAVED_RUNS` runs of a history, oldest first. */
export function boundRuns<T>(runs: readonly T[]): T[] {
  return runs.slice(Math.max(0, runs.length - MAX_SAVED_RUNS));
}

/** What the shown run reported up to the end of `epoch` (later figures are trained again). */
export function upToEpoch(
  m: Pick<MetricsSlice, 'epochs' | 'steps' | 'maskUpdates' | 'subsetEvals'>,
  epoch: number,
  stepsPerEpoch: number,
): Pick<MetricsSlice, 'epochs' | 'steps' | 'maskUpdates' | 'subsetEvals'> {
  return {
    epochs: m.epochs.filter((e) => e.epoch <= epoch),
    steps: m.steps.filter((p) => p.epoch <= epoch),
    maskUpdates: m.maskUpdates.filter((u) => u.epoch <= epoch),
    subsetEvals: m.subsetEvals.filter((e) => e.globalStep <= epoch * stepsPerEpoch),
  };
}

/** The run in progress as stored with its checkpoint: its figures up to the checkpoint's epoch. */
export function savedLive(
  config: ExperimentConfig,
  metrics: Pick<MetricsSlice, 'epochs' | 'steps' | 'maskUpdates' | 'subsetEvals'>,
  checkpoint: Checkpoint,
): SavedLive {
  const upTo = upToEpoch(metrics, checkpoint.epoch, checkpoint.stepsPerEpoch);
  const run = { id: 0, name: '', query: encode(config, { full: true }), finished: false, ...upTo };
  return { version: SAVED_VERSION, run, checkpoint };
}

const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** Whether a stored value has the shape of a saved run (its figures are the app's own). */
function isSavedRun(v: unknown): v is SavedRun {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    Number.isInteger(r.id) &&
    typeof r.name === 'string' &&
    typeof r.query === 'string' &&
    typeof r.finished === 'boolean' &&
    isArray(r.epochs) &&
    r.epochs.every((e) => typeof (e as EpochMetrics | null)?.testAcc === 'number') &&
    isArray(r.steps) &&
    isArray(r.maskUpdates) &&
    isArray(r.subsetEvals)
  );
}

/** Why a stored value's version is not this one, said for a person. */
function otherVersion(what: string, v: unknown): string | null {
  const version = (v as { version?: unknown }).version;
  if (version === SAVED_VERSION) return null;
  return (
    `${what} saved by another version of the playground (format ${String(version)}, this one ` +
    `reads ${SAVED_VERSION}) were set aside.`
  );
}

/** A run read back as a history entry; its configuration decoded from its link. */
export function recordOf(r: SavedRun, finished = r.finished): RunRecord {
  const { config } = decodeChecked(r.query);
  return {
    id: r.id,
    name: r.name,
    config,
    epochs: r.epochs,
    steps: r.steps,
    maskUpdates: r.maskUpdates,
    finished,
  };
}

/** The stored list read back: the runs, or none and why (an absent list is no problem). */
export function parseSavedRuns(v: unknown): { runs: SavedRun[]; problem: string | null } {
  if (v === undefined) return { runs: [], problem: null };
  if (typeof v !== 'object' || v === null)
    return { runs: [], problem: 'The saved runs are damaged and were set aside.' };
  const version = otherVersion('Runs', v);
  if (version) return { runs: [], problem: version };
  const runs = (v as { runs?: unknown }).runs;
  if (!isArray(runs))
    return { runs: [], problem: 'The saved runs are damaged and were set aside.' };
  const good = runs.filter(isSavedRun);
  const bad = runs.length - good.length;
  return {
    runs: boundRuns(good),
    problem: bad > 0 ? `${bad} damaged saved run${bad > 1 ? 's were' : ' was'} set aside.` : null,
  };
}

/**
 * The stored run in progress read back: with its checkpoint when both are sound and its link
 * decodes without a refused parameter (the run could not continue exactly otherwise).
 */
export function parseSavedLive(v: unknown): { live: SavedLive | null; problem: string | null } {
  if (v === undefined) return { live: null, problem: null };
  if (typeof v !== 'object' || v === null)
    return { live: null, problem: 'The interrupted run is damaged and was set aside.' };
  const version = otherVersion('An interrupted run and its checkpoint', v);
  if (version) return { live: null, problem: version };
  const { run, checkpoint } = v as Partial<SavedLive>;
  const broken = !isSavedRun(run) ? 'its figures are damaged' : checkpointProblem(checkpoint);
  if (broken) return { live: null, problem: `The interrupted run was set aside: ${broken}.` };
  if (decodeChecked(run!.query).rejected.length > 0)
    return {
      live: null,
      problem: 'The interrupted run was set aside: its settings are not all valid in this version.',
    };
  return { live: v as SavedLive, problem: null };
}
