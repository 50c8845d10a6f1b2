import type { AppState } from './store';

/** Where the run stands, as the run bar shows it. */
export interface RunFigures {
  /** Counted from 1, as everywhere on the page. */
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** The last full test-set accuracy, or null before the first epoch ends. */
  testAcc: number | null;
  samplesPerSec: number;
  /** Measured over the last epoch once there is one, else estimated from the current speed. */
  secondsPerEpoch: number;
  secondsLeft: number;
  /** Fraction of all training steps done. */
  done: number;
  backend: 'webgpu' | 'cpu';
}

let memo: {
  progress: AppState['progress'];
  epochs: AppState['epochs'];
  figures: RunFigures | null;
} | null = null;

/** The run bar's figures, recomputed only when progress or the epochs change. */
export function selectRunFigures(s: AppState): RunFigures | null {
  if (memo && memo.progress === s.progress && memo.epochs === s.epochs) return memo.figures;
  const p = s.progress;
  let figures: RunFigures | null = null;
  if (p && s.backend) {
    const last = s.epochs[s.epochs.length - 1];
    const epochs = Math.ceil(p.totalSteps / p.stepsPerEpoch);
    const perEpoch = last?.seconds ?? (p.stepsPerEpoch * s.config.batch) / p.samplesPerSec;
    figures = {
      epoch: Math.min(p.epoch + 1, epochs),
      epochs,
      step: p.step,
      stepsPerEpoch: p.stepsPerEpoch,
      testAcc: last?.testAcc ?? null,
      samplesPerSec: p.samplesPerSec,
      secondsPerEpoch: perEpoch,
      secondsLeft: (perEpoch * (p.totalSteps - p.globalStep)) / p.stepsPerEpoch,
      done: p.globalStep / p.totalSteps,
      backend: s.backend,
    };
  }
  memo = { progress: s.progress, epochs: s.epochs, figures };
  return figures;
}
