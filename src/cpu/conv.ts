import type { KernelArgs } from '../engine/backend';
import { epilogue } from './dense';
import { split, type Slices } from './executor';
import { f32, u32 } from './tensor';

/**
 * CPU twins of the convolution-network kernels over NHWC activations: im2col/col2im (a
 * convolution is then a dense matmul), max-pooling and training-mode BatchNorm.
 */

export function im2col(a: KernelArgs['im2col']): void {
  im2colRows(a, 0, a.batch);
}

/** Sample by sample (see ./executor): each writes its own patches. */
export const im2colSlices = (a: KernelArgs['im2col']): Slices => split(a, a.batch, im2colRows);

function im2colRows(a: KernelArgs['im2col'], from: number, to: number): void {
  const { height, width, channels, kernel, stride, pad, outHeight, outWidth } = a;
  const x = f32(a.x);
  const cols = a.cols ? f32(a.cols) : null;
  const colsT = a.colsT ? f32(a.colsT) : null;
  const kk = kernel * kernel * channels;
  const rows = a.batch * outHeight * outWidth;
  for (let b = from; b < to; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const r = (b * outHeight + oy) * outWidth + ox;
        for (let ky = 0; ky < kernel; ky++) {
          for (let kx = 0; kx < kernel; kx++) {
            const iy = oy * stride + ky - pad;
            const ix = ox * stride + kx - pad;
            const inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
            const src = ((b * height + iy) * width + ix) * channels;
            const col = (ky * kernel + kx) * channels;
            for (let c = 0; c < channels; c++) {
              const v = inside ? x[src + c] : 0;
              if (cols) cols[r * kk + col + c] = v;
              if (colsT) colsT[(col + c) * rows + r] = v;
            }
          }
        }
      }
    }
  }
}

export function col2im(a: KernelArgs['col2im']): void {
  col2imRows(a, 0, a.batch);
}

/** Sample by sample: a sample's patches add into that sample's own image only. */
export const col2imSlices = (a: KernelArgs['col2im']): Slices => split(a, a.batch, col2imRows);

function col2imRows(a: KernelArgs['col2im'], from: number, to: number): void {
  const { height, width, channels, kernel, stride, pad, outHeight, outWidth } = a;
  const dcols = f32(a.dcols);
  const dx = f32(a.dx);
  const kk = kernel * kernel * channels;
  const image = height * width * channels;
  dx.fill(0, from * image, to * image);
  for (let b = from; b < to; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const row = ((b * outHeight + oy) * outWidth + ox) * kk;
        for (let ky = 0; ky < kernel; ky++) {
          for (let kx = 0; kx < kernel; kx++) {
            const iy = oy * stride + ky - pad;
            const ix = ox * stride + kx - pad;
            if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
            const dst = ((b * height + iy) * width + ix) * channels;
            const src = row + (ky * kernel + kx) * channels;
            for (let c = 0; c < channels; c++) dx[dst + c] += dcols[src + c];
          }
        }
      }
    }
  }
}

export function maxPoolForward(a: KernelArgs['maxPoolForward']): void {
  const { batch, height, width, channels, kernel, stride, outHeight, outWidth } = a;
  const x = f32(a.x);
  const y = f32(a.y);
  const idx = u32(a.idx);
  const inSize = height * width * channels;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          let arg = 0;
          for (let ky = 0; ky < kernel; ky++) {
            for (let kx = 0; kx < kernel; kx++) {
              const i = ((oy * stride + ky) * width + ox * stride + kx) * channels + c;
              const v = x[b * inSize + i];
              if (v > best) {
                best = v;
                arg = i;
              }
            }
          }
          const o = ((b * outHeight + oy) * outWidth + ox) * channels + c;
          y[o] = best;
          idx[o] = arg;
        }
      }
    }
  }
}

export function maxPoolBackward(a: KernelArgs['maxPoolBackward']): void {
  const { batch, height, width, channels, outHeight, outWidth } = a;
  const dy = f32(a.dy);
  const idx = u32(a.idx);
  const dx = f32(a.dx);
  const inSize = height * width * channels;
  const outSize = outHeight * outWidth * channels;
  // With the ReLU before the pool, a window's gradient passes only where the ReLU's output at
  // its argmax (the pooled maximum itself) is > 0: what reluBackward would leave of dx.
  const y = a.relu ? f32(a.relu) : null;
  dx.fill(0, 0, batch * inSize);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outSize; o++) {
      const j = b * outSize + o;
      if (!y || y[j] > 0) dx[b * inSize + idx[j]] += dy[j];
    }
  }
}

export function bnStats(a: KernelArgs['bnStats']): void {
  const { rows, channels, eps, momentum, training } = a;
  const x = f32(a.x);
  const stats = f32(a.stats);
  const running = f32(a.running);
  for (let c = 0; c < channels; c++) {
    if (!training) {
      stats[c] = running[c];
      stats[channels + c] = 1 / Math.sqrt(running[channels + c] + eps);
      continue;
    }
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * channels + c];
    const mean = sum / rows;
    let sq = 0;
    for (let r = 0; r < rows; r++) {
      const d = x[r * channels + c] - mean;
      sq += d * d;
    }
    const variance = sq / rows;
    stats[c] = mean;
    stats[channels + c] = 1 / Math.sqrt(variance + eps);
    running[c] = (1 - momentum) * running[c] + momentum * mean;
    const unbiased = rows > 1 ? sq / (rows - 1) : variance;
    running[channels + c] = (1 - momentum) * running[channels + c] + momentum * unbiased;
  }
}

export function bnForward(a: KernelArgs['bnForward']): void {
  const { rows, channels } = a;
  const x = f32(a.x);
  const stats = f32(a.stats);
  const gb = f32(a.gb);
  const y = f32(a.y);
  for (let i = 0; i < rows * channels; i++) {
    const c = i % channels;
    y[i] = epilogue(gb[c] * (x[i] - stats[c]) * stats[channels + c] + gb[channels + c], a.relu);
  }
}

export function bnGradParams(a: KernelArgs['bnGradParams']): void {
  const { rows, channels } = a;
  const x = f32(a.x);
  const dy = f32(a.dy);
  const stats = f32(a.stats);
  const dgb = f32(a.dgb);
  for (let c = 0; c < channels; c++) {
    let dg = 0;
    let db = 0;
    for (let r = 0; r < rows; r++) {
      const i = r * channels + c;
      dg += dy[i] * (x[i] - stats[c]) * stats[channels + c];
      db += dy[i];
    }
    dgb[c] = dg;
    dgb[channels + c] = db;
  }
}

export function bnGradInput(a: KernelArgs['bnGradInput']): void {
  const { rows, channels } = a;
  const x = f32(a.x);
  const dy = f32(a.dy);
  const stats = f32(a.stats);
  const gb = f32(a.gb);
  const dgb = f32(a.dgb);
  const dx = f32(a.dx);
  for (let i = 0; i < rows * channels; i++) {
    const c = i % channels;
    const inv = stats[channels + c];
    const xhat = (x[i] - stats[c]) * inv;
    dx[i] = ((gb[c] * inv) / rows) * (rows * dy[i] - dgb[channels + c] - xhat * dgb[c]);
  }
}
