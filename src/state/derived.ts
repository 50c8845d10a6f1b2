import type { ExperimentConfig } from '../config';
import type { EpochMetrics, MaskUpdateEvent, StepProgress } from '../engine/trainer';
import { stepFlops } from '../engine/flops';
import { isUpdateStep, pruneRateAt, resolveSparsity, type SparseSettings } from '../sparse/methods';
import { windowed, windowSteps } from '../sparse/window';
import type { InitialLayer } from '../worker/protocol';
import { downsample, stride } from './downsample';
import type { AppState } from './store';

/**
 * Remembers the last result of `compute` and returns it while the inputs are the same objects
 * (the store replaces what changes), so a re-render does not recompute a chart's figures and
 * a selector hands React the same value each time.
 */
export function memoizeLast<A extends readonly unknown[], R>(
  compute: (...args: A) => R,
): (...args: A) => R {
  let last: { args: A; result: R } | null = null;
  return (...args) => {
    if (last && args.every((a, i) => Object.is(a, last!.args[i]))) return last.result;
    last = { args, result: compute(...args) };
    return last.result;
  };
}

/** One epoch of the compute chart: GFLOP per step, and the measured speed. */
export interface ComputeRow {
  epoch: number;
  dense: number;
  'this run': number;
  'weight-sparse': number;
  'weight- and activation-sparse': number;
  'samples/s': number;
}

export interface ComputeFigures {
  batch: number;
  /**
   * Share of the run's steps with the dense weight gradient: 1 for sparse momentum with
   * `momentum_window=all`, the window's steps with a momentum window, else 0.
   */
  denseGradient: number;
  rows: ComputeRow[];
}

const computeFigures = memoizeLast(
  (
    config: ExperimentConfig | null,
    epochs: EpochMetrics[],
    initial: InitialLayer[],
    stepsPerEpoch: number,
  ): ComputeFigures | null => {
    if (!config || epochs.length === 0 || initial.length === 0) return null;
    const s = resolveSparsity(config);
    const perEpoch = stepsPerEpoch || Math.ceil(config.train / config.batch);
    const share = denseGradientShare(s, perEpoch, config.epochs);
    const rows = epochs.map((e) => {
      const denseGradient = share(e.epoch - 1, e.epoch);
      const zeros = new Map(e.inputZeros.map((z) => [z.name, z.zeros]));
      const f = stepFlops(
        initial.map((l, i) => ({
          macsPerSample: l.macsPerSample,
          density: e.layers[i].density,
          inputNonZero: 1 - (zeros.get(l.name) ?? 0),
        })),
        config.batch,
        denseGradient,
      );
      const executed = stepFlops(
        initial.map((l, i) => ({
          macsPerSample: l.macsPerSample,
          density: e.layers[i].kernel === 'dense' ? 1 : e.layers[i].density,
          inputNonZero: 1,
        })),
        config.batch,
        denseGradient,
      );
      return {
        epoch: e.epoch,
        dense: f.dense / 1e9,
        'this run': executed.weightSparse / 1e9,
        'weight-sparse': f.weightSparse / 1e9,
        'weight- and activation-sparse': f.doubleSparse / 1e9,
        'samples/s': Math.round(e.samplesPerSec),
      };
    });
    return { batch: config.batch, denseGradient: share(0, config.epochs), rows };
  },
);

/** The share of steps of epochs `from` to `to` (0-based, `to` excluded) with the dense gradient. */
function denseGradientShare(s: SparseSettings, stepsPerEpoch: number, epochs: number) {
  const total = stepsPerEpoch * epochs;
  return (from: number, to: number): number => {
    if (!s.dynamic || s.growth !== 'momentum') return 0;
    if (!windowed(s)) return 1;
    const [a, b] = [from * stepsPerEpoch, to * stepsPerEpoch];
    return windowSteps(s, a, b, stepsPerEpoch, total) / (b - a);
  };
}

/**
 * FLOPs of one training step per epoch of the shown run (dense, on this run's kernels,
 * weight-sparse, weight- and activation-sparse); null before the first epoch.
 */
export const selectComputeFigures = (s: AppState) =>
  computeFigures(s.runConfig, s.epochs, s.initialLayers, s.progress?.stepsPerEpoch ?? 0);

/** Markers a schedule chart draws at most, past and planned each: beyond, they are thinned. */
export const MAX_MARKERS = 100;

