import type { ImageDataset } from '../data/dataset';
import type { TrainingConfig } from '../config/training';
import type { DeviceCosts } from './backend';
import type { LayerSpec } from './model';
import { resolveSparsity } from '../sparse/methods';
import { anyWindow } from '../sparse/window';
import { initialLayout, storageFor } from './params';
import {
  batchSizes,
  hyperOf,
  planStep,
  stateTensors,
  type StepModel,
  type StepPlan,
  type TensorRole,
  type TensorSpecs,
} from './plan';

export { checkFits, formatFit, TooBigError, type MemoryLimits } from './memoryFit';

/**
 * What a part of the estimate grows with, so a refusal can say what to reduce: the model's
 * size (layers, density), the training batch, the training set; or nothing a link sets (the
 * test set, the backend's own buffers).
 */
export type MemoryShare = 'model' | 'batch' | 'data' | 'fixed';

/** One buffer (or array, on the worker's side) the run will hold. */
export interface BufferEstimate {
  name: string;
  bytes: number;
  share: MemoryShare;
}

/**
 * What a run needs, in two places with a budget each. `buffers`: the backend's memory (on
 * WebGPU what `liveMemory()` counts: the plan's tensors, uniforms, readback staging).
 * `worker`: the arrays the training worker itself keeps on the CPU.
 */
export interface MemoryEstimate {
  buffers: BufferEstimate[];
  totalBytes: number;
  largest: BufferEstimate;
  worker: BufferEstimate[];
  workerBytes: number;
}

