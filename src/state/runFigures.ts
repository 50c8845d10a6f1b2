import type { AppState } from './store';

/** Where the run stands, as the run bar shows it. */
export interface RunFigures {
  /** Counted from 1, as everywhere on the page. */
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** The latest test accuracy: the full test set's, or the quick sample's when it is newer. */
  testAcc: number | null;
  testAccOnSample: boolean;
  /** Says which of the two the figure is. */
  testAccNote: string;
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
  subsetEvals: AppState['subsetEvals'];
  figures: RunFigures | null;
} | null = null;

/** The run bar's figures, recomputed only when progress or the epochs change. */
export function selectRunFigures(s: AppState): RunFigures | null {
  if (
    memo &&
    memo.progress === s.progress &&
    memo.epochs === s.epochs &&
    memo.subsetEvals === s.subsetEvals
  )
    return memo.figures;
  const p = s.progress;
  let figures: RunFigures | null = null;
  if (p && s.backend) {
    const last = s.epochs[s.epochs.length - 1];
    const epochs = Math.ceil(p.totalSteps / p.stepsPerEpoch);
    const perEpoch = last?.seconds ?? (p.stepsPerEpoch * s.config.batch) / p.samplesPerSec;
    const sample = s.subsetEvals[s.subsetEvals.length - 1];
    const lastEpochStep = (last?.epoch ?? 0) * p.stepsPerEpoch;
    const onSample = sample !== undefined && sample.globalStep > lastEpochStep;
    figures = {
      epoch: Math.min(p.epoch, epochs),
      epochs,
      step: p.step,
      stepsPerEpoch: p.stepsPerEpoch,
      testAcc: onSample ? sample.acc : (last?.testAcc ?? null),
      testAccOnSample: onSample,
      testAccNote: onSample
        ? `On a fixed sample of ${sample.images.toLocaleString('en-US')} test images, at step ${sample.globalStep}`
        : 'On the whole test set, after the last epoch',
      samplesPerSec: p.samplesPerSec,
      secondsPerEpoch: perEpoch,
      secondsLeft: (perEpoch * (p.totalSteps - p.globalStep)) / p.stepsPerEpoch,
      done: p.globalStep / p.totalSteps,
      backend: s.backend,
    };
  }
  memo = { progress: s.progress, epochs: s.epochs, subsetEvals: s.subsetEvals, figures };
  return figures;
}
