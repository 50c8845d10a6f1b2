import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../engine/trainer';
import {
  clearSavedRuns,
  keepCheckpoint,
  LIVE_KEY,
  restoreSaved,
  RUNS_KEY,
  runInProgress,
  takeResumable,
  type KeyValue,
} from './persist';
import { SAVED_VERSION, savedLive, type SavedLive, type SavedRuns } from './saved';
import { cpuRun } from './savedFixtures';
import { useStore } from './store';

const QUERY = 'hidden=16,8&density=0.25&epochs=3&batch=20&train=120';

/** A map that clones what it keeps, as IndexedDB does; `refuse` makes writes of a key fail. */
function memoryStorage(initial: Record<string, unknown> = {}) {
  const data = new Map<string, unknown>(Object.entries(initial));
  const refuse = new Set<string>();
  const writes: string[] = [];
  const kv: KeyValue = {
    get: (k) => Promise.resolve(structuredClone(data.get(k))),
    set: (k, v) => {
      writes.push(k);
      if (refuse.has(k))
        return Promise.reject(
          new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
        );
      data.set(k, structuredClone(v));
      return Promise.resolve();
    },
    del: (k) => {
      writes.push(`del ${k}`);
      data.delete(k);
      return Promise.resolve();
    },
  };
  return { kv, data, refuse, writes };
}

/** The figures and checkpoints of a real CPU run of QUERY. */
const realRun = () => cpuRun(useStore.getState().config);

/** The run stored as a reload after epoch 1 leaves it: its first epoch and checkpoint. */
async function interrupted() {
  const { epochs, checkpoints } = await realRun();
  const metrics = { epochs: epochs.slice(0, 1), steps: [], maskUpdates: [], subsetEvals: [] };
  return { epochs, live: savedLive(state().config, metrics, checkpoints[1]) };
}

const state = () => useStore.getState();
const settle = () => new Promise((r) => setTimeout(r, 0));
let stop = () => {};

/** A run shown on screen after `epochs.length` epochs, as the worker's messages leave it. */
function showRun(epochs: EpochMetrics[]): void {
  state().beginRun();
  state().receive({
    type: 'progress',
    epoch: 1,
    step: 6,
    stepsPerEpoch: 6,
    globalStep: 6,
    totalSteps: 18,
    trainLoss: 1,
    samplesPerSec: 1,
  });
  for (const metrics of epochs) state().receive({ type: 'epoch', metrics, gpu: null });
}

/** A page with empty storage that has trained one run to its end. */
async function oneRunSaved() {
  const { epochs, checkpoints } = await realRun();
  const s = memoryStorage();
  stop = await restoreSaved(s.kv);
  showRun(epochs);
  state().receive({ type: 'done' });
  await settle();
  return { epochs, checkpoints, s };
}

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  state().loadFromUrl(QUERY);
});
afterEach(() => stop());

