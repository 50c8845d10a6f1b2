import type { KernelArgs } from '../engine/backend';
import { reluGradMask } from './elementwise';
import { split, type Slices } from './executor';
import { f32 } from './tensor';

/**
 * CPU twins of the dense matrix kernels (linear layers, their gradients, transpose): plain
 * loops, the reference the WGSL kernels are checked against. The matmuls also split by batch
 * rows (`...Slices`, see ./executor) in the loops' own order: a split run is the same arithmetic.
 */

/** A forward kernel's stored value: with `relu`, a fused ReLU gives what reluForward would. */
export const epilogue = (v: number, relu: boolean | undefined): number =>
  relu && !(v > 0) ? 0 : v;

export function linearForward(a: KernelArgs['linearForward']): void {
  linearForwardRows(a, 0, a.batch);
}

export const linearForwardSlices = (a: KernelArgs['linearForward']): Slices =>
  split(a, a.batch, linearForwardRows);

function linearForwardRows(a: KernelArgs['linearForward'], from: number, to: number): void {
  const { inF, outF } = a;
  const x = f32(a.x);
  const w = f32(a.w);
  const bias = f32(a.b);
  const y = f32(a.y);
  for (let b = from; b < to; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const wo = o * inF;
      let s = 0;
      for (let i = 0; i < inF; i++) s += x[xb + i] * w[wo + i];
      y[b * outF + o] = epilogue(s + bias[o], a.relu);
    }
  }
}

export function linearGradInput(a: KernelArgs['linearGradInput']): void {
  linearGradInputRows(a, 0, a.batch);
}

export const linearGradInputSlices = (a: KernelArgs['linearGradInput']): Slices =>
  split(a, a.batch, linearGradInputRows);

function linearGradInputRows(a: KernelArgs['linearGradInput'], from: number, to: number): void {
  const { inF, outF } = a;
  const dy = f32(a.dy);
  const w = f32(a.w);
  const dx = f32(a.dx);
  dx.fill(0, from * inF, to * inF);
  for (let b = from; b < to; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const g = dy[b * outF + o];
      if (g === 0) continue;
      const wo = o * inF;
      for (let i = 0; i < inF; i++) dx[xb + i] += g * w[wo + i];
    }
  }
  reluGradMask(a.relu, dx, from * inF, to * inF);
}

export function linearGradWeight(a: KernelArgs['linearGradWeight']): void {
  f32(a.dw).fill(0, 0, a.inF * a.outF);
  linearGradWeightRows(a, 0, a.batch);
  if (a.db) biasSums(f32(a.dy), f32(a.db), a.batch, a.outF);
}

/**
 * The batch rows add into dw in batch order, chunk after chunk, as in one loop (the fused bias
 * gradient, which no row writes, is summed first).
 */
export function linearGradWeightSlices(a: KernelArgs['linearGradWeight']): Slices {
  f32(a.dw).fill(0, 0, a.inF * a.outF);
  if (a.db) biasSums(f32(a.dy), f32(a.db), a.batch, a.outF);
  return split(a, a.batch, linearGradWeightRows);
}

function linearGradWeightRows(a: KernelArgs['linearGradWeight'], from: number, to: number): void {
  const { inF, outF } = a;
  const dy = f32(a.dy);
  const x = f32(a.x);
  const dw = f32(a.dw);
  for (let b = from; b < to; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const g = dy[b * outF + o];
      if (g === 0) continue;
      const wo = o * inF;
      for (let i = 0; i < inF; i++) dw[wo + i] += g * x[xb + i];
    }
  }
}

export function biasGrad(a: KernelArgs['biasGrad']): void {
  biasSums(f32(a.dy), f32(a.db), a.batch, a.outF);
}

/**
 * db[o] = sum_b dy[b,o] in batch order: `biasGrad`, and the bias gradient a weight gradient
 * computes with it (its `db`) — the same sums, so fusing them changes no result.
 */
export function biasSums(dy: Float32Array, db: Float32Array, batch: number, outF: number): void {
  for (let o = 0; o < outF; o++) {
    let s = 0;
    for (let b = 0; b < batch; b++) s += dy[b * outF + o];
    db[o] = s;
  }
}

/** dst[c][r] = src[r][c] on plain arrays: the loop of `transpose`, shared with `untranspose`. */
export function transposeArray(
  src: Float32Array,
  dst: Float32Array,
  rows: number,
  cols: number,
): void {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}

/** Twin of transpose.wgsl. */
export function transpose(a: KernelArgs['transpose']): void {
  transposeArray(f32(a.src), f32(a.dst), a.rows, a.cols);
}
