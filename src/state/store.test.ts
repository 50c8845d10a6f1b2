import { beforeEach, describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { CpuBackend } from '../cpu/backend';
import type { EpochMetrics, MaskUpdateEvent } from '../engine/trainer';
import { TrainingSession } from '../worker/session';
import { toyData } from '../worker/toyData';
import { applyWorkerMessages, type WorkerMessage } from './inbox';
import { useStore } from './store';

/** Every message a real session posts for a short CPU run of the store's configuration. */
async function sessionMessages(run: number): Promise<WorkerMessage[]> {
  const posted: WorkerMessage[] = [];
  const session = new TrainingSession({
    // Checkpoints go to the page's storage (persist.ts), models to a file: never to the store.
    post: (m) => void (m.type !== 'checkpoint' && m.type !== 'model' && posted.push(m)),
    makeBackend: () => Promise.resolve({ backend: new CpuBackend(), notice: null }),
    loadData: () => Promise.resolve({ train: toyData(120), test: toyData(40) }),
    deviceMemory: () => ({ buffers: 0, bytes: 0 }),
  });
  const config = trainingPart(useStore.getState().config);
  session.handle({ type: 'start', config, baseUrl: 'http://test/', run, stopAt: null });
  for (let i = 0; i < 2000 && posted.at(-1)?.type !== 'done'; i++)
    await new Promise((r) => setTimeout(r, 5));
  return posted;
}

const state = () => useStore.getState();
const feed = (messages: WorkerMessage[], activeRun: number) =>
  applyWorkerMessages(messages, activeRun);

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  state().loadFromUrl('hidden=16&density=0.5&epochs=2&batch=20&train=120');
});

describe('the store applies worker messages', () => {
  it('a whole run: ready, masks, progress, epochs, mask updates, done', async () => {
    const messages = await sessionMessages(1);
    expect(new Set(messages.map((m) => m.type))).toEqual(
      new Set([
        'samples',
        'ready',
        'masks',
        'subsetEval',
        'progress',
        'epoch',
        'maskUpdate',
        'done',
      ]),
    );
    state().beginRun();
    expect(state().status).toBe('loading');
    const runConfig = state().runConfig;
    const stale: WorkerMessage = { ...messages.find((m) => m.type === 'epoch')!, run: 7 };
    const ready = messages.findIndex((m) => m.type === 'ready');
    expect(feed([...messages.slice(0, ready + 1), stale], 1)).toHaveLength(ready + 1);
    expect(state()).toMatchObject({ status: 'running', backend: 'cpu', epochs: [] });
    feed(messages.slice(ready + 1), 1);

    const of = <T extends WorkerMessage['type']>(type: T) =>
      messages.filter((m): m is Extract<WorkerMessage, { type: T }> => m.type === type);
    const s = state();
    expect(s.status).toBe('done');
    expect(s.error).toBeNull();
    expect(s.adapter).toBe('CPU (JavaScript reference)');
    expect(s.initialLayers).toEqual(of('ready')[0].layers);
    expect(s.samples).toEqual(of('samples')[0].samples);
    expect(s.epochs).toEqual(of('epoch').map((m) => m.metrics));
    expect(s.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(s.maskUpdates).toEqual(of('maskUpdate').map((m) => m.update));
    expect(s.maskUpdates).toHaveLength(1);
    expect(s.masks).toEqual(of('masks').at(-1)!.view);
    expect(s.steps.map((p) => p.globalStep)).toEqual(of('progress').map((m) => m.globalStep));
    expect(s.progress).toMatchObject({ globalStep: 12, totalSteps: 12 });
    expect(s.gpuMemory).toBeNull(); // the CPU backend reports no device memory
    expect(s.history).toHaveLength(1);
    expect(s.history[0]).toMatchObject({ config: runConfig, epochs: s.epochs, finished: true });
    expect(s.compared).toEqual([s.history[0].id]);
  });

  it('drops a replaced run, keeps a reset memory report, reports errors', () => {
    const metrics = (epoch: number): EpochMetrics => ({
      ...{ epoch, testAcc: 0.5, testLoss: 1, trainAcc: 0.5, trainLoss: 1, density: 0.5 },
      ...{ layers: [], inputZeros: [], pruneRate: null, seconds: 1, samplesPerSec: 100 },
      confusion: [],
    });
    const update = (epoch: number): MaskUpdateEvent => ({
      ...{ epoch, globalStep: epoch * 6, pruneRate: 0.5, layers: [] },
    });
    state().beginRun();
    const applied = feed(
      [
        { type: 'epoch', metrics: metrics(1), gpu: { buffers: 3, bytes: 300 }, run: 2 },
        { type: 'maskUpdate', update: update(1), run: 2 },
        // The run before, stopped as this one began: its last words are not shown.
        { type: 'epoch', metrics: metrics(9), gpu: null, run: 1 },
        { type: 'error', message: 'from the old run', run: 1 },
        // The leak check after a reset counts, whichever run it follows.
        { type: 'reset', gpu: { buffers: 1, bytes: 100 }, run: 0 },
        { type: 'epoch', metrics: metrics(2), gpu: null, run: 2 },
        { type: 'maskUpdate', update: update(2), run: 2 },
        { type: 'recovered', epoch: 1, message: 'The GPU device was lost', run: 2 },
      ],
      2,
    );
    expect(applied.map((m) => m.type)).toEqual([
      'epoch',
      'maskUpdate',
      'epoch',
      'maskUpdate',
      'recovered',
    ]);
    let s = state();
    // Recovery keeps what the checkpoint holds (epoch 1) and drops what is trained again.
    expect(s.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(s.maskUpdates.map((u) => u.epoch)).toEqual([1]);
    expect(s.notice).toBe('The GPU device was lost');
    expect(s.gpuMemory).toEqual({ buffers: 1, bytes: 100 });
    expect(s.status).toBe('loading');

    feed([{ type: 'error', message: 'Training diverged', run: 2 }], 2);
    s = state();
    expect(s).toMatchObject({ status: 'error', error: 'Training diverged', crashed: false });
    expect(s.epochs).toHaveLength(1); // the curves stay on screen
    expect(s.history).toEqual([]); // archived only when the next run begins or on reset
  });
});
