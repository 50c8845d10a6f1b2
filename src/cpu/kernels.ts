import { unpackAug } from '../engine/augment';
import type { ConvShape, PoolShape } from '../engine/backend';

/**
 * The CPU twin of every WGSL kernel in `shaders/`: plain loops, the reference the GPU is
 * checked against (parity test) and the fallback backend.
 */

export function gatherBatch(
  data: Uint32Array,
  labels: Uint32Array,
  order: Uint32Array,
  cursor: number,
  aug: Uint32Array | null,
  x: Float32Array,
  y: Uint32Array,
  batch: number,
  height: number,
  width: number,
  channels: number,
  mean: number[],
  std: number[],
): void {
  const features = height * width * channels;
  for (let b = 0; b < batch; b++) {
    const sample = order[cursor + b];
    y[b] = labels[sample];
    const [sx, sy, flip] = aug ? unpackAug(aug[sample]) : [0, 0, false];
    const base = sample * features;
    for (let f = 0; f < features; f++) {
      const c = f % channels;
      const px = Math.floor(f / channels) % width;
      const py = Math.floor(f / (channels * width));
      const srcX = (flip ? width - 1 - px : px) + sx;
      const srcY = py + sy;
      let byte = 0;
      if (srcX >= 0 && srcX < width && srcY >= 0 && srcY < height) {
        const idx = base + (srcY * width + srcX) * channels + c;
        byte = (data[idx >>> 2] >>> ((idx & 3) * 8)) & 0xff;
      }
      x[b * features + f] = (byte / 255 - mean[c]) / std[c];
    }
  }
}

export function linearForward(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  y: Float32Array,
  batch: number,
  inF: number,
  outF: number,
): void {
  for (let b = 0; b < batch; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const wo = o * inF;
      let s = 0;
      for (let i = 0; i < inF; i++) s += x[xb + i] * w[wo + i];
      y[b * outF + o] = s + bias[o];
    }
  }
}

export function linearGradInput(
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
  batch: number,
  inF: number,
  outF: number,
): void {
  dx.fill(0, 0, batch * inF);
  for (let b = 0; b < batch; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const g = dy[b * outF + o];
      if (g === 0) continue;
      const wo = o * inF;
      for (let i = 0; i < inF; i++) dx[xb + i] += g * w[wo + i];
    }
  }
}

export function linearGradWeight(
  dy: Float32Array,
  x: Float32Array,
  dw: Float32Array,
  batch: number,
  inF: number,
  outF: number,
): void {
  dw.fill(0, 0, inF * outF);
  for (let b = 0; b < batch; b++) {
    const xb = b * inF;
    for (let o = 0; o < outF; o++) {
      const g = dy[b * outF + o];
      if (g === 0) continue;
      const wo = o * inF;
      for (let i = 0; i < inF; i++) dw[wo + i] += g * x[xb + i];
    }
  }
}

export function biasGrad(dy: Float32Array, db: Float32Array, batch: number, outF: number): void {
  for (let o = 0; o < outF; o++) {
    let s = 0;
    for (let b = 0; b < batch; b++) s += dy[b * outF + o];
    db[o] = s;
  }
}

export function reluForward(x: Float32Array, y: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

export function reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

export function softmaxXent(
  logits: Float32Array,
  labels: Uint32Array,
  loss: Float32Array,
  dlogits: Float32Array,
  batch: number,
  classes: number,
): void {
  for (let b = 0; b < batch; b++) {
    const base = b * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[base + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[base + c] - max);
    const label = labels[b];
    loss[b] = Math.log(sum) - (logits[base + label] - max);
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(logits[base + c] - max) / sum;
      dlogits[base + c] = (p - (c === label ? 1 : 0)) / batch;
    }
  }
}

export function sgdUpdate(
  w: Float32Array,
  g: Float32Array,
  v: Float32Array,
  mask: Float32Array | null,
  n: number,
  lr: number,
  momentum: number,
  wd: number,
  nesterov: boolean,
): void {
  for (let i = 0; i < n; i++) {
    const d = g[i] + wd * w[i];
    const vi = momentum * v[i] + d;
    v[i] = vi;
    const step = nesterov ? d + momentum * vi : vi;
    const next = w[i] - lr * step;
    w[i] = mask && mask[i] === 0 ? 0 : next;
  }
}

/** Index of the first maximum, the tie rule the WGSL kernel uses too. */
export function argmax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}

export function batchMetrics(
  logits: Float32Array,
  labels: Uint32Array,
  loss: Float32Array,
  accum: Float32Array,
  batch: number,
  classes: number,
): void {
  let lossSum = 0;
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    lossSum += loss[b];
    if (argmax(logits, b * classes, classes) === labels[b]) correct++;
  }
  accum[0] += lossSum;
  accum[1] += correct;
  accum[2] += batch;
  accum[3] += lossSum;
  accum[4] += batch;
}

