import type { KernelArgs, SparseConvShape, SparseTensors } from '../engine/backend';
import { epilogue } from './dense';
import { split, type Slices } from './executor';
import { f32, u32 } from './tensor';

/**
 * CPU twins of the implicit-GEMM sparse convolution kernels (shaders/sparse_conv_*.wgsl): a
 * CSR kernel w[out][(ky,kx,c)] applied to NHWC activations without im2col patches. Each sums
 * in exactly the order im2col + the CSR matmul twins + col2im sum (the terms a patch holds
 * outside the image are zero and are skipped, which leaves every sum bit-identical), so a
 * plan may swap one path for the other without changing a recorded run.
 */

const tileCol = (colIdx: Uint32Array, k: number) => (colIdx[k >> 1] >>> ((k & 1) * 16)) & 0xffff;

/** Where stored weight k reads its input: kernel offsets ky, kx and channel c of its column. */
interface Taps {
  ky: Int32Array;
  kx: Int32Array;
  c: Int32Array;
}

function taps(a: SparseConvShape & { w: SparseTensors }): Taps {
  const colIdx = u32(a.w.colIdx);
  const n = u32(a.w.rowPtr)[a.outChannels];
  const t = { ky: new Int32Array(n), kx: new Int32Array(n), c: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    const i = tileCol(colIdx, k);
    t.c[k] = i % a.channels;
    const p = (i - t.c[k]) / a.channels;
    t.kx[k] = p % a.kernel;
    t.ky[k] = (p - t.kx[k]) / a.kernel;
  }
  return t;
}

/** Twin of sparse_conv_forward.wgsl, sample by sample. */
export function sparseConvForward(a: KernelArgs['sparseConvForward']): void {
  sparseConvForwardSlices(a).run(0, a.batch);
}

export const sparseConvForwardSlices = (a: KernelArgs['sparseConvForward']): Slices => {
  const t = taps(a);
  return split(a, a.batch, (args, from, to) => forwardRows(args, t, from, to));
};

function forwardRows(a: KernelArgs['sparseConvForward'], t: Taps, from: number, to: number) {
  const { height, width, channels: C, stride, pad, outHeight, outWidth, outChannels } = a;
  const x = f32(a.x);
  const vals = f32(a.w.values);
  const rowPtr = u32(a.w.rowPtr);
  const bias = f32(a.b);
  const y = f32(a.y);
  for (let b = from; b < to; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const r = (b * outHeight + oy) * outWidth + ox;
        for (let o = 0; o < outChannels; o++) {
          let s = 0;
          for (let k = rowPtr[o]; k < rowPtr[o + 1]; k++) {
            const iy = oy * stride + t.ky[k] - pad;
            const ix = ox * stride + t.kx[k] - pad;
            if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
            s += x[((b * height + iy) * width + ix) * C + t.c[k]] * vals[k];
          }
          y[r * outChannels + o] = epilogue(s + bias[o], a.relu);
        }
      }
    }
  }
}

/** Twin of sparse_conv_grad_weight.wgsl: by output channel, each writes its own weights. */
export function sparseConvGradWeight(a: KernelArgs['sparseConvGradWeight']): void {
  sparseConvGradWeightSlices(a).run(0, a.outChannels);
}

export const sparseConvGradWeightSlices = (a: KernelArgs['sparseConvGradWeight']): Slices => {
  const t = taps(a);
  return split(a, a.outChannels, (args, from, to) => gradWeightRows(args, t, from, to));
};

function gradWeightRows(a: KernelArgs['sparseConvGradWeight'], t: Taps, from: number, to: number) {
  const { batch, height, width, channels: C, stride, pad, outHeight, outWidth } = a;
  const O = a.outChannels;
  const x = f32(a.x);
  const dy = f32(a.dy);
  const rowPtr = u32(a.w.rowPtr);
  const dw = f32(a.dw);
  for (let o = from; o < to; o++) {
    for (let k = rowPtr[o]; k < rowPtr[o + 1]; k++) {
      const [ky, kx, c] = [t.ky[k], t.kx[k], t.c[k]];
      // The output columns whose input column ix = ox*stride + kx - pad lies in the image.
      const oxLo = Math.max(0, Math.ceil((pad - kx) / stride));
      const oxHi = Math.min(outWidth - 1, Math.floor((width - 1 + pad - kx) / stride));
      let s = 0;
      for (let b = 0; b < batch; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * stride + ky - pad;
          if (iy < 0 || iy >= height) continue;
          const line = (b * outHeight + oy) * outWidth;
          const src = (b * height + iy) * width;
          for (let ox = oxLo; ox <= oxHi; ox++)
            s += dy[(line + ox) * O + o] * x[(src + ox * stride + kx - pad) * C + c];
        }
      }
      dw[k] = s;
    }
  }
}

/** Twin of sparse_conv_grad_input.wgsl, sample by sample (a sample's dy reaches its own dx only). */
export function sparseConvGradInput(a: KernelArgs['sparseConvGradInput']): void {
  sparseConvGradInputSlices(a).run(0, a.batch);
}

export const sparseConvGradInputSlices = (a: KernelArgs['sparseConvGradInput']): Slices =>
  split(a, a.batch, gradInputRows);

function gradInputRows(a: KernelArgs['sparseConvGradInput'], from: number, to: number) {
  const { height, width, channels: C, kernel: K, stride, pad, outHeight, outWidth } = a;
  const O = a.outChannels;
  const dy = f32(a.dy);
  const vals = f32(a.w.values);
  const rowPtr = u32(a.w.rowPtr);
  const colPtr = u32(a.w.colPtr);
  const tEntry = u32(a.w.tEntry);
  const dx = f32(a.dx);
  // Output rows in ascending order, as col2im adds its patches.
  const lo = (i: number) => Math.max(0, Math.ceil((i + pad - K + 1) / stride));
  const hi = (i: number, n: number) => Math.min(n - 1, Math.floor((i + pad) / stride));
  for (let b = from; b < to; b++) {
    for (let iy = 0; iy < height; iy++) {
      for (let ix = 0; ix < width; ix++) {
        const dst = ((b * height + iy) * width + ix) * C;
        for (let c = 0; c < C; c++) {
          let acc = 0;
          for (let oy = lo(iy); oy <= hi(iy, outHeight); oy++) {
            const ky = iy + pad - oy * stride;
            for (let ox = lo(ix); ox <= hi(ix, outWidth); ox++) {
              const i = (ky * K + ix + pad - ox * stride) * C + c;
              const from = colPtr[i];
              const end = colPtr[i + 1];
              if (from === end) continue;
              const row = ((b * outHeight + oy) * outWidth + ox) * O;
              let s = 0;
              for (let j = from; j < end; j++) {
                const e = tEntry[j];
                const o = e & 0xffff;
                s += dy[row + o] * vals[rowPtr[o] + (e >>> 16)];
              }
              // col2im adds each f32 patch entry into the f32 image.
              acc = Math.fround(acc + Math.fround(s));
            }
          }
          dx[dst + c] = acc;
        }
      }
    }
  }
}
