import type { ExperimentConfig } from '../config';
import type { EpochMetrics, MaskUpdateEvent, StepProgress } from '../engine/trainer';
import { stepFlops } from '../engine/flops';
import { isUpdateStep, pruneRateAt, resolveSparsity } from '../sparse/methods';
import type { InitialLayer } from '../worker/protocol';
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
  /** Sparse momentum needs the dense weight gradient every step. */
  denseGradient: boolean;
  rows: ComputeRow[];
}

const computeFigures = memoizeLast(
  (
    config: ExperimentConfig | null,
    epochs: EpochMetrics[],
    initial: InitialLayer[],
  ): ComputeFigures | null => {
    if (!config || epochs.length === 0 || initial.length === 0) return null;
    const s = resolveSparsity(config);
    const denseGradient = s.dynamic && s.growth === 'momentum';
    const rows = epochs.map((e) => {
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
    return { batch: config.batch, denseGradient, rows };
  },
);

/**
 * FLOPs of one training step per epoch of the shown run (dense, on this run's kernels,
 * weight-sparse, weight- and activation-sparse); null before the first epoch.
 */
export const selectComputeFigures = (s: AppState) =>
  computeFigures(s.runConfig, s.epochs, s.initialLayers);

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
      /** The rates the engine used at past updates. */
      used: { step: number; used: number }[];
      /** The updates still to come. */
      planned: { step: number; planned: number }[];
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
  updates.map((u) => ({ step: u.globalStep, used: u.pruneRate })),
);

const plannedRates = memoizeLast(
  (config: ExperimentConfig, globalStep: number, stepsPerEpoch: number, totalSteps: number) => {
    const sparsity = sparsityOf(config);
    const planned: { step: number; planned: number }[] = [];
    for (let step = globalStep + 1; step < totalSteps; step++)
      if (isUpdateStep(sparsity, step, stepsPerEpoch, totalSteps))
        planned.push({
          step,
          planned: pruneRateAt(sparsity.schedule, step, totalSteps, config.prune_rate),
        });
    return planned;
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
    return {
      kind: 'schedule',
      schedule: sparsity.schedule,
      pruneRate: config.prune_rate,
      totalSteps,
      globalStep,
      curve: scheduleCurve(config, totalSteps),
      used: usedRates(updates),
      planned: plannedRates(config, globalStep, stepsPerEpoch, totalSteps),
    };
  },
);

/**
 * The prune-rate schedule of the shown run: its curve, the rates used at past updates and the
 * updates still to come; or why there is none to show.
 */
export const selectScheduleFigures = (s: AppState) =>
  scheduleFigures(s.runConfig, s.progress, s.maskUpdates);