export function im2col(x: Float32Array, cols: Float32Array, s: ConvShape): void {
  const { batch, height, width, channels, kernel, stride, pad, outHeight, outWidth } = s;
  const kk = kernel * kernel * channels;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const row = ((b * outHeight + oy) * outWidth + ox) * kk;
        for (let ky = 0; ky < kernel; ky++) {
          for (let kx = 0; kx < kernel; kx++) {
            const iy = oy * stride + ky - pad;
            const ix = ox * stride + kx - pad;
            const inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
            const src = ((b * height + iy) * width + ix) * channels;
            const dst = row + (ky * kernel + kx) * channels;
            for (let c = 0; c < channels; c++) cols[dst + c] = inside ? x[src + c] : 0;
          }
        }
      }
    }
  }
}

export function col2im(dcols: Float32Array, dx: Float32Array, s: ConvShape): void {
  const { batch, height, width, channels, kernel, stride, pad, outHeight, outWidth } = s;
  const kk = kernel * kernel * channels;
  dx.fill(0, 0, batch * height * width * channels);
  for (let b = 0; b < batch; b++) {
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

export function maxPoolForward(
  x: Float32Array,
  y: Float32Array,
  idx: Uint32Array,
  s: PoolShape,
): void {
  const { batch, height, width, channels, kernel, stride, outHeight, outWidth } = s;
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

export function maxPoolBackward(
  dy: Float32Array,
  idx: Uint32Array,
  dx: Float32Array,
  s: PoolShape,
): void {
  const { batch, height, width, channels, outHeight, outWidth } = s;
  const inSize = height * width * channels;
  const outSize = outHeight * outWidth * channels;
  dx.fill(0, 0, batch * inSize);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outSize; o++) dx[b * inSize + idx[b * outSize + o]] += dy[b * outSize + o];
  }
}

export function bnStats(
  x: Float32Array,
  stats: Float32Array,
  running: Float32Array,
  rows: number,
  channels: number,
  eps: number,
  momentum: number,
  training: boolean,
): void {
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

export function bnForward(
  x: Float32Array,
  stats: Float32Array,
  gb: Float32Array,
  y: Float32Array,
  rows: number,
  channels: number,
): void {
  for (let i = 0; i < rows * channels; i++) {
    const c = i % channels;
    y[i] = gb[c] * (x[i] - stats[c]) * stats[channels + c] + gb[channels + c];
  }
}

export function bnGradParams(
  x: Float32Array,
  dy: Float32Array,
  stats: Float32Array,
  dgb: Float32Array,
  rows: number,
  channels: number,
): void {
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

export function bnGradInput(
  x: Float32Array,
  dy: Float32Array,
  stats: Float32Array,
  gb: Float32Array,
  dgb: Float32Array,
  dx: Float32Array,
  rows: number,
  channels: number,
): void {
  for (let i = 0; i < rows * channels; i++) {
    const c = i % channels;
    const inv = stats[channels + c];
    const xhat = (x[i] - stats[c]) * inv;
    dx[i] = ((gb[c] * inv) / rows) * (rows * dy[i] - dgb[channels + c] - xhat * dgb[c]);
  }
}

const tileCol = (colIdx: Uint32Array, k: number) => (colIdx[k >> 1] >>> ((k & 1) * 16)) & 0xffff;

/** Twin of bsr_forward.wgsl and csr_forward.wgsl (block 1): only stored tiles are read. */
export function sparseForward(
  x: Float32Array,
  vals: Float32Array,
  rowPtr: Uint32Array,
  colIdx: Uint32Array,
  bias: Float32Array,
  y: Float32Array,
  batch: number,
  inF: number,
  outF: number,
  block: number,
): void {
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
export function sparseGradInput(
  dy: Float32Array,
  vals: Float32Array,
  rowPtr: Uint32Array,
  colPtr: Uint32Array,
  tEntry: Uint32Array,
  dx: Float32Array,
  batch: number,
  inF: number,
  outF: number,
  block: number,
): void {
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
export function sparseGradWeight(
  dy: Float32Array,
  x: Float32Array,
  rowPtr: Uint32Array,
  colIdx: Uint32Array,
  dw: Float32Array,
  batch: number,
  inF: number,
  outF: number,
  block: number,
): void {
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
export function sparseSgdUpdate(
  w: Float32Array,
  g: Float32Array,
  v: Float32Array,
  rowPtr: Uint32Array,
  colIdx: Uint32Array,
  inF: number,
  outF: number,
  block: number,
  denseState: boolean,
  lr: number,
  momentum: number,
  wd: number,
  nesterov: boolean,
): void {
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

/** Twin of momentum_update.wgsl: v = mu*v + g everywhere. */
export function momentumUpdate(
  v: Float32Array,
  g: Float32Array,
  n: number,
  momentum: number,
): void {
  for (let i = 0; i < n; i++) v[i] = momentum * v[i] + g[i];
}

/** Twin of transpose.wgsl. */
export function transpose(src: Float32Array, dst: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}
