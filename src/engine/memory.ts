import type { ImageDataset } from '../data/dataset';
import type { TrainingConfig } from '../config/training';
import type { LayerSpec } from './model';
import { resolveSparsity } from '../sparse/methods';
import { initialLayout, storageFor } from './params';
import {
  batchSizes,
  hyperOf,
  planStep,
  stateTensors,
  type StepModel,
  type TensorSpecs,
} from './plan';

/** One device buffer the trainer will allocate. */
export interface BufferEstimate {
  name: string;
  bytes: number;
}

export interface MemoryEstimate {
  buffers: BufferEstimate[];
  totalBytes: number;
  largest: BufferEstimate;
}

/** What a device can hold: WebGPU's per-buffer limits and a total budget. */
export interface MemoryLimits {
  /** Where the numbers come from, e.g. "this GPU" or "the CPU backend". */
  device: string;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Total bytes the app allows itself (WebGPU does not report a device's memory). */
  budgetBytes: number;
}

/** Readable names of the tensors' parts, for a refusal that says which buffer is too large. */
const PARTS: Record<string, string> = {
  w: 'weights',
  b: 'biases',
  dw: 'weight gradient',
  db: 'bias gradient',
  vw: 'weight momentum',
  vb: 'bias momentum',
  mask: 'mask',
  denseGrad: 'dense gradient (updates)',
  values: 'weights (sparse values)',
  rowPtr: 'row pointers',
  colIdx: 'column indices',
  colPtr: 'column pointers',
  tEntry: 'transposed index',
  gb: 'scale and shift',
  dgb: 'scale and shift gradient',
  vgb: 'scale and shift momentum',
  stats: 'batch statistics',
  running: 'running statistics',
  y: 'output',
  dy: 'output gradient',
  xT: 'transposed input',
  dyT: 'transposed output gradient',
  cols: 'patches',
  argmax: 'argmax',
  images: 'images',
  labels: 'labels',
  order: 'order',
  aug: 'augmentation',
  accum: 'metric sums',
};

const label = (name: string) => {
  const dot = name.indexOf('.');
  if (dot < 0) return name;
  const part = name.slice(dot + 1);
  return `${name.slice(0, dot)} ${PARTS[part] ?? part}`;
};

/**
 * The buffers `Trainer` allocates for this experiment, summed over the same descriptions it
 * allocates from: the run's state (datasets, parameters in their initial storage, gradients,
 * momentum, masks, BatchNorm state) and every step it materializes (training and evaluation,
 * full and last partial batches). So an oversized configuration is refused before anything
 * is allocated, and the number is the trainer's to the byte.
 */
export function estimateMemory(
  layers: LayerSpec[],
  config: TrainingConfig,
  train: ImageDataset,
  test: ImageDataset,
  evalBatch: number,
): MemoryEstimate {
  const buffers: BufferEstimate[] = [];
  const add = (specs: TensorSpecs, tag = '') => {
    for (const [name, s] of Object.entries(specs))
      buffers.push({ name: label(name) + tag, bytes: 4 * s.length });
  };
  const sparsity = resolveSparsity(config);
  const weights = initialLayout(layers, sparsity, config).map((l) => ({
    spec: l.spec,
    grid: l.grid,
    storage: storageFor(l.kernel, l.grid, l.nnzBlocks, sparsity, null),
  }));
  add(stateTensors(layers, weights, train, test, config.augment));
  const model: StepModel = {
    layers,
    weights,
    train,
    test,
    augment: config.augment,
    hyper: hyperOf(config),
  };
  for (const batch of batchSizes(train.count, config.batch))
    add(planStep(model, batch, true).tensors, ` (training, batch ${batch})`);
  for (const batch of batchSizes(test.count, evalBatch))
    add(planStep(model, batch, false).tensors, ` (evaluation, batch ${batch})`);
  const totalBytes = buffers.reduce((n, b) => n + b.bytes, 0);
  const largest = buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return { buffers, totalBytes, largest };
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(0)} MB`;
  return `${(n / 2 ** 10).toFixed(0)} kB`;
}

/** Null when the experiment fits; otherwise a message naming the limit and what to change. */
export function checkFits(m: MemoryEstimate, limits: MemoryLimits): string | null {
  const fix = 'Use smaller hidden layers, a smaller batch or fewer training images (train=).';
  const perBuffer = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  if (m.largest.bytes > perBuffer) {
    const which =
      limits.maxStorageBufferBindingSize <= limits.maxBufferSize
        ? 'maxStorageBufferBindingSize'
        : 'maxBufferSize';
    return (
      `This experiment does not fit ${limits.device}: its largest buffer (${m.largest.name}, ` +
      `${formatBytes(m.largest.bytes)}) is larger than the device limit ${which} ` +
      `(${formatBytes(perBuffer)}). ${fix}`
    );
  }
  if (m.totalBytes > limits.budgetBytes) {
    return (
      `This experiment does not fit ${limits.device}: it needs ${formatBytes(m.totalBytes)} ` +
      `of memory, more than the budget of ${formatBytes(limits.budgetBytes)} ` +
      `(largest buffer: ${m.largest.name}, ${formatBytes(m.largest.bytes)}). ${fix}`
    );
  }
  return null;
}
