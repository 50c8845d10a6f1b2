import type { KernelArgs, Tensor } from '../engine/backend';
import { biasSums, epilogue, transposeArray } from './dense';
import { ellForwardRows, ellGradInputRows, ellGradWeightRows } from './ell';
import { reluGradMask } from './elementwise';
import { runSlices, split, type Slices } from './executor';
import { f32, u32 } from './tensor';

/**
 * CPU twins of the block-CSR kernels (see `src/sparse/format.ts`): only stored tiles are read
 * or written. They work on un-transposed activations; with `transposed` set (the GPU's CSR
 * path) the inputs are transposed back first. Each also splits into rows that write their own
 * outputs (`...Slices`, see ./executor): a split run is the same arithmetic.
 */

const tileCol = (colIdx: Uint32Array, k: number) => (colIdx[k >> 1] >>> ((k & 1) * 16)) & 0xffff;

/**
 * Activations as [batch][features]: as given, or back from the transposed [features][batch]
 * the GPU's CSR kernels read (done once per invocation, before its rows run).
 */
function batchMajor(t: Tensor, transposed: boolean | undefined, features: number, batch: number) {
  if (!transposed) return f32(t);
  const out = new Float32Array(batch * features);
  transposeArray(f32(t).subarray(0, batch * features), out, features, batch);
  return out;
}

/** Twin of bsr_forward.wgsl and csr_forward.wgsl (block 1), ell_forward.wgsl with `w.fanIn`. */
export function sparseForward(a: KernelArgs['sparseForward']): void {
  runSlices(sparseForwardSlices(a));
}

export function sparseForwardSlices(a: KernelArgs['sparseForward']): Slices {
  const x = batchMajor(a.x, a.transposed, a.inF, a.batch);
  const rows = a.w.fanIn === undefined ? sparseForwardRows : ellForwardRows;
  return { rows: a.batch, run: (from, to) => rows(a, x, from, to) };
}

function sparseForwardRows(
  a: KernelArgs['sparseForward'],
  x: Float32Array,
  from: number,
  to: number,
): void {
  const { inF, outF } = a;
  const { block } = a.w;
  const vals = f32(a.w.values);
  const rowPtr = u32(a.w.rowPtr);
  const colIdx = u32(a.w.colIdx);
  const bias = f32(a.b);
  const y = f32(a.y);
  const bb = block * block;
  for (let b = from; b < to; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const tr = Math.floor(o / block);
      const r = o % block;
      let s = 0;
      for (let k = rowPtr[tr]; k < rowPtr[tr + 1]; k++) {
        const col0 = tileCol(colIdx, k) * block;
        // N:M padding slots (column 0xffff, past the inputs) give cols <= 0: nothing to update.
        const cols = Math.min(block, inF - col0);
        const t = k * bb + r * block;
        for (let c = 0; c < cols; c++) s += x[xb + col0 + c] * vals[t + c];
      }
      y[b * outF + o] = epilogue(s + bias[o], a.relu);
    }
  }
}

/** Twin of bsr_grad_input.wgsl and csr_grad_input.wgsl: walks tile columns. */
export function sparseGradInput(a: KernelArgs['sparseGradInput']): void {
  runSlices(sparseGradInputSlices(a));
}

export function sparseGradInputSlices(a: KernelArgs['sparseGradInput']): Slices {
  const dy = batchMajor(a.dy, a.transposed, a.outF, a.batch);
  const rows = a.w.fanIn === undefined ? sparseGradInputRows : ellGradInputRows;
  const dx = f32(a.dx);
  return {
    rows: a.batch,
    run: (from, to) => {
      rows(a, dy, from, to);
      reluGradMask(a.relu, dx, from * a.inF, to * a.inF);
    },
  };
}