export type ScheduleFigures =
  | { kind: 'empty'; text: string }
  | {
      kind: 'schedule';
      schedule: string;
      pruneRate: number;
      totalSteps: number;
      globalStep: number;
      /** The schedule's curve over all training steps. */
      curve: { step: number; schedule: number }[];
      /** The rates the engine used at past updates (at most MAX_MARKERS, evenly picked). */
      used: { step: number; used: number }[];
      /** The updates still to come (at most MAX_MARKERS, evenly picked). */
      planned: { step: number; planned: number }[];
      /** How many updates, past and planned, the markers stand for. */
      updates: number;
      /** True when some updates have no marker of their own. */
      thinned: boolean;
    };

const CURVE_SAMPLES = 60;

const sparsityOf = memoizeLast((config: ExperimentConfig) => resolveSparsity(config));

/** The curve depends only on the run and its length: not redrawn at every step. */
const scheduleCurve = memoizeLast((config: ExperimentConfig, totalSteps: number) =>
  Array.from({ length: CURVE_SAMPLES + 1 }, (_, i) => {
    const step = Math.round((i * totalSteps) / CURVE_SAMPLES);
    return {
      step,
      schedule: pruneRateAt(sparsityOf(config).schedule, step, totalSteps, config.prune_rate),
    };
  }),
);

const usedRates = memoizeLast((updates: MaskUpdateEvent[]) =>
  stride(updates, MAX_MARKERS).map((u) => ({ step: u.globalStep, used: u.pruneRate })),
);

/**
 * Every update step of the run, found once per run (a long run has hundreds of thousands of
 * steps): a progress event then only looks up where it stands.
 */
const updateSteps = memoizeLast(
  (config: ExperimentConfig, stepsPerEpoch: number, totalSteps: number) => {
    const sparsity = sparsityOf(config);
    const steps: number[] = [];
    for (let step = 1; step < totalSteps; step++)
      if (isUpdateStep(sparsity, step, stepsPerEpoch, totalSteps)) steps.push(step);
    return steps;
  },
);