describe('runs kept in the browser', () => {
  it('saves every run that ends and the run in progress with its checkpoint; a reload restores them', async () => {
    const { epochs, checkpoints, s } = await oneRunSaved();
    expect(state().saved.runs).toBe(1);
    showRun(epochs.slice(0, 1));
    keepCheckpoint(checkpoints[1]);
    await settle();
    expect(state().saved.checkpointEpoch).toBe(1);
    const live = s.data.get(LIVE_KEY) as SavedLive;
    expect(live.checkpoint.epoch).toBe(1);
    expect(live.run.epochs).toEqual(epochs.slice(0, 1));
    stop();

    // The page is reloaded.
    useStore.setState(useStore.getInitialState(), true);
    stop = await restoreSaved(s.kv);
    const history = state().history;
    expect(history.map((r) => [r.id, r.finished, r.epochs.length])).toEqual([
      [1, true, 3],
      [2, false, 1],
    ]);
    expect(history[1].name).toBe('#2 SNFS 25% MLP 16-8 seed 17');
    expect(state().compared).toEqual([1, 2]);
    expect(state().saved).toMatchObject({
      runs: 1,
      resume: { id: 2, epoch: 1, epochs: 3 },
      resumeOffered: true,
      problem: null,
    });
    expect(state().epochs).toEqual([]);
  });

  it('resuming puts the run back on screen; it ends as one history entry under its own id', async () => {
    const { epochs, live } = await interrupted();
    const s = memoryStorage({ [LIVE_KEY]: live });
    stop = await restoreSaved(s.kv);
    expect(state().history.map((r) => r.id)).toEqual([1]);
    const resume = takeResumable();
    expect(resume?.checkpoint.epoch).toBe(1);
    expect(resume?.config).toEqual(state().config);
    expect(state()).toMatchObject({ status: 'loading', history: [], epochs: epochs.slice(0, 1) });
    expect(state().saved.resume).toBeNull();
    await settle();
    // Loading the resumed run keeps its checkpoint (a second reload can still resume).
    expect(s.data.has(LIVE_KEY)).toBe(true);
    for (const metrics of epochs.slice(1)) state().receive({ type: 'epoch', metrics, gpu: null });
    state().receive({ type: 'done' });
    await settle();
    expect(state().history.map((r) => [r.id, r.name, r.epochs.length, r.finished])).toEqual([
      [1, '#1 SNFS 25% MLP 16-8 seed 17', 3, true],
    ]);
    expect(s.data.has(LIVE_KEY)).toBe(false);
    expect((s.data.get(RUNS_KEY) as SavedRuns).runs.map((r) => r.epochs.length)).toEqual([3]);
    expect(takeResumable()).toBeNull();
  });

  it('a new run replaces the interrupted one, which stays in the history as stopped', async () => {
    const { live } = await interrupted();
    const s = memoryStorage({ [LIVE_KEY]: live });
    stop = await restoreSaved(s.kv);
    state().beginRun();
    await settle();
    expect(s.data.has(LIVE_KEY)).toBe(false);
    expect(state().saved.resume).toBeNull();
    expect(takeResumable()).toBeNull();
    expect((s.data.get(RUNS_KEY) as SavedRuns).runs.map((r) => [r.id, r.finished])).toEqual([
      [1, false],
    ]);
  });

  it('a full storage is reported; training goes on and nothing else is lost', async () => {
    const { epochs, checkpoints, s } = await oneRunSaved();
    s.refuse.add(LIVE_KEY);
    showRun(epochs.slice(0, 1));
    state().receive({
      type: 'ready',
      backend: 'cpu',
      adapter: 'cpu',
      adapterInfo: { vendor: '', architecture: 'cpu', description: 'cpu' },
      notice: null,
      layers: [],
      stepsPerEpoch: 6,
      totalSteps: 18,
      trainCount: 120,
      testCount: 60,
      memory: { deviceBytes: 0, workerBytes: 0 },
    });
    keepCheckpoint(checkpoints[1]);
    await settle();
    expect(state().saved.problem).toBe(
      'This browser refused to keep the runs (QuotaExceededError: The quota has been exceeded.): ' +
        'the run goes on, but a reload could not resume it. Clear saved runs (under Compare runs) ' +
        'or free disk space to keep them again.',
    );
    expect(state().saved.checkpointEpoch).toBeNull();
    // The run and the saved runs are untouched.
    expect(state().status).toBe('running');
    expect(state().epochs).toEqual(epochs.slice(0, 1));
    expect((s.data.get(RUNS_KEY) as SavedRuns).runs).toHaveLength(1);
    expect(state().saved.runs).toBe(1);
    // The run ends: it is saved with the others, and the list still fits.
    for (const metrics of epochs.slice(1)) state().receive({ type: 'epoch', metrics, gpu: null });
    state().receive({ type: 'done' });
    await settle();
    expect((s.data.get(RUNS_KEY) as SavedRuns).runs).toHaveLength(2);
    // Space again: the next checkpoint is kept and the message goes.
    s.refuse.clear();
    showRun(epochs.slice(0, 1));
    keepCheckpoint(checkpoints[1]);
    await settle();
    expect(state().saved.problem).toBeNull();
  });

  it('an older stored format is set aside with a message, and this version saves anew', async () => {
    const s = memoryStorage({ [RUNS_KEY]: { version: 0, runs: [{ id: 1 }] } });
    stop = await restoreSaved(s.kv);
    expect(state().history).toEqual([]);
    expect(state().saved.problem).toContain('Runs saved by another version of the playground');
    const { epochs } = await realRun();
    showRun(epochs);
    state().receive({ type: 'done' });
    await settle();
    expect((s.data.get(RUNS_KEY) as SavedRuns).version).toBe(SAVED_VERSION);
    expect(state().saved.problem).toBeNull();
  });

  it('unreadable storage is reported and never written (it may hold runs)', async () => {
    const s = memoryStorage();
    s.kv.get = () => Promise.reject(new DOMException('The operation failed.', 'UnknownError'));
    stop = await restoreSaved(s.kv);
    expect(state().saved.problem).toBe(
      'The runs kept in this browser could not be read (UnknownError: The operation failed.): ' +
        'this page does not save its runs; they last until it is closed.',
    );
    const { epochs } = await realRun();
    showRun(epochs);
    state().receive({ type: 'done' });
    await settle();
    expect(s.writes).toEqual([]);
    const slow = memoryStorage();
    slow.kv.get = () => new Promise(() => {});
    stop = await restoreSaved(slow.kv, 20);
    expect(state().saved.problem).toContain('(Error: no answer within 0.02 s)');
  });

  it('Clear saved runs forgets storage, the history and the offer to resume', async () => {
    const { live } = await interrupted();
    const s = memoryStorage({ [LIVE_KEY]: live });
    stop = await restoreSaved(s.kv);
    clearSavedRuns();
    await settle();
    expect(state().history).toEqual([]);
    expect(state().saved).toMatchObject({ runs: 0, checkpointEpoch: null, resume: null });
    expect(s.data.has(LIVE_KEY)).toBe(false);
    expect((s.data.get(RUNS_KEY) as SavedRuns | undefined)?.runs ?? []).toEqual([]);
    expect(takeResumable()).toBeNull();
  });

  it('asks before leaving only while a run is on', () => {
    expect(
      ['loading', 'running', 'paused'].map((status) =>
        runInProgress({ status: status as 'running' }),
      ),
    ).toEqual([true, true, true]);
    expect(
      ['idle', 'done', 'error'].map((status) => runInProgress({ status: status as 'idle' })),
    ).toEqual([false, false, false]);
  });
});