export interface EstimateOptions {
  /** The backend's own costs (its `limits().costs`); absent: 4 bytes an element, nothing else. */
  costs?: DeviceCosts;
  /** The worker keeps a checkpoint every epoch (a backend that can be lost, the GPU). */
  checkpoints?: boolean;
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
  missing: 'missing weights momentum (windows)',
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

/** Tensors `read` copies back (so the staging buffer is as large as the largest of them). */
const READ_BACK = new Set<TensorRole>([
  'parameter',
  'gradient',
  'momentum',
  'statistics',
  'readback',
  'control',
]);
/** What a training step holds for its batch: a smaller batch shrinks it. */
const PER_BATCH = new Set<TensorRole>(['input', 'activation', 'activation gradient', 'scratch']);

function shareOf(name: string, role: TensorRole, training: boolean): MemoryShare {
  if (role === 'data') return name.startsWith('train.') ? 'data' : 'fixed';
  return training && PER_BATCH.has(role) ? 'batch' : 'model';
}

/** The CPU backend's accounting: a tensor is its elements, nothing else is allocated. */
const EXACT: DeviceCosts = {
  tensorBytes: (length) => 4 * length,
  opBytes: () => 0,
  fixedBytes: 0,
  stagingBytes: () => 0,
};

/**
 * Everything a run of this experiment holds, before anything is allocated. On the device: the
 * buffers `Trainer` allocates, summed over the same descriptions it allocates from (datasets,
 * parameters in their initial storage, gradients, momentum, masks, BatchNorm state, and every
 * step it materializes: training and evaluation, full and last partial batches, the dense-
 * gradient steps of gradient growth and of momentum windows), each as the backend rounds it, with each op's uniform
 * buffer and the readback staging buffer. In the worker: the datasets, the epoch checkpoints
 * and the weights read back at each epoch end (see `workerArrays`). Storage that a mask update
 * moves later (a layer outgrowing its sparse buffers' headroom, or switching kernels) is not
 * foreseen.
 */
export function estimateMemory(
  layers: LayerSpec[],
  config: TrainingConfig,
  train: ImageDataset,
  test: ImageDataset,
  evalBatch: number,
  options: EstimateOptions = {},
): MemoryEstimate {
  const costs = options.costs ?? EXACT;
  const buffers: BufferEstimate[] = [];
  let largestRead = 0;
  const add = (specs: TensorSpecs, tag: string, training: boolean) => {
    for (const [name, s] of Object.entries(specs)) {
      const share = shareOf(name, s.role, training);
      buffers.push({ name: label(name) + tag, bytes: costs.tensorBytes(s.length), share });
      if (READ_BACK.has(s.role)) largestRead = Math.max(largestRead, s.length);
    }
  };
  const sparsity = resolveSparsity(config);
  const weights = initialLayout(layers, sparsity, config).map((l) => ({
    spec: l.spec,
    grid: l.grid,
    storage: storageFor(l.kernel, l.grid, l.nnzBlocks, sparsity, null),
  }));
  const state = stateTensors(layers, weights, train, test, config.augment);
  add(state, '', false);
  const model: StepModel = {
    layers,
    weights,
    train,
    test,
    augment: config.augment,
    hyper: hyperOf(config),
  };
  const addStep = (plan: StepPlan, tag: string) => {
    add(plan.tensors, tag, plan.training);
    const uniforms = plan.ops.reduce((n, o) => n + costs.opBytes(o.kernel), 0);
    if (uniforms > 0) buffers.push({ name: `uniforms${tag}`, bytes: uniforms, share: 'model' });
  };
  const trainBatches = batchSizes(train.count, config.batch);
  const steps = Math.ceil(train.count / config.batch);
  const gradientSteps =
    (sparsity.dynamic && sparsity.growth === 'gradient') ||
    anyWindow(sparsity, steps, steps * config.epochs);
  for (const batch of trainBatches) {
    addStep(planStep(model, batch, true), ` (training, batch ${batch})`);
    if (gradientSteps)
      addStep(planStep(model, batch, true, true), ` (training, batch ${batch}, dense gradient)`);
  }
  for (const batch of batchSizes(test.count, evalBatch))
    addStep(planStep(model, batch, false), ` (evaluation, batch ${batch})`);
  // The epoch's end reads the inputs of its last training step (activation sparsity).
  const last = planStep(model, trainBatches[trainBatches.length - 1], true);
  for (const { tensor } of last.inputs)
    largestRead = Math.max(largestRead, last.tensors[tensor].length);
  if (costs.fixedBytes > 0)
    buffers.push({ name: 'placeholder bindings', bytes: costs.fixedBytes, share: 'fixed' });
  const staging = costs.stagingBytes(largestRead);
  if (staging > 0) buffers.push({ name: 'readback staging', bytes: staging, share: 'model' });
  const worker = workerArrays(weights, state, train, test, sparsity, options.checkpoints ?? false);
  return {
    buffers,
    totalBytes: sum(buffers),
    largest: buffers.reduce((a, b) => (b.bytes > a.bytes ? b : a)),
    worker,
    workerBytes: sum(worker),
  };
}

const sum = (parts: BufferEstimate[]) => parts.reduce((n, b) => n + b.bytes, 0);

/**
 * The arrays the training worker keeps on the CPU besides the backend's: the datasets (as
 * loaded, kept for the next start); with checkpoints, two of them (the one kept, and the next
 * being read before it replaces it): dense weights and momentum, biases, masks and BatchNorm
 * state; and what an epoch's end reads back: every layer's weights and momentum as dense
 * arrays, with a dynamic method's update the new weights, the masks and (gradient growth) the
 * dense gradient. Counted together: garbage is not collected on cue. Not counted: the JS
 * engine's own overhead, and short-lived copies while uploading (at most one tensor's size).
 */
function workerArrays(
  weights: StepModel['weights'],
  state: TensorSpecs,
  train: ImageDataset,
  test: ImageDataset,
  sparsity: ReturnType<typeof resolveSparsity>,
  checkpoints: boolean,
): BufferEstimate[] {
  const dataset = (ds: ImageDataset) => ds.pixels.byteLength + ds.labels.byteLength;
  const out: BufferEstimate[] = [
    { name: 'training images and labels', bytes: dataset(train), share: 'data' },
    { name: 'test images and labels', bytes: dataset(test), share: 'fixed' },
  ];
  const denseWeights = weights.reduce((n, w) => n + w.spec.inFeatures * w.spec.outFeatures, 0);
  const masks = sparsity.density < 1 ? weights.reduce((n, w) => n + w.grid.units, 0) : 0;
  if (checkpoints) {
    // Weights and momentum dense, biases with their momentum, the unit masks, BatchNorm state.
    let bytes = 8 * denseWeights + masks;
    for (const [name, s] of Object.entries(state))
      if (/\.(b|vb|gb|vgb|running)$/.test(name)) bytes += 4 * s.length;
    out.push({ name: 'epoch checkpoint', bytes, share: 'model' });
    out.push({ name: 'next epoch checkpoint (while read)', bytes, share: 'model' });
  }
  // Weights and momentum (8 bytes a weight); an update adds the new weights (4), the element
  // masks before and after pruning (2), the dense gradient (4, gradient growth), unit masks.
  const update = sparsity.dynamic ? 6 + (sparsity.growth === 'gradient' ? 4 : 0) : 0;
  out.push({
    name: 'weights read back at an epoch end',
    bytes: (8 + update) * denseWeights + (sparsity.dynamic ? masks : 0),
    share: 'model',
  });
  return out;
}
