/**
 * The run record: one versioned JSON document per run, the same whether the page's JSON
 * export, `npm run experiment -- --out=FILE` or `--export=DIR` wrote it. Its JSON Schema is
 * docs/run-record.schema.json; a change to these types changes the schema and `RECORD_SCHEMA`.
 */
import type { TrainingConfig } from '../config';
import type { AdapterInfo } from '../engine/backend';
import type { EpochMetrics, LayerSnapshot } from '../engine/events';
import type { LayerUpdateReport } from '../sparse/momentum';
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

/**
 * A layer at an epoch's end: the engine's snapshot (size, active weights, density, mean
 * |momentum|, momentum share, kernel), with `emptyChannels` only on conv layers.
 */
export type RecordLayer = Omit<LayerSnapshot, 'emptyChannels'> & { emptyChannels?: number };

/**
 * One epoch (counted from 1): the engine's figures (accuracy and loss on test and train, total
 * density, prune rate of its last mask update or null, samples/s, seconds, input zeros, the test
 * set's confusion matrix) with the layers as the record has them.
 */
export type RecordEpoch = Omit<EpochMetrics, 'layers'> & { layers: RecordLayer[] };

/** A layer's part of a mask update (the engine's report), `emptyChannels` only on conv layers. */
export type RecordUpdateLayer = LayerUpdateReport & { emptyChannels?: number };

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
  /** What reproduces it anywhere: the canonical query (`v=2` first, non-defaults after). */
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
