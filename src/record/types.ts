/**
 * The run record: one versioned JSON document per run, the same whether the page's JSON
 * export, `npm run experiment -- --out=FILE` or `--export=DIR` wrote it. Its JSON Schema is
 * docs/run-record.schema.json; a change to these types changes the schema and `RECORD_SCHEMA`.
 */
import type { TrainingConfig } from '../config';
import type { AdapterInfo } from '../engine/backend';
import type { SparseSettings } from '../sparse/methods';

/** The `schema` field: which layout a record has, so a reader can refuse one it does not know. */
export const RECORD_SCHEMA = 'sparse-playground/run-record@1';

/** The code a record came from, stamped at build time (package.json and `git rev-parse HEAD`). */
export interface AppStamp {
  version: string;
  /** The commit the app was built from, or "unknown" where the build had no git. */
  commit: string;
  /** True when the working tree had uncommitted changes (the commit does not pin the code). */
  dirty: boolean | null;
}

/** Where the numbers came from: two runs are bit-identical only on the same backend and adapter. */
export interface RecordRuntime {
  /** null only for a run restored from the browser's storage, whose device was not kept. */
  backend: 'webgpu' | 'cpu' | null;
  adapter: AdapterInfo | null;
  /** The browser's user agent, or the Node runtime and its WebGPU binding. */
  environment: string;
}

export interface RecordLayer {
  name: string;
  /** Weights the layer could hold, and those active at the epoch's end. */
  size: number;
  active: number;
  density: number;
  meanMomentum: number;
  momentumShare: number;
  /** Conv layers only: output channels whose filter has no active weight. */
  emptyChannels?: number;
  /** The matmul kernels the layer ran on: dense, csr, block16… */
  kernel: string;
}

/** One epoch, counted from 1. */
export interface RecordEpoch {
  epoch: number;
  testAcc: number;
  testLoss: number;
  trainAcc: number;
  trainLoss: number;
  /** Over all weight matrices (biases are dense and not counted). */
  density: number;
  /** Of the last mask update in this epoch; null when none ran. */
  pruneRate: number | null;
  samplesPerSec: number;
  seconds: number;
  layers: RecordLayer[];
  /** Per weight layer after the first: fraction of zeros in its input (last training batch). */
  inputZeros: { name: string; zeros: number }[];
  /** The whole test set: confusion[true label][predicted class], counts. */
  confusion: number[][];
}

export interface RecordUpdateLayer {
  name: string;
  size: number;
  activeBefore: number;
  activeAfter: number;
  pruned: number;
  regrown: number;
  meanMomentum: number;
  momentumShare: number;
  pruneRate: number;
  emptyChannels?: number;
}

/** One mask update's report (epoch counted from 1, as everywhere). */
export interface RecordMaskUpdate {
  epoch: number;
  globalStep: number;
  pruneRate: number;
  layers: RecordUpdateLayer[];
}

/** The running train loss, as the page's loss chart has it (mean since the previous point). */
export interface RecordLossPoint {
  globalStep: number;
  epoch: number;
  trainLoss: number;
  samplesPerSec: number;
}

export interface RunRecord {
  schema: typeof RECORD_SCHEMA;
  app: AppStamp;
  /** The address the run was made at (the page's, or the runner's local server's). */
  link: string;
  /** What reproduces it anywhere: the canonical query (`v=1` first, non-defaults after). */
  query: string;
  /** Every training parameter, defaults included, named as in the link. */
  config: TrainingConfig;
  /** What the method's `auto` knobs resolved to for this run. */
  sparsity: SparseSettings;
  runtime: RecordRuntime;
  epochs: RecordEpoch[];
  maskUpdates: RecordMaskUpdate[];
  runningLoss: RecordLossPoint[];
  summary: {
    epochs: number;
    /** Of the last epoch; null before the first ends. */
    testAcc: number | null;
    density: number | null;
    /** Every epoch of the configuration ran. */
    finished: boolean;
  };
}
