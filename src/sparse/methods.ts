import type { TrainingConfig } from '../config/training';
import type { InitMode } from './init';
import type { GrowthMode, PruneMode, RedistMode } from './update';
import { resolveWindow } from './windowSize';

export type Schedule = 'cosine' | 'linear' | 'constant';

/** Everything the trainer needs to know about how the masks evolve. */
export interface SparseSettings {
  method: TrainingConfig['method'];
  /** Effective density: 1 for the dense method. */
  density: number;
  /** Masks change during training (false for static and dense). */
  dynamic: boolean;
  prune: PruneMode;
  growth: GrowthMode;
  redist: RedistMode;
  init: InitMode;
  schedule: Schedule;
  /** 'epoch' = at the end of every epoch, else every N steps. */
  updateEvery: 'epoch' | number;
  /** No update after this fraction of training. */
  updateUntil: number;
  /**
   * Steps before each update in which sparse momentum tracks missing weights' momentum on
   * sparse kernels (see ./window.ts); null: every step, as the reference does.
   */
  momentumWindow: number | null;
  block: number;
  /** Row structure of the masks: none, or constant fan-in (src/sparse/fanin.ts). */
  structure: TrainingConfig['structure'];
  /** M of structure=nm: inputs per group (src/sparse/nm.ts); unused by other structures. */
  nmGroup: number;
}

type Knobs = Omit<
  SparseSettings,
  'method' | 'density' | 'dynamic' | 'block' | 'momentumWindow' | 'structure' | 'nmGroup'
>;

/**
 * What each method means, as the papers define them: sparse momentum (Dettmers & Zettlemoyer),
 * SET (Mocanu et al.: sign-aware smallest-magnitude prune, random regrowth, Erdős–Rényi init),
 * RigL (Evci et al.: magnitude prune, gradient regrowth every 100 steps until 75% of training,
 * ERK init). Static and dense never update.
 */
export const METHOD_DEFAULTS: Record<TrainingConfig['method'], Knobs> = {
  snfs: {
    prune: 'magnitude',
    growth: 'momentum',
    redist: 'momentum',
    init: 'uniform',
    schedule: 'cosine',
    updateEvery: 'epoch',
    updateUntil: 1,
  },
  set: {
    prune: 'set',
    growth: 'random',
    redist: 'none',
    init: 'er',
    schedule: 'cosine',
    updateEvery: 'epoch',
    updateUntil: 1,
  },
  rigl: {
    prune: 'magnitude',
    growth: 'gradient',
    redist: 'none',
    init: 'erk',
    schedule: 'cosine',
    updateEvery: 100,
    updateUntil: 0.75,
  },
  static: {
    prune: 'magnitude',
    growth: 'momentum',
    redist: 'none',
    init: 'uniform',
    schedule: 'constant',
    updateEvery: 'epoch',
    updateUntil: 0,
  },
  dense: {
    prune: 'magnitude',
    growth: 'momentum',
    redist: 'none',
    init: 'uniform',
    schedule: 'constant',
    updateEvery: 'epoch',
    updateUntil: 0,
  },
};

const pick = <T>(value: T | 'auto', fallback: T): T => (value === 'auto' ? fallback : value);

/** The method's defaults with every knob the URL set explicitly taking precedence. */
export function resolveSparsity(config: TrainingConfig): SparseSettings {
  const d = METHOD_DEFAULTS[config.method];
  const density = config.method === 'dense' ? 1 : config.density;
  const frozen = config.method === 'static' || config.method === 'dense' || density >= 1;
  return {
    method: config.method,
    density,
    dynamic: !frozen,
    prune: pick(config.prune, d.prune),
    growth: pick(config.growth, d.growth),
    redist: pick(config.redist, d.redist),
    init: pick(config.init, d.init),
    schedule: pick(config.schedule, d.schedule),
    updateEvery: pick(config.update_every, d.updateEvery),
    updateUntil: pick(config.update_until, d.updateUntil),
    momentumWindow: resolveWindow(config.momentum_window, config.momentum),
    // A structure keeps single weights (the page refuses block > 1 with one, see validate.ts).
    block: config.structure === 'none' ? config.block : 1,
    structure: config.structure,
    nmGroup: config.nm_group,
  };
}

/** Prune rate after `step` of `total` steps, from `start` down to `end` by the schedule. */
export function pruneRateAt(
  schedule: Schedule,
  step: number,
  total: number,
  start: number,
  end = 0.005,
): number {
  const t = Math.min(Math.max(step / total, 0), 1);
  if (schedule === 'constant') return start;
  if (schedule === 'linear') return start + (end - start) * t;
  return end + ((start - end) * (1 + Math.cos(Math.PI * t))) / 2;
}

/**
 * Whether a mask update runs after `step` (1-based count of steps done): at epoch ends or every
 * N steps, never after the last step and never past `updateUntil` of training.
 */
export function isUpdateStep(
  s: SparseSettings,
  step: number,
  stepsPerEpoch: number,
  totalSteps: number,
): boolean {
  if (!s.dynamic || step <= 0 || step >= totalSteps || step / totalSteps >= s.updateUntil - 1e-12)
    return false;
  return s.updateEvery === 'epoch' ? step % stepsPerEpoch === 0 : step % s.updateEvery === 0;
}
