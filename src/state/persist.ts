import { createStore, del, get, set } from 'idb-keyval';
import type { ExperimentConfig } from '../config';
import type { Checkpoint } from '../engine/checkpoint';
import {
  boundRuns,
  parseSavedLive,
  parseSavedRuns,
  recordOf,
  savedLive,
  savedRun,
  SAVED_VERSION,
  type SavedLive,
  type SavedRuns,
} from './saved';
import { continueRunIds, runName, useStore, type AppState, type RunRecord } from './store';

/**
 * Keeps the runs in the browser (IndexedDB): the history, and the run in progress with its
 * last epoch checkpoint, so a reload loses nothing and can resume. It reads the store and
 * writes storage; it changes the store only to restore, to resume and to report. Storage is
 * never waited for by training: a refused write (a full disk, private mode) is reported and
 * the run goes on.
 */

/** Where saved runs live: idb-keyval in the page, a map in the unit tests. */
export interface KeyValue {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
}

export const RUNS_KEY = 'runs';
export const LIVE_KEY = 'live';

/** The browser's IndexedDB, a database of its own (the CIFAR-10 tarball lives elsewhere). */
export function browserStorage(): KeyValue {
  const db = createStore('sparse-playground', 'saved');
  return { get: (k) => get(k, db), set: (k, v) => set(k, v, db), del: (k) => del(k, db) };
}

/** How long the page waits for its saved runs before it opens without them. */
export const READ_TIMEOUT_MS = 3000;

let storage: KeyValue | null = null;
/** The interrupted run found at load, until it is resumed or replaced. */
let resumable: SavedLive | null = null;
/** Set by `takeResumable`: the next loading is that run continuing (its checkpoint stays). */
let resuming = false;
/** Storage problems by key, so a later success of the same write clears its own. */
const problems = new Map<string, string>();

const reason = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

function setSaved(patch: Partial<AppState['saved']>): void {
  useStore.setState((s) => ({ saved: { ...s.saved, ...patch } }));
}

function report(key: string, problem: string | null): void {
  if (problem) problems.set(key, problem);
  else problems.delete(key);
  setSaved({ problem: [...problems.values()].join(' ') || null });
}

/** What a refused write loses, said for the person. */
const LOSES: Record<string, string> = {
  [RUNS_KEY]: 'the runs on screen stay, but a reload would not bring back the latest of them.',
  [LIVE_KEY]: 'the run goes on, but a reload could not resume it.',
};

/** Writes one key; a refusal is reported, never thrown (training must not notice). */
async function write(key: string, value: unknown): Promise<boolean> {
  if (!storage) return false;
  try {
    if (value === undefined) await storage.del(key);
    else await storage.set(key, value);
    report(key, null);
    return true;
  } catch (e) {
    report(
      key,
      `This browser refused to keep the runs (${reason(e)}): ${LOSES[key]} ` +
        'Clear saved runs (under Compare runs) or free disk space to keep them again.',
    );
    return false;
  }
}

function saveRuns(history: RunRecord[]): void {
  const runs = boundRuns(history).map(savedRun);
  const value: SavedRuns = { version: SAVED_VERSION, runs };
  void write(RUNS_KEY, value).then((ok) => ok && setSaved({ runs: runs.length }));
}

function dropLive(): void {
  // The interrupted run restored at load stays in the history, now stored with the others.
  if (resumable) saveRuns(useStore.getState().history);
  resumable = null;
  setSaved({ resume: null });
  // Said once it is gone: a page closed before then still finds the checkpoint.
  void write(LIVE_KEY, undefined).then((ok) => ok && setSaved({ checkpointEpoch: null }));
}

/**
 * Saves the shown run with the checkpoint the worker just took at an epoch end. The caller
 * has applied the worker's earlier messages, so the store holds that epoch's figures.
 */
export function keepCheckpoint(checkpoint: Checkpoint): void {
  const s = useStore.getState();
  if (!storage || !s.runConfig) return;
  const value = savedLive(s.runConfig, s, checkpoint);
  void write(LIVE_KEY, value).then((ok) => ok && setSaved({ checkpointEpoch: checkpoint.epoch }));
}

/** A new run, a finished one or a reset: the stored checkpoint belongs to no run any more. */
function watch(s: AppState, prev: AppState): void {
  if (s.history !== prev.history) saveRuns(s.history);
  if (s.status === prev.status) return;
  if (s.status === 'loading' && resuming) resuming = false;
  else if (s.status === 'loading' || s.status === 'done' || s.status === 'idle') dropLive();
}

