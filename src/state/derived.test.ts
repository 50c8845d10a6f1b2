import { describe, expect, it } from 'vitest';
import { stepFlops } from '../engine/flops';
import type { EpochMetrics, MaskUpdateEvent, StepProgress } from '../engine/trainer';
import { decode } from '../url/params';
import type { InitialLayer } from '../worker/protocol';
import {
  MAX_BARS,
  MAX_MARKERS,
  memoizeLast,
  selectComputeFigures,
  lossSeries,
  selectScheduleFigures,
  updateFigures,
} from './derived';
import { MAX_POINTS } from './downsample';
import type { AppState } from './store';

const epoch = (n: number, density: number, kernel: 'dense' | 'csr'): EpochMetrics => ({
  ...{ epoch: n, testAcc: 0.9, testLoss: 0.3, trainAcc: 0.9, trainLoss: 0.3, density },
  layers: [
    {
      ...{ name: 'fc1', size: 800, active: 800 * density, density, kernel },
      ...{ meanMomentum: 0, momentumShare: 1, emptyChannels: null },
    },
    {
      ...{ name: 'fc2', size: 40, active: 40, density: 1, kernel: 'dense' },
      ...{ meanMomentum: 0, momentumShare: 0, emptyChannels: null },
    },
  ],
  inputZeros: [{ name: 'fc2', zeros: 0.25 }],
  ...{ pruneRate: null, confusion: [], seconds: 2, samplesPerSec: 1234.4 },
});
const layers: InitialLayer[] = [
  { name: 'fc1', size: 800, active: 80, macsPerSample: 800, kernel: 'csr' },
  { name: 'fc2', size: 40, active: 40, macsPerSample: 40, kernel: 'dense' },
];
const progress = (globalStep: number): StepProgress => ({
  ...{ epoch: Math.floor(globalStep / 10), step: globalStep % 10, stepsPerEpoch: 10 },
  ...{ globalStep, totalSteps: 30, trainLoss: 0.5, samplesPerSec: 100 },
});
const state = (query: string, s: Partial<AppState>) =>
  ({
    runConfig: decode(query).config,
    epochs: [],
    initialLayers: layers,
    progress: null,
    maskUpdates: [],
    ...s,
  }) as unknown as AppState;

describe('memoizeLast', () => {
  it('computes again only when an input is a different object', () => {
    let calls = 0;
    const f = memoizeLast((a: number[], b: number) => (calls++, { sum: a[0] + b }));
    const a = [1];
    expect(f(a, 2)).toBe(f(a, 2));
    expect(calls).toBe(1);
    expect(f([1], 2)).toEqual({ sum: 3 });
    expect(f(a, 3)).toEqual({ sum: 4 });
    expect(calls).toBe(3);
  });
});

