// The uniform values of the kernel descriptors, by field name: each helper pairs a layout from
// layouts.ts with the function that fills it from a kernel's arguments.
import type {
  ConvShape,
  MatDims,
  PoolShape,
  SparseConvShape,
  SparseTensors,
} from '../../engine/backend';
import {
  BN_PARAMS,
  CLASSES_PARAMS,
  CONV_PARAMS,
  COUNT_PARAMS,
  DENSE_PARAMS,
  POOL_PARAMS,
  SPARSE_CONV_PARAMS,
  SPARSE_PARAMS,
} from './layouts';
import { uniformBlock, type UniformLayout, type UniformValues } from './uniforms';

/**
 * A descriptor's uniform layout and its values by name, declared together once: the layout
 * is the WGSL struct, and the value names are checked against it at compile time.
 */
export function params<L extends UniformLayout, A>(layout: L, values: (a: A) => UniformValues<L>) {
  return { params: layout, uniforms: (a: A) => uniformBlock(layout, values(a)) };
}

const image = (a: PoolShape) => ({
  batch: a.batch,
  height: a.height,
  width: a.width,
  channels: a.channels,
  kernel: a.kernel,
  stride: a.stride,
  out_h: a.outHeight,
  out_w: a.outWidth,
});
export const convParams = params(CONV_PARAMS, (a: ConvShape) => ({ ...image(a), pad: a.pad }));
export const poolParams = params(POOL_PARAMS, image);
export const sparseConvParams = params(SPARSE_CONV_PARAMS, (a: SparseConvShape) => ({
  ...image(a),
  pad: a.pad,
  out_c: a.outChannels,
}));
const dims = (a: MatDims) => ({ batch: a.batch, in_f: a.inF, out_f: a.outF });
export const denseParams = params(DENSE_PARAMS, dims);
export const bnParams = params(BN_PARAMS, (a: { rows: number; channels: number }) => ({
  rows: a.rows,
  channels: a.channels,
}));
export const countParams = params(COUNT_PARAMS, (a: { n: number }) => ({ n: a.n }));
export const classesParams = params(CLASSES_PARAMS, (a: { batch: number; classes: number }) => ({
  batch: a.batch,
  classes: a.classes,
}));

export const sparseParams = params(SPARSE_PARAMS, (a: MatDims & { w: SparseTensors }) => ({
  ...dims(a),
  block_rows: a.w.blockRows,
  fan_in: a.w.fanIn ?? 0,
}));