async function readWithin(kv: KeyValue, ms: number): Promise<[unknown, unknown]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([Promise.all([kv.get(RUNS_KEY), kv.get(LIVE_KEY)]), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads what this browser kept and puts it back: the runs into the history (the interrupted
 * one as stopped, offered for resuming), then saves every later change. Call once, before the
 * page shows anything. Unreadable storage leaves this page unsaved (a write could overwrite
 * runs it could not read) and says so. Returns the unsubscribe.
 */
export async function restoreSaved(
  kv: KeyValue = browserStorage(),
  timeoutMs = READ_TIMEOUT_MS,
): Promise<() => void> {
  problems.clear();
  resumable = null;
  resuming = false;
  let stored: [unknown, unknown];
  try {
    stored = await readWithin(kv, timeoutMs);
  } catch (e) {
    storage = null;
    setSaved({
      problem:
        `The runs kept in this browser could not be read (${reason(e)}): this page does not ` +
        'save its runs; they last until it is closed.',
    });
    return () => {};
  }
  storage = kv;
  const { runs, problem: runsProblem } = parseSavedRuns(stored[0]);
  const { live, problem: liveProblem } = parseSavedLive(stored[1]);
  const history = runs.map((r) => recordOf(r));
  let resume: AppState['saved']['resume'] = null;
  if (live) {
    const id = Math.max(0, ...runs.map((r) => r.id)) + 1;
    const record = recordOf({ ...live.run, id }, false);
    record.name = runName(id, record.config);
    history.push(record);
    resumable = { ...live, run: { ...live.run, id, name: record.name } };
    resume = { id, name: record.name, epoch: live.checkpoint.epoch, epochs: record.config.epochs };
  }
  continueRunIds(Math.max(0, ...history.map((r) => r.id)));
  for (const [key, p] of [
    [RUNS_KEY, runsProblem],
    [LIVE_KEY, liveProblem],
  ] as const)
    if (p) problems.set(key, p);
  useStore.setState((s) => ({
    history,
    compared: history.map((r) => r.id),
    saved: {
      ...s.saved,
      runs: runs.length,
      checkpointEpoch: live ? live.checkpoint.epoch : null,
      resume,
      resumeOffered: resume !== null,
      problem: [...problems.values()].join(' ') || null,
    },
  }));
  return useStore.subscribe(watch);
}

/**
 * Takes the interrupted run off the history and puts it back on screen as it was at its
 * checkpoint, status loading; returns what the worker needs to continue it (null: none).
 * It goes back into the history under its own id when it ends.
 */
export function takeResumable(): { config: ExperimentConfig; checkpoint: Checkpoint } | null {
  const saved = resumable;
  if (!saved) return null;
  const { id } = saved.run;
  const record = useStore.getState().history.find((r) => r.id === id);
  if (!record) return null;
  resuming = true;
  const store = useStore.getState();
  store.setConfig(record.config);
  store.beginRun();
  continueRunIds(0, id);
  const { epochs, steps, maskUpdates, subsetEvals } = saved.run;
  useStore.setState((s) => ({
    history: s.history.filter((r) => r.id !== id),
    compared: s.compared.filter((c) => c !== id),
    epochs,
    steps,
    maskUpdates,
    subsetEvals,
    saved: { ...s.saved, resume: null },
  }));
  resumable = null;
  return { config: record.config, checkpoint: saved.checkpoint };
}

/**
 * Forgets every saved run: storage, the history on screen and the resume offer. A run in
 * progress goes on, and its next epoch end is saved again.
 */
export function clearSavedRuns(): void {
  resumable = null;
  useStore.setState((s) => ({
    history: [],
    compared: [],
    saved: { ...s.saved, runs: 0, checkpointEpoch: null, resume: null },
  }));
  problems.clear();
  setSaved({ problem: null });
  void write(RUNS_KEY, undefined);
  void write(LIVE_KEY, undefined);
}

/** A run is on: leaving the page stops it and loses the steps since its last epoch end. */
export const runInProgress = (s: Pick<AppState, 'status'>): boolean =>
  s.status === 'loading' || s.status === 'running' || s.status === 'paused';

/** Asks before the page is left (closed, reloaded, navigated away) while a run is on. */
export function guardLeaving(): void {
  window.addEventListener('beforeunload', (e) => {
    if (!runInProgress(useStore.getState())) return;
    e.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    e.returnValue = '';
  });
}