describe('selectComputeFigures', () => {
  it('is null before the first epoch, then one row per epoch from stepFlops', () => {
    expect(selectComputeFigures(state('', {}))).toBeNull();
    const epochs = [epoch(1, 0.1, 'csr'), epoch(2, 0.1, 'dense')];
    const s = state('method=snfs&batch=50&momentum_window=all', { epochs });
    const figures = selectComputeFigures(s)!;
    expect(figures).toMatchObject({ batch: 50, denseGradient: 1 });
    const weightSparse = stepFlops(
      [
        { macsPerSample: 800, density: 0.1, inputNonZero: 1 },
        { macsPerSample: 40, density: 1, inputNonZero: 0.75 },
      ],
      50,
      true,
    );
    const denseFlops = stepFlops(
      [
        { macsPerSample: 800, density: 1, inputNonZero: 1 },
        { macsPerSample: 40, density: 1, inputNonZero: 1 },
      ],
      50,
      true,
    );
    expect(figures.rows[0]).toEqual({
      epoch: 1,
      dense: weightSparse.dense / 1e9,
      'this run': weightSparse.weightSparse / 1e9,
      'weight-sparse': weightSparse.weightSparse / 1e9,
      'weight- and activation-sparse': weightSparse.doubleSparse / 1e9,
      'samples/s': 1234,
    });
    // Epoch 2 ran fc1 on dense kernels: this run computed its missing weights too.
    expect(figures.rows[1]['this run']).toBe(denseFlops.weightSparse / 1e9);
    expect(figures.rows[1]['this run']).toBeGreaterThan(figures.rows[1]['weight-sparse']);
    // Same inputs, same object: nothing recomputed, and React sees no change.
    expect(selectComputeFigures({ ...s, status: 'paused' } as AppState)).toBe(figures);
    expect(selectComputeFigures(state('method=set&batch=50', { epochs }))!.denseGradient).toBe(0);
  });

  it('counts the dense weight gradient in the momentum window steps only', () => {
    const epochs = [epoch(1, 0.1, 'csr'), epoch(2, 0.1, 'csr')];
    // 54000 / 100 = 540 steps an epoch, 5 epochs: a 66-step window before each of 4 updates.
    const figures = selectComputeFigures(state('method=snfs', { epochs }))!;
    expect(figures.denseGradient).toBeCloseTo((4 * 66) / (5 * 540), 12);
    const layers = (density: number) => [
      { macsPerSample: 800, density, inputNonZero: 1 },
      { macsPerSample: 40, density: 1, inputNonZero: 0.75 },
    ];
    const row = stepFlops(layers(0.1), 100, 66 / 540);
    expect(figures.rows[0]['weight-sparse']).toBe(row.weightSparse / 1e9);
    const between = stepFlops(layers(0.1), 100, false).weightSparse;
    const exact = stepFlops(layers(0.1), 100, true).weightSparse;
    expect(row.weightSparse).toBeGreaterThan(between);
    expect(row.weightSparse).toBeLessThan(exact);
  });
});

describe('selectScheduleFigures', () => {
  it('says why there is no schedule', () => {
    expect(selectScheduleFigures(state('method=static', {}))).toEqual({
      kind: 'empty',
      text: 'This method never updates its mask.',
    });
    expect(selectScheduleFigures(state('', {}))).toMatchObject({
      text: 'Appears once a sparse run has started.',
    });
  });

  it('draws the curve once, past rates and the updates still to come', () => {
    const updates: MaskUpdateEvent[] = [{ epoch: 1, globalStep: 10, pruneRate: 0.5, layers: [] }];
    const base = state('method=snfs&prune_rate=0.5', { maskUpdates: updates });
    const first = selectScheduleFigures({ ...base, progress: progress(12) } as AppState);
    if (first.kind !== 'schedule') throw new Error('expected a schedule');
    expect(first).toMatchObject({ schedule: 'cosine', pruneRate: 0.5, totalSteps: 30 });
    expect(first.curve).toHaveLength(61);
    expect(first.curve[0]).toEqual({ step: 0, schedule: 0.5 });
    expect(first.used).toEqual([{ step: 10, used: 0.5 }]);
    // Sparse momentum updates at every epoch end but the last: step 20 is still to come.
    expect(first.planned.map((p) => p.step)).toEqual([20]);
    expect(first.planned[0].planned).toBeLessThan(0.5);
    const later = selectScheduleFigures({ ...base, progress: progress(25) } as AppState);
    if (later.kind !== 'schedule') throw new Error('expected a schedule');
    expect(later.planned).toEqual([]);
    expect(later.curve).toBe(first.curve); // the curve does not depend on the step
    expect(later.used).toBe(first.used);
  });

  it('thins the markers of 6,000 planned updates to the cap, and says so', () => {
    // SET updating every step of 6,001: 6,000 updates, all still to come at step 0.
    const base = state('method=set&update_every=1&update_until=1', {});
    const at = (globalStep: number) =>
      selectScheduleFigures({
        ...base,
        progress: { ...progress(globalStep), stepsPerEpoch: 6001, totalSteps: 6001 },
      } as AppState);
    const start = at(0);
    if (start.kind !== 'schedule') throw new Error('expected a schedule');
    expect(start.updates).toBe(6000);
    expect(start.thinned).toBe(true);
    expect(start.planned.length).toBeLessThanOrEqual(MAX_MARKERS);
    expect(start.planned[0].step).toBe(1);
    expect(start.planned.at(-1)!.step).toBe(6000);
    const late = at(5900);
    if (late.kind !== 'schedule') throw new Error('expected a schedule');
    expect(late.planned.map((p) => p.step)).toEqual(
      Array.from({ length: 100 }, (_, i) => 5901 + i),
    );
    const updates: MaskUpdateEvent[] = Array.from({ length: 5900 }, (_, i) => ({
      ...{ epoch: 1, globalStep: i + 1, pruneRate: 0.3, layers: [] },
    }));
    const past = selectScheduleFigures({
      ...base,
      maskUpdates: updates,
      progress: { ...progress(5900), stepsPerEpoch: 6001, totalSteps: 6001 },
    } as AppState);
    if (past.kind !== 'schedule') throw new Error('expected a schedule');
    expect(past.used.length).toBeLessThanOrEqual(MAX_MARKERS);
    expect(past.used[0].step).toBe(1);
    expect(past.used.at(-1)!.step).toBe(5900);
    expect(past.updates).toBe(6000);
  });
});

