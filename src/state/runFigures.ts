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

/** What makes two runs take the same time per epoch (not the seed, epochs or step sizes). */
const SPEED_KEYS = [
  'dataset',
  'model',
  'hidden',
  'batch',
  'train',
  'method',
  'density',
  'block',
  'kernels',
  'backend',
  'augment',
] as const;

/**
 * The seconds per epoch of this configuration on this device: the mean over the epochs of the
 * latest run of the same shape in `history`, or null when none ran. With `anyTrainSize` a run
 * on another number of training images counts too, scaled by the image count.
 */
export function expectedEpochSeconds(
  config: AppState['config'],
  history: readonly AppState['history'][number][],
  anyTrainSize = false,
): number | null {
  const keys = SPEED_KEYS.filter((k) => !anyTrainSize || k !== 'train');
  const same = (c: AppState['config']) =>
    keys.every((k) => JSON.stringify(c[k]) === JSON.stringify(config[k]));
  const record = [...history].reverse().find((r) => r.epochs.length > 0 && same(r.config));
  if (!record) return null;
  const seconds = record.epochs.reduce((a, e) => a + e.seconds, 0) / record.epochs.length;
  return seconds * (config.train / record.config.train);
}

let expectMemo: {
  config: AppState['config'];
  history: AppState['history'];
  seconds: number | null;
} | null = null;

/**
 * Before Start: the time per epoch measured on this device by an earlier run of the same
 * shape in this session (mean over its epochs), or null when none ran: the page then says it
 * is unknown rather than guess.
 */
export function selectExpectedEpochSeconds(s: AppState): number | null {
  if (expectMemo && expectMemo.config === s.config && expectMemo.history === s.history)
    return expectMemo.seconds;
  const seconds = expectedEpochSeconds(s.config, s.history);
  expectMemo = { config: s.config, history: s.history, seconds };
  return seconds;
}
