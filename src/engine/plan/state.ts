import type { ImageDataset } from '../../data/dataset';
import type { BlockGrid } from '../../sparse/blocks';
import { ACCUM_LENGTH } from '../backend';
import type { BatchNormSpec, LayerSpec, WeightSpec } from '../model';
import type { SparseRef, TensorSpecs } from './types';

/**
 * The tensors a run holds for its whole length (datasets, parameters and their optimizer
 * state), by name. Step plans name them in their ops; the trainer allocates them from these
 * descriptions and the memory estimate sums the same descriptions.
 */

/** The parts of a weight layer's or BatchNorm's state, named `<layer>.<part>`. */
export type ParamPart =
  | 'w'
  | 'b'
  | 'dw'
  | 'db'
  | 'vw'
  | 'vb'
  | 'mask'
  | 'denseGrad'
  | 'missing'
  | 'values'
  | 'rowPtr'
  | 'colIdx'
  | 'colPtr'
  | 'tEntry'
  | 'gb'
  | 'dgb'
  | 'vgb'
  | 'stats'
  | 'running';

export const paramName = (layer: string, part: ParamPart): string => `${layer}.${part}`;

/** Which dataset a step reads: training (shuffled, augmented) or test (in order). */
export type Split = 'train' | 'test';
export const dataName = (split: Split, part: 'images' | 'labels' | 'order' | 'aug') =>
  `${split}.${part}`;
export const CURSOR = 'cursor';
/** The metric sums of training and of evaluation (see `batchMetrics`). */
export const accumName = (training: boolean) => (training ? 'train.accum' : 'eval.accum');
/** The test set's confusion matrix, [classes][classes] counts (see `confusionCount`). */
export const CONFUSION = 'eval.confusion';

/**
 * How a weight layer's weights are stored. Dense: w, dw, vw (and a mask when the run is
 * sparse) are [out][in]. Sparse: block-CSR values and indices with room for `capacity` tiles;
 * dw and vw are laid out like the values, or dense [out][in] with `denseState` (sparse
 * momentum needs the momentum of missing weights); `denseGrad` adds the dense gradient that
 * gradient growth (RigL) reads at its updates; `missing` (sparse momentum with a momentum
 * window, src/sparse/window.ts) adds a dense [out][in] momentum of the missing weights, which
 * only the window's steps update from that dense gradient (its stored positions mean nothing).
 */
export type LayerStorage =
  | { kind: 'dense'; masked: boolean }
  | {
      kind: 'sparse';
      capacity: number;
      denseState: boolean;
      denseGrad: boolean;
      missing: boolean;
      /** Constant fan-in (ELL kernels) of the stored mask; absent for CSR and block-CSR. */
      fanIn?: number;
      /** N:M: some of the fanIn slots of a row are padding (column 0xffff, value 0). */
      padded?: boolean;
    };

/** Tiles the sparse buffers of a layer with `nnzBlocks` tiles are allocated for. */
export function sparseCapacity(nnzBlocks: number, units: number): number {
  // Room for a quarter more tiles, so most mask updates reuse the buffers.
  return Math.min(units, Math.ceil(nnzBlocks * 1.25) + 4);
}

/** The weight tensors (not the biases) of a layer in this storage. */
export function weightTensors(spec: WeightSpec, grid: BlockGrid, s: LayerStorage): TensorSpecs {
  const n = spec.inFeatures * spec.outFeatures;
  const at = (part: ParamPart) => paramName(spec.name, part);
  if (s.kind === 'dense') {
    const out: TensorSpecs = {
      [at('w')]: { dtype: 'f32', length: n, role: 'parameter' },
      [at('dw')]: { dtype: 'f32', length: n, role: 'gradient' },
      [at('vw')]: { dtype: 'f32', length: n, role: 'momentum' },
    };
    if (s.masked) out[at('mask')] = { dtype: 'f32', length: n, role: 'mask' };
    return out;
  }
  const stored = s.capacity * grid.block * grid.block;
  const index = (length: number) => ({
    dtype: 'u32' as const,
    length: Math.max(1, length),
    role: 'index' as const,
  });
  const out: TensorSpecs = {
    [at('values')]: { dtype: 'f32', length: stored, role: 'parameter' },
    [at('rowPtr')]: index(grid.blockRows + 1),
    [at('colIdx')]: index(Math.ceil(s.capacity / 2)),
    [at('colPtr')]: index(grid.blockCols + 1),
    [at('tEntry')]: index(s.capacity),
    [at('dw')]: { dtype: 'f32', length: s.denseState ? n : stored, role: 'gradient' },
    [at('vw')]: { dtype: 'f32', length: s.denseState ? n : stored, role: 'momentum' },
  };
  if (s.denseGrad) out[at('denseGrad')] = { dtype: 'f32', length: n, role: 'gradient' };
  if (s.missing) out[at('missing')] = { dtype: 'f32', length: n, role: 'momentum' };
  return out;
}

