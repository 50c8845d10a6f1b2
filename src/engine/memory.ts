import type { ImageDataset } from '../data/dataset';
import type { TrainingConfig as ExperimentConfig } from '../config/training';
import { size, type LayerSpec } from './model';
import { blockGrid } from '../sparse/blocks';
import { fitsSparseFormat } from '../sparse/format';
import { resolveSparsity } from '../sparse/methods';
import { initialLayerCounts, kernelChoice, sparseCapacity } from './trainer';

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

const f32 = 4;

/**
 * The buffers `Trainer` allocates for this experiment (dataset, parameters, gradients,
 * momentum, masks, and the activations of the training and evaluation batches), so an
 * oversized configuration is refused before anything is allocated.
 */
export function estimateMemory(
  layers: LayerSpec[],
  config: ExperimentConfig,
  train: ImageDataset,
  test: ImageDataset,
  evalBatch: number,
): MemoryEstimate {
  const buffers: BufferEstimate[] = [];
  const add = (name: string, bytes: number) => buffers.push({ name, bytes });
  for (const [tag, ds] of [
    ['training', train],
    ['test', test],
  ] as const) {
    add(`${tag} images`, Math.ceil((ds.count * ds.features) / 4) * 4);
    add(`${tag} labels`, ds.count * 4);
    add(`${tag} order`, ds.count * 4);
  }
  const sparsity = resolveSparsity(config);
  const sparse = sparsity.density < 1;
  const counts = initialLayerCounts(layers, sparsity);
  let w = 0;
  /** Weight layers on CSR kernels also keep transposed inputs and output gradients. */
  const csr = new Set<string>();
  for (const l of layers) {
    if (l.kind === 'linear' || l.kind === 'conv') {
      const n = l.inFeatures * l.outFeatures * f32;
      const grid = blockGrid(l.outFeatures, l.inFeatures, sparsity.block);
      const density = counts[w++] / (l.inFeatures * l.outFeatures);
      const kernel =
        config.kernels === 'dense'
          ? 'dense'
          : kernelChoice(
              config.kernels === 'sparse' ? 0 : density,
              grid.block,
              l.inFeatures,
              fitsSparseFormat(grid),
            );
      if (sparse && kernel === 'csr') csr.add(l.name);
      if (!sparse || kernel === 'dense') {
        for (const part of ['weights', 'weight gradient', 'weight momentum'])
          add(`${l.name} ${part}`, n);
        if (sparse) add(`${l.name} mask`, n);
      } else {
        // Block-CSR: values and indices for the initial tiles plus the reserve.
        const bb = grid.block * grid.block;
        const tiles = sparseCapacity(Math.ceil((density * grid.rows * grid.cols) / bb), grid.units);
        const stored = tiles * bb * f32;
        add(
          `${l.name} weights (${kernel})`,
          stored + (grid.blockRows + grid.blockCols + 2) * 4 + tiles * 6,
        );
        const dense = sparsity.growth === 'momentum';
        add(`${l.name} weight gradient`, dense ? n : stored);
        add(`${l.name} weight momentum`, dense ? n : stored);
        if (sparsity.growth === 'gradient') add(`${l.name} dense gradient (updates)`, n);
      }
      add(`${l.name} biases (x4)`, 4 * l.outFeatures * f32);
    } else if (l.kind === 'batchnorm') {
      add(`${l.name} state (x5)`, 10 * l.shape.channels * f32);
    }
  }
  const activations = (batch: number, training: boolean) => {
    const tag = training ? 'training' : 'evaluation';
    add(`${tag} batch input`, batch * train.features * f32);
    let width = train.features;
    for (const l of layers) {
      if (l.kind === 'flatten') continue;
      if (l.kind === 'conv') {
        const rows = batch * l.outShape.height * l.outShape.width;
        add(`${l.name} patches (${tag})`, rows * l.inFeatures * f32);
        width = size(l.outShape);
      } else if (l.kind === 'maxpool') {
        width = size(l.outShape);
        add(`${l.name} argmax (${tag})`, batch * width * 4);
      } else if (l.kind === 'linear') {
        width = l.outFeatures;
      }
      const rows =
        l.kind === 'conv'
          ? batch * l.outShape.height * l.outShape.width
          : l.kind === 'linear'
            ? batch
            : 0;
      // The transposed CSR kernels run when the rows come in fours.
      if (
        csr.has(l.name) &&
        rows > 0 &&
        rows % 4 === 0 &&
        (l.kind === 'linear' || l.kind === 'conv')
      ) {
        add(`${l.name} transposed input (${tag})`, rows * l.inFeatures * f32);
        if (training) add(`${l.name} transposed output gradient`, rows * l.outFeatures * f32);
      }
      const copies = training ? 2 : 1; // output and its gradient
      add(`${l.name} output (${tag})`, copies * batch * width * f32);
    }
  };
  activations(config.batch, true);
  activations(evalBatch, false);
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