function sparseGradInputRows(
  a: KernelArgs['sparseGradInput'],
  dy: Float32Array,
  from: number,
  to: number,
): void {
  const { inF, outF } = a;
  const { block } = a.w;
  const vals = f32(a.w.values);
  const rowPtr = u32(a.w.rowPtr);
  const colPtr = u32(a.w.colPtr);
  const tEntry = u32(a.w.tEntry);
  const dx = f32(a.dx);
  const bb = block * block;
  for (let b = from; b < to; b++) {
    const db = b * outF;
    for (let i = 0; i < inF; i++) {
      const tc = Math.floor(i / block);
      const c = i % block;
      let s = 0;
      for (let j = colPtr[tc]; j < colPtr[tc + 1]; j++) {
        const e = tEntry[j];
        const tr = e & 0xffff;
        const k = rowPtr[tr] + (e >>> 16);
        const o0 = tr * block;
        const rows = Math.min(block, outF - o0);
        for (let r = 0; r < rows; r++) s += dy[db + o0 + r] * vals[k * bb + r * block + c];
      }
      dx[b * inF + i] = s;
    }
  }
}

/** Twin of bsr_grad_weight.wgsl and csr_grad_weight.wgsl: gradients of stored weights only. */
export function sparseGradWeight(a: KernelArgs['sparseGradWeight']): void {
  runSlices(sparseGradWeightSlices(a));
}

/** By tile rows: each writes its own stored tiles. */
export function sparseGradWeightSlices(a: KernelArgs['sparseGradWeight']): Slices {
  const dy = batchMajor(a.dy, a.transposed, a.outF, a.batch);
  const x = batchMajor(a.x, a.transposed, a.inF, a.batch);
  if (a.db) biasSums(dy, f32(a.db), a.batch, a.outF);
  if (a.w.fanIn !== undefined)
    return { rows: a.outF, run: (from, to) => ellGradWeightRows(a, dy, x, from, to) };
  const tileRows = u32(a.w.rowPtr).length - 1;
  return { rows: tileRows, run: (from, to) => sparseGradWeightRows(a, dy, x, from, to) };
}

function sparseGradWeightRows(
  a: KernelArgs['sparseGradWeight'],
  dy: Float32Array,
  x: Float32Array,
  from: number,
  to: number,
): void {
  const { batch, inF, outF } = a;
  const { block } = a.w;
  const rowPtr = u32(a.w.rowPtr);
  const colIdx = u32(a.w.colIdx);
  const dw = f32(a.dw);
  const bb = block * block;
  for (let tr = from; tr < to; tr++) {
    for (let k = rowPtr[tr]; k < rowPtr[tr + 1]; k++) {
      const col0 = tileCol(colIdx, k) * block;
      for (let r = 0; r < block; r++) {
        const o = tr * block + r;
        for (let c = 0; c < block; c++) {
          const i = col0 + c;
          let s = 0;
          if (o < outF && i < inF)
            for (let b = 0; b < batch; b++) s += dy[b * outF + o] * x[b * inF + i];
          dw[k * bb + r * block + c] = s;
        }
      }
    }
  }
}

/** Twin of sparse_sgd_update.wgsl (with `denseState`, after momentumUpdate). */
export function sparseSgdUpdate(a: KernelArgs['sparseSgdUpdate']): void {
  sparseSgdUpdateRows(a, 0, a.outF);
}

export const sparseSgdUpdateSlices = (a: KernelArgs['sparseSgdUpdate']): Slices =>
  split(a, a.outF, sparseSgdUpdateRows);

function sparseSgdUpdateRows(a: KernelArgs['sparseSgdUpdate'], from: number, to: number): void {
  const { inF, denseState, lr, momentum, wd, nesterov } = a;
  const { block } = a.w;
  const w = f32(a.w.values);
  const g = f32(a.g);
  const v = f32(a.v);
  const rowPtr = u32(a.w.rowPtr);
  const colIdx = u32(a.w.colIdx);
  const bb = block * block;
  for (let o = from; o < to; o++) {
    const tr = Math.floor(o / block);
    const r = o % block;
    for (let k = rowPtr[tr]; k < rowPtr[tr + 1]; k++) {
      const col0 = tileCol(colIdx, k) * block;
      // N:M padding slots (column 0xffff, past the inputs) give cols <= 0: nothing to update.
      const cols = Math.min(block, inF - col0);
      for (let c = 0; c < cols; c++) {
        const idx = k * bb + r * block + c;
        const state = denseState ? o * inF + col0 + c : idx;
        const wi = w[idx];
        const d = g[state] + wd * wi;
        const vi = denseState ? v[state] + wd * wi : momentum * v[state] + d;
        v[state] = vi;
        w[idx] = wi - lr * (nesterov ? d + momentum * vi : vi);
      }
    }
  }
}