/** Index of the first of the ascending `steps` after `step`. */
function firstAfter(steps: number[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid] <= step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const plannedRates = memoizeLast(
  (config: ExperimentConfig, globalStep: number, stepsPerEpoch: number, totalSteps: number) => {
    const all = updateSteps(config, stepsPerEpoch, totalSteps);
    const from = firstAfter(all, globalStep);
    const count = all.length - from;
    const shown = Math.min(count, MAX_MARKERS);
    const schedule = sparsityOf(config).schedule;
    // Evenly picked, the next and the last update among them (no copy of the long list).
    const planned = Array.from({ length: shown }, (_, i) => {
      const step = all[from + (shown === 1 ? 0 : Math.round((i * (count - 1)) / (shown - 1)))];
      return { step, planned: pruneRateAt(schedule, step, totalSteps, config.prune_rate) };
    });
    return { count, planned };
  },
);

const NOT_STARTED: ScheduleFigures = {
  kind: 'empty',
  text: 'Appears once a sparse run has started.',
};
const STATIC: ScheduleFigures = { kind: 'empty', text: 'This method never updates its mask.' };

const scheduleFigures = memoizeLast(
  (
    config: ExperimentConfig | null,
    progress: StepProgress | null,
    updates: MaskUpdateEvent[],
  ): ScheduleFigures => {
    const sparsity = config ? sparsityOf(config) : null;
    if (sparsity && !sparsity.dynamic) return STATIC;
    if (!config || !sparsity || !progress) return NOT_STARTED;
    const { totalSteps, stepsPerEpoch, globalStep } = progress;
    const { count, planned } = plannedRates(config, globalStep, stepsPerEpoch, totalSteps);
    return {
      kind: 'schedule',
      schedule: sparsity.schedule,
      pruneRate: config.prune_rate,
      totalSteps,
      globalStep,
      curve: scheduleCurve(config, totalSteps),
      used: usedRates(updates),
      planned,
      updates: updates.length + count,
      thinned: updates.length > MAX_MARKERS || count > MAX_MARKERS,
    };
  },
);

/**
 * The prune-rate schedule of the shown run: its curve, the rates used at past updates and the
 * updates still to come (markers thinned on long runs); or why there is none to show.
 */
export const selectScheduleFigures = (s: AppState) =>
  scheduleFigures(s.runConfig, s.progress, s.maskUpdates);

/** Bars the pruned/regrown chart draws at most: beyond, consecutive updates share a bar. */
export const MAX_BARS = 60;

export interface UpdateFigures {
  layers: string[];
  /** One bar group per update (or per bucket of `perBar` updates), pruned counts negative. */
  rows: Record<string, string | number>[];
  updates: number;
  /** Updates summed into each bar (1: one bar an update). */
  perBar: number;
}

/**
 * Running totals of pruned and regrown weights per layer over a run's updates (index i: the
 * first i updates), extended as updates arrive, so any bar's sum costs two look-ups: a run
 * that updates every step has tens of thousands of updates, and the chart redraws every second.
 */
interface UpdateTotals {
  updates: MaskUpdateEvent[];
  /** Per layer: [pruned, regrown] totals, `updates.length + 1` each. */
  pruned: number[][];
  regrown: number[][];
}

let totals: UpdateTotals | null = null;

/** The totals for `updates`, extending the last ones when `updates` only added to them. */
function updateTotals(updates: MaskUpdateEvent[]): UpdateTotals {
  const prev = totals;
  const n = prev?.updates.length ?? 0;
  const grows =
    prev !== null &&
    n > 0 &&
    updates.length >= n &&
    updates[0] === prev.updates[0] &&
    updates[n - 1] === prev.updates[n - 1];
  const layerCount = updates[0]?.layers.length ?? 0;
  const t: UpdateTotals = grows
    ? { ...prev, updates }
    : {
        updates,
        pruned: Array.from({ length: layerCount }, () => [0]),
        regrown: Array.from({ length: layerCount }, () => [0]),
      };
  for (let i = grows ? n : 0; i < updates.length; i++)
    updates[i].layers.forEach((l, li) => {
      t.pruned[li].push(t.pruned[li][i] + l.pruned);
      t.regrown[li].push(t.regrown[li][i] + l.regrown);
    });
  totals = t;
  return t;
}

/**
 * Pruned and regrown weights per layer at each mask update, bucketed on long runs. Called at
 * render with the store's array (not as a selector, which every store change would run);
 * costs the new updates and the bars, not the whole run.
 */
export const updateFigures = memoizeLast((updates: MaskUpdateEvent[]): UpdateFigures => {
  const layers = updates[0]?.layers.map((l) => l.name) ?? [];
  const perBar = Math.max(1, Math.ceil(updates.length / MAX_BARS));
  const { pruned, regrown } = updateTotals(updates);
  const rows: Record<string, string | number>[] = [];
  for (let from = 0; from < updates.length; from += perBar) {
    const to = Math.min(updates.length, from + perBar);
    const first = updates[from];
    const last = updates[to - 1];
    const row: Record<string, string | number> = {
      update:
        to - from === 1
          ? `#${from + 1} (step ${first.globalStep})`
          : `#${from + 1}-${to} (steps ${first.globalStep}-${last.globalStep})`,
    };
    layers.forEach((name, li) => {
      row[`${name} regrown`] = regrown[li][to] - regrown[li][from];
      row[`${name} pruned`] = 0 - (pruned[li][to] - pruned[li][from]);
    });
    rows.push(row);
  }
  return { layers, rows, updates: updates.length, perBar };
});

/** How many mask updates the shown run has made: a caption needs the count, not the list. */
export const selectMaskUpdateCount = (s: AppState) => s.maskUpdates.length;

/** Steps per epoch of the shown run, to put steps on an epoch axis (1 before it starts). */
export const selectStepsPerEpoch = (s: AppState) => s.progress?.stepsPerEpoch ?? 1;

/** The running train loss against epochs, at most MAX_POINTS points; called at render. */
export const lossSeries = memoizeLast((steps: AppState['steps'], perEpoch: number) =>
  downsample(
    steps.map((p) => ({ x: p.globalStep / perEpoch, step: p.trainLoss })),
    (d) => d.step,
  ),
);

/** Accuracy (%) on the fixed test sample against epochs, at most MAX_POINTS; called at render. */
export const sampleSeries = memoizeLast((evals: AppState['subsetEvals'], perEpoch: number) =>
  downsample(
    evals.map((e) => ({ x: e.globalStep / perEpoch, sample: e.acc * 100 })),
    (d) => d.sample,
  ),
);
