import { beforeEach, describe, expect, it } from 'vitest';
import type { EpochMetrics, MaskUpdateEvent, MaskView } from '../engine/trainer';
import type { FromWorker } from '../worker/protocol';
import { receiveBatch, receiveOne, type ArchiveFinished } from './receive';
import { useStore, type AppState } from './store';

const metrics = (epoch: number): EpochMetrics => ({
  ...{ epoch, testAcc: 0.5, testLoss: 1, trainAcc: 0.5, trainLoss: 1, density: 0.5 },
  ...{ layers: [], inputZeros: [], pruneRate: null, seconds: 1, samplesPerSec: 100 },
  confusion: [],
});
const progress = (globalStep: number): FromWorker => ({
  ...{ type: 'progress', epoch: 1 + Math.floor(globalStep / 50), step: globalStep % 50 },
  ...{ stepsPerEpoch: 50, globalStep, totalSteps: 100, trainLoss: 1, samplesPerSec: 10 },
});
const update = (globalStep: number): FromWorker => ({
  type: 'maskUpdate',
  update: { epoch: 1, globalStep, pruneRate: 0.3, layers: [] } as MaskUpdateEvent,
});
const masks = (globalStep: number): FromWorker => ({
  type: 'masks',
  view: { globalStep, layers: [] } as unknown as MaskView,
});

/** A run that updates its mask every step, finishes, and whose worker then says more. */
const messages: FromWorker[] = [
  {
    ...{ type: 'ready', backend: 'cpu', adapter: 'CPU', notice: null, layers: [] },
    ...{ stepsPerEpoch: 50, totalSteps: 100, trainCount: 50, testCount: 10 },
    memory: { deviceBytes: 0, workerBytes: 0 },
    adapterInfo: { vendor: '', architecture: 'cpu', description: 'CPU' },
  },
  ...Array.from({ length: 100 }, (_, i) => [update(i + 1), masks(i + 1), progress(i + 1)]).flat(),
  { type: 'subsetEval', globalStep: 50, acc: 0.4, loss: 1, images: 100 },
  { type: 'epoch', metrics: metrics(1), gpu: { buffers: 2, bytes: 20 } },
  { type: 'epoch', metrics: metrics(2), gpu: null },
  { type: 'done' },
  { type: 'epoch', metrics: metrics(3), gpu: null },
  { type: 'recovered', epoch: 2, message: 'again' },
];

const archiveFinished: ArchiveFinished = (s) => ({
  history: [
    ...s.history,
    { id: 1, name: 'run', config: s.config, epochs: s.epochs, finished: true },
  ],
});

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  useStore.getState().beginRun();
});

describe('receiveBatch', () => {
  it('changes the state exactly as the messages one by one, leaving the old state as it was', () => {
    const start = useStore.getState();
    const frozen = JSON.stringify(start);
    let one: AppState = start;
    for (const m of messages) one = { ...one, ...receiveOne(one, m, archiveFinished) };
    const batch = { ...start, ...receiveBatch(start, messages, archiveFinished) };
    expect(JSON.stringify(batch)).toBe(JSON.stringify(one));
    expect(batch.maskUpdates.map((u) => u.globalStep)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(batch.masks?.globalStep).toBe(100);
    expect(batch.progress?.globalStep).toBe(100);
    // The history took the run's epochs at 'done': the epoch after it did not grow that list.
    expect(batch.history[0].epochs).toHaveLength(2);
    expect(JSON.stringify(start)).toBe(frozen);
  });

  it('is one store update for the whole batch, whatever its length', () => {
    let changes = 0;
    const unsubscribe = useStore.subscribe(() => changes++);
    useStore.getState().receiveAll(messages.slice(0, 301));
    useStore.getState().receiveAll([]);
    unsubscribe();
    expect(changes).toBe(1);
    expect(useStore.getState().status).toBe('running');
    expect(useStore.getState().maskUpdates).toHaveLength(100);
  });
});
