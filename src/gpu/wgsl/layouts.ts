// The uniform block (`struct Params`) of every kernel, declared once: the generator emits the
// struct of each kernel from it, kernels.ts packs values by these names, and the contract
// test checks every shader's struct against it.
import type { UniformLayout } from './uniforms';

const u32 = <const N extends string[]>(...names: N) =>
  names.map((n) => [n, 'u32'] as const) as { [I in keyof N]: readonly [N[I], 'u32'] };

export const GATHER_PARAMS = [
  ...u32('batch', 'height', 'width', 'channels'),
  ['mean', 'vec4f'],
  ['std_dev', 'vec4f'],
] as const satisfies UniformLayout;

const IMAGE = u32('batch', 'height', 'width', 'channels', 'kernel', 'stride');
export const CONV_PARAMS = [
  ...IMAGE,
  ...u32('pad', 'out_h', 'out_w'),
] as const satisfies UniformLayout;
/** The implicit-GEMM sparse convolutions add the number of output channels. */
export const SPARSE_CONV_PARAMS = [
  ...CONV_PARAMS,
  ...u32('out_c'),
] as const satisfies UniformLayout;
export const POOL_PARAMS = [...IMAGE, ...u32('out_h', 'out_w')] as const satisfies UniformLayout;

export const BN_STATS_PARAMS = [
  ...u32('rows', 'channels'),
  ['eps', 'f32'],
  ['momentum', 'f32'],
] as const satisfies UniformLayout;
export const BN_PARAMS = u32('rows', 'channels') satisfies UniformLayout;

/** Dense matrix products: x is batch x in_f, w is out_f x in_f. */
export const DENSE_PARAMS = u32('batch', 'in_f', 'out_f') satisfies UniformLayout;
/** Sparse products add the number of tile rows, and the fan-in of ELL matrices (0 otherwise). */
export const SPARSE_PARAMS = [
  ...DENSE_PARAMS,
  ...u32('block_rows', 'fan_in'),
] as const satisfies UniformLayout;

export const SPARSE_SGD_PARAMS = [
  ...u32('in_f', 'out_f'),
  ['lr', 'f32'],
  ['momentum', 'f32'],
  ['wd', 'f32'],
] as const satisfies UniformLayout;
export const SGD_PARAMS = [
  ...u32('n'),
  ['lr', 'f32'],
  ['momentum', 'f32'],
  ['wd', 'f32'],
] as const satisfies UniformLayout;
export const MOMENTUM_PARAMS = [...u32('n'), ['momentum', 'f32']] as const satisfies UniformLayout;
export const COUNT_PARAMS = u32('n') satisfies UniformLayout;

export const TRANSPOSE_PARAMS = u32('rows', 'cols') satisfies UniformLayout;
export const BIAS_GRAD_PARAMS = u32('batch', 'out_f') satisfies UniformLayout;
export const CLASSES_PARAMS = u32('batch', 'classes') satisfies UniformLayout;
