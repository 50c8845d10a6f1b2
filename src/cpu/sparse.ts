import type { KernelArgs } from '../engine/backend';
import { transposeArray } from './dense';
import { f32, u32 } from './tensor';

/**
 * CPU twins of the block-CSR kernels (see `src/sparse/format.ts`): only stored tiles are read
 * or written. They work on un-transposed activations; with `transposed` set (the GPU's CSR
 * path) the inputs are transposed back first.
 */

const tileCol = (colIdx: Uint32Array, k: number) => (colIdx[k >> 1] >>> ((k & 1) * 16)) & 0xffff;

/** [rows][cols] back from the transposed [cols][rows] the CSR kernels read. */
function untranspose(t: Float32Array, cols: number, rows: number): Float32Array {
  const out = new Float32Array(rows * cols);
  transposeArray(t.subarray(0, rows * cols), out, cols, rows);
  return out;
}

/** Twin of bsr_forward.wgsl and csr_forward.wgsl (block 1): only stored tiles are read. */
export function sparseForward(a: KernelArgs['sparseForward']): void {
  const { batch, inF, outF } = a;
  const { block } = a.w;
  const x = a.transposed ? untranspose(f32(a.x), inF, batch) : f32(a.x);
  const vals = f32(a.w.values);
  const rowPtr = u32(a.w.rowPtr);
  const colIdx = u32(a.w.colIdx);
  const bias = f32(a.b);
  const y = f32(a.y);
  const bb = block * block;
  for (let b = 0; b < batch; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const tr = Math.floor(o / block);
      const r = o % block;
      let s = 0;
      for (let k = rowPtr[tr]; k < rowPtr[tr + 1]; k++) {
        const col0 = tileCol(colIdx, k) * block;
        const cols = Math.min(block, inF - col0);
        const t = k * bb + r * block;
        for (let c = 0; c < cols; c++) s += x[xb + col0 + c] * vals[t + c];
      }
      y[b * outF + o] = s + bias[o];
    }
  }
}

/** Twin of bsr_grad_input.wgsl and csr_grad_input.wgsl: walks tile columns. */
export function sparseGradInput(a: KernelArgs['sparseGradInput']): void {
  const { batch, inF, outF } = a;
  const { block } = a.w;
  const dy = a.transposed ? untranspose(f32(a.dy), outF, batch) : f32(a.dy);
  const vals = f32(a.w.values);
  const rowPtr = u32(a.w.rowPtr);
  const colPtr = u32(a.w.colPtr);
  const tEntry = u32(a.w.tEntry);
  const dx = f32(a.dx);
  const bb = block * block;
  for (let b = 0; b < batch; b++) {
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
  const { batch, inF, outF } = a;
  const { block } = a.w;
  const dy = a.transposed ? untranspose(f32(a.dy), outF, batch) : f32(a.dy);
  const x = a.transposed ? untranspose(f32(a.x), inF, batch) : f32(a.x);
  const rowPtr = u32(a.w.rowPtr);
  const colIdx = u32(a.w.colIdx);
  const dw = f32(a.dw);
  const bb = block * block;
  const tileRows = rowPtr.length - 1;
  for (let tr = 0; tr < tileRows; tr++) {
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
  const { inF, outF, denseState, lr, momentum, wd, nesterov } = a;
  const { block } = a.w;
  const w = f32(a.w.values);
  const g = f32(a.g);
  const v = f32(a.v);
  const rowPtr = u32(a.w.rowPtr);
  const colIdx = u32(a.w.colIdx);
  const bb = block * block;
  for (let o = 0; o < outF; o++) {
    const tr = Math.floor(o / block);
    const r = o % block;
    for (let k = rowPtr[tr]; k < rowPtr[tr + 1]; k++) {
      const col0 = tileCol(colIdx, k) * block;
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
