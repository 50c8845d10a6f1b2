import type { KernelArgs } from '../engine/backend';
import { epilogue } from './dense';
import { f32, u32 } from './tensor';

/**
 * CPU twins of the ELL kernels (ell_*.wgsl): a constant fan-in matrix where row o's weights
 * are values [o·k, (o+1)·k) and their columns colIdx (two 16-bit indices a word); no row
 * pointer is read. The input gradient walks the transposed index as CSR does, with the value
 * of entry (o, position) at o·k + position. `x` and `dy` arrive batch-major (src/cpu/sparse.ts
 * transposes them back first), and each function computes the rows [from, to) of its output.
 * They are the N:M kernels' twins too (nm_forward, nm_grad_weight): N:M rows are ELL rows whose
 * padding slots have column 0xffff, past the inputs; those are skipped (gradient 0).
 */

const col = (colIdx: Uint32Array, k: number) => (colIdx[k >> 1] >>> ((k & 1) * 16)) & 0xffff;

/** Twin of ell_forward(_t).wgsl: y[b,o] = Σ_j x[b, col(o,j)] · w[o,j] + bias[o], then the fused ReLU if any; samples [from, to). */
export function ellForwardRows(
  a: KernelArgs['sparseForward'],
  x: Float32Array,
  from: number,
  to: number,
): void {
  const { inF, outF } = a;
  const k = a.w.fanIn!;
  const vals = f32(a.w.values);
  const colIdx = u32(a.w.colIdx);
  const bias = f32(a.b);
  const y = f32(a.y);
  for (let b = from; b < to; b++) {
    for (let o = 0; o < outF; o++) {
      let s = 0;
      for (let j = o * k; j < (o + 1) * k; j++) {
        const i = col(colIdx, j);
        if (i < inF) s += x[b * inF + i] * vals[j];
      }
      y[b * outF + o] = epilogue(s + bias[o], a.relu);
    }
  }
}

/** Twin of ell_grad_input(_t).wgsl: dx[b,i] = Σ over column i's entries of dy[b,o] · w; samples [from, to). */
export function ellGradInputRows(
  a: KernelArgs['sparseGradInput'],
  dy: Float32Array,
  from: number,
  to: number,
): void {
  const { inF, outF } = a;
  const k = a.w.fanIn!;
  const vals = f32(a.w.values);
  const colPtr = u32(a.w.colPtr);
  const tEntry = u32(a.w.tEntry);
  const dx = f32(a.dx);
  for (let b = from; b < to; b++) {
    for (let i = 0; i < inF; i++) {
      let s = 0;
      for (let j = colPtr[i]; j < colPtr[i + 1]; j++) {
        const o = tEntry[j] & 0xffff;
        s += dy[b * outF + o] * vals[o * k + (tEntry[j] >>> 16)];
      }
      dx[b * inF + i] = s;
    }
  }
}

/** Twin of ell_grad_weight(_t).wgsl: dw[o·k + j] = Σ_b dy[b,o] · x[b, col(o,j)]; rows [from, to). */
export function ellGradWeightRows(
  a: KernelArgs['sparseGradWeight'],
  dy: Float32Array,
  x: Float32Array,
  from: number,
  to: number,
): void {
  const { batch, inF, outF } = a;
  const k = a.w.fanIn!;
  const colIdx = u32(a.w.colIdx);
  const dw = f32(a.dw);
  for (let o = from; o < to; o++) {
    for (let j = o * k; j < (o + 1) * k; j++) {
      const i = col(colIdx, j);
      let s = 0;
      if (i < inF) for (let b = 0; b < batch; b++) s += dy[b * outF + o] * x[b * inF + i];
      dw[j] = s;
    }
  }
}
