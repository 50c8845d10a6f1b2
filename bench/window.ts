// Sparse momentum's momentum window in the training-step benchmark: the steps between windows
// run stored-weight kernels only, the K steps before each update the dense weight gradient too;
// the figure a run sees is the average over an epoch with both.
import type { Trainer } from '../src/engine/trainer';
import { nextUpdate, windowed } from '../src/sparse/window';
import { decode } from '../src/url/params';

/**
 * Steps the trainer can still take before its next momentum window; no limit without one, or
 * inside one (a run whose window covers every step times the window's steps).
 */
export function stepsBeforeWindow(trainer: Trainer): number {
  const s = trainer.sparsity;
  if (!windowed(s)) return Infinity;
  const update = nextUpdate(s, trainer.globalStep, trainer.stepsPerEpoch, trainer.totalSteps);
  const left = update === null ? 0 : update - s.momentumWindow! - trainer.globalStep;
  return left > 0 ? left : Infinity;
}

export interface WindowFigures {
  /** The momentum window, in steps. */
  window: number;
  /** Samples/s of a window's steps (dense weight gradient and missing momentum). */
  windowSamplesPerSec: number;
  /** Samples/s over one epoch of the run the query trains (its steps, K of them windowed). */
  epochSamplesPerSec: number;
}

/**
 * The window's step rate (timed on a run whose window covers every step) and the average over
 * an epoch of the query's run with the default training set (one update an epoch): E steps, K
 * of them at the window's rate, the others at `betweenRate`. Null when the run has no window.
 */
export async function windowFigures(
  query: string,
  trainer: Trainer,
  betweenRate: number,
  rate: (query: string) => Promise<{ samplesPerSec: number; trainer: Trainer }>,
): Promise<WindowFigures | null> {
  const s = trainer.sparsity;
  if (!windowed(s) || s.updateEvery !== 'epoch') return null;
  const k = s.momentumWindow!;
  const inWindow = await rate(`${query}&momentum_window=100000`);
  inWindow.trainer.release();
  const { config } = decode(query);
  const epoch = Math.ceil(config.train / config.batch);
  const w = Math.min(k, epoch);
  const r = inWindow.samplesPerSec;
  return {
    window: k,
    windowSamplesPerSec: r,
    epochSamplesPerSec: epoch / (w / r + (epoch - w) / betweenRate),
  };
}