const update = (i: number): MaskUpdateEvent => ({
  ...{ epoch: 1, globalStep: i + 1, pruneRate: 0.3 },
  layers: [
    { name: 'fc1', pruned: 10 + i, regrown: 10 + i },
    { name: 'fc2', pruned: 1, regrown: 2 },
  ] as unknown as MaskUpdateEvent['layers'],
});

describe('updateFigures', () => {
  it('draws one bar an update, then sums consecutive updates beyond the cap', () => {
    const few = updateFigures([update(0), update(1)]);
    expect(few).toMatchObject({ layers: ['fc1', 'fc2'], updates: 2, perBar: 1 });
    expect(few.rows[1]).toEqual({
      update: '#2 (step 2)',
      'fc1 regrown': 11,
      'fc1 pruned': -11,
      'fc2 regrown': 2,
      'fc2 pruned': -1,
    });
    const many = Array.from({ length: 6000 }, (_, i) => update(i));
    const figures = updateFigures(many);
    expect(figures.rows.length).toBeLessThanOrEqual(MAX_BARS);
    expect(figures.perBar).toBe(100);
    expect(figures.rows[0]).toMatchObject({ update: '#1-100 (steps 1-100)', 'fc2 regrown': 200 });
    // Nothing is lost in the sums.
    const sum = (k: string) => figures.rows.reduce((a, r) => a + (r[k] as number), 0);
    expect(sum('fc1 pruned')).toBe(-many.reduce((a, u) => a + u.layers[0].pruned, 0));
  });

  it('gives the same bars when the run grew since the last call, or was cut back', () => {
    const many = Array.from({ length: 6000 }, (_, i) => update(i));
    const fresh = (list: MaskUpdateEvent[]) => updateFigures(list.map((u) => ({ ...u })));
    updateFigures(many.slice(0, 2999));
    expect(updateFigures(many.slice()).rows).toEqual(fresh(many).rows);
    updateFigures(many.slice(0, 4000));
    // A recovery drops the updates after the checkpoint: fewer than the totals held.
    const cut = many.slice(0, 1234);
    expect(updateFigures(cut).rows).toEqual(fresh(cut).rows);
    // ... and trains them again, with other results.
    const redone = [...cut, ...Array.from({ length: 3000 }, (_, i) => update(7 * i + 1))];
    expect(updateFigures(redone).rows).toEqual(fresh(redone).rows);
    expect(updateFigures([]).rows).toEqual([]);
  });
});

describe('lossSeries', () => {
  it('keeps at most MAX_POINTS of a long run, its first and last step, and is memoized', () => {
    const steps = Array.from({ length: 40_000 }, (_, i) => ({
      ...{ globalStep: (i + 1) * 15, epoch: 1, trainLoss: 1 / (i + 1), samplesPerSec: 1 },
    }));
    const series = lossSeries(steps, 10);
    expect(series.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(series[0]).toEqual({ x: 1.5, step: 1 });
    expect(series.at(-1)).toEqual({ x: 60_000, step: 1 / 40_000 });
    expect(lossSeries(steps, 10)).toBe(series);
  });
});
