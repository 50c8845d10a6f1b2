import type { Checkpoint } from './checkpoint';
import type { LayerUpdateReport } from '../sparse/momentum';
import type { LayerKernel } from './kernelPolicy';

/**
 * What a Trainer reports while it runs: the worker forwards these to the UI, the tests and the
 * benchmarks read them. Plain data, so they cross the worker boundary as they are.
 */

/** Per-layer state reported at the end of each epoch. */
export interface LayerSnapshot {
  name: string;
  size: number;
  active: number;
  density: number;
  meanMomentum: number;
  momentumShare: number;
  /** Conv layers: output channels whose filter has no active weight (skippable); else null. */
  emptyChannels: number | null;
  /** Which matmul kernels the layer runs on: dense, csr, or block16 etc. (see `kernelChoice`). */
  kernel: LayerKernel;
}

export interface EpochMetrics {
  epoch: number;
  testAcc: number;
  testLoss: number;
  trainAcc: number;
  trainLoss: number;
  /** Total density over all weight matrices (biases are always dense and not counted). */
  density: number;
  layers: LayerSnapshot[];
  /** Per weight layer after the first: fraction of zeros in its input (last training batch). */
  inputZeros: { name: string; zeros: number }[];
  /** Prune rate of the last mask update during this epoch; null when none ran. */
  pruneRate: number | null;
  /** The whole test set's confusion matrix: confusion[true label][predicted class] counts. */
  confusion: number[][];
  seconds: number;
  samplesPerSec: number;
}

/** Test accuracy on the fixed sample of test images, every few steps (see `evaluateSubset`). */
export interface SubsetEval {
  globalStep: number;
  /** How many test images the sample holds (about 1,000). */
  images: number;
  acc: number;
  loss: number;
}

export interface StepProgress {
  /** The epoch this step belongs to, counted from 1 as everywhere else. */
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  globalStep: number;
  totalSteps: number;
  /** Mean train loss over the steps since the previous progress event. */
  trainLoss: number;
  samplesPerSec: number;
}

/** Mask element states for the mask views. */
export const MASK_ABSENT = 0;
export const MASK_ACTIVE = 1;
export const MASK_PRUNED = 2;
export const MASK_REGROWN = 3;
/** Pruned by the last update and regrown in the same place (counted as both). */
export const MASK_REPLACED = 4;

/**
 * Each layer's mask as a [rows][cols] grid of states (absent, active, pruned by the last update,
 * regrown by it); conv layers are [out channels][k·k·in channels].
 */
export interface MaskView {
  globalStep: number;
  layers: {
    name: string;
    rows: number;
    cols: number;
    kernel: number;
    inChannels: number;
    state: Uint8Array;
    /** Inputs every output keeps, when a constant fan-in run's rows are all one length. */
    fanIn?: number;
    /** N:M runs: the layer's bound n (from its count) on every m consecutive inputs. */
    nm?: { n: number; m: number };
  }[];
}

export interface MaskUpdateEvent {
  epoch: number;
  globalStep: number;
  pruneRate: number;
  layers: (LayerUpdateReport & { emptyChannels: number | null })[];
}

export interface TrainerEvents {
  progress?(p: StepProgress): void;
  subsetEval?(e: SubsetEval): void;
  epoch?(m: EpochMetrics): void;
  maskUpdate?(u: MaskUpdateEvent): void;
  /** Every layer's mask after an update, with what the update pruned and regrew. */
  masks?(m: MaskView): void;
  /** The state at an epoch boundary (with `keepCheckpoints`): the first, then each epoch end. */
  checkpoint?(c: Checkpoint): void;
}

/** Raised when the loss stops being a finite number; the message tells a person what to try. */
export class DivergedError extends Error {
  constructor(step: number, epoch: number, lr: number) {
    super(
      `Training diverged: the loss became NaN or infinite by step ${step} (epoch ${epoch}). ` +
        `Try a smaller learning rate than lr=${lr}.`,
    );
    this.name = 'DivergedError';
  }
}