/** A weight layer's bias, its gradient and momentum (dense in every storage). */
export function biasTensors(spec: WeightSpec): TensorSpecs {
  const length = spec.outFeatures;
  return {
    [paramName(spec.name, 'b')]: { dtype: 'f32', length, role: 'parameter' },
    [paramName(spec.name, 'db')]: { dtype: 'f32', length, role: 'gradient' },
    [paramName(spec.name, 'vb')]: { dtype: 'f32', length, role: 'momentum' },
  };
}

/** BatchNorm state: [gamma, beta], their gradient and momentum, batch and running stats. */
export function normTensors(spec: BatchNormSpec): TensorSpecs {
  const length = 2 * spec.shape.channels;
  const at = (part: ParamPart) => paramName(spec.name, part);
  return {
    [at('gb')]: { dtype: 'f32', length, role: 'parameter' },
    [at('dgb')]: { dtype: 'f32', length, role: 'gradient' },
    [at('vgb')]: { dtype: 'f32', length, role: 'momentum' },
    [at('stats')]: { dtype: 'f32', length, role: 'statistics' },
    [at('running')]: { dtype: 'f32', length, role: 'statistics' },
  };
}

/** The block-CSR (or ELL, with the storage's fan-in) matrix of a sparse layer, by tensor names. */
export function sparseRef(name: string, grid: BlockGrid, storage?: LayerStorage): SparseRef {
  const fanIn = storage?.kind === 'sparse' ? storage.fanIn : undefined;
  const padded = storage?.kind === 'sparse' && storage.padded === true;
  return {
    ...(fanIn === undefined ? {} : { fanIn }),
    ...(padded ? { padded } : {}),
    block: grid.block,
    blockRows: grid.blockRows,
    values: paramName(name, 'values'),
    rowPtr: paramName(name, 'rowPtr'),
    colIdx: paramName(name, 'colIdx'),
    colPtr: paramName(name, 'colPtr'),
    tEntry: paramName(name, 'tEntry'),
  };
}

/**
 * The uploaded datasets (pixels packed four bytes to a u32, labels, sample order), the
 * training set's per-sample augmentation, the batch cursor and both metric accumulators.
 */
export function dataTensors(
  train: ImageDataset,
  test: ImageDataset,
  augment: boolean,
): TensorSpecs {
  const out: TensorSpecs = {};
  for (const [split, ds] of [
    ['train', train],
    ['test', test],
  ] as const) {
    out[dataName(split, 'images')] = {
      dtype: 'u32',
      length: Math.ceil((ds.count * ds.features) / 4),
      role: 'data',
    };
    out[dataName(split, 'labels')] = { dtype: 'u32', length: ds.count, role: 'data' };
    out[dataName(split, 'order')] = { dtype: 'u32', length: ds.count, role: 'data' };
  }
  if (augment) out[dataName('train', 'aug')] = { dtype: 'u32', length: train.count, role: 'data' };
  out[CURSOR] = { dtype: 'u32', length: 1, role: 'control' };
  out[accumName(true)] = { dtype: 'f32', length: ACCUM_LENGTH, role: 'readback' };
  out[accumName(false)] = { dtype: 'f32', length: ACCUM_LENGTH, role: 'readback' };
  out[CONFUSION] = { dtype: 'u32', length: test.classes * test.classes, role: 'readback' };
  return out;
}

/** Every tensor of the run's state for these layer storages (weight layers in model order). */
export function stateTensors(
  layers: LayerSpec[],
  weights: { spec: WeightSpec; grid: BlockGrid; storage: LayerStorage }[],
  train: ImageDataset,
  test: ImageDataset,
  augment: boolean,
): TensorSpecs {
  const out: TensorSpecs = { ...dataTensors(train, test, augment) };
  for (const w of weights)
    Object.assign(out, weightTensors(w.spec, w.grid, w.storage), biasTensors(w.spec));
  for (const l of layers) if (l.kind === 'batchnorm') Object.assign(out, normTensors(l));
  return out;
}
