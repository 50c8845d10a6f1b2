import { unpackAug } from '../engine/augment';
import type { KernelArgs, Tensor } from '../engine/backend';
import { split, type Slices } from './executor';
import { f32, u32 } from './tensor';

/**
 * CPU twins of the per-element and per-sample kernels: the batch gather, ReLU, the loss and
 * metrics, and the dense optimizer steps.
 */

export function gatherBatch(a: KernelArgs['gatherBatch']): void {
  const { batch, height, width, channels, mean, std } = a;
  const data = u32(a.data);
  const labels = u32(a.labels);
  const order = u32(a.order);
  const cursor = u32(a.cursor)[0];
  const aug = a.aug ? u32(a.aug) : null;
  const x = f32(a.x);
  const y = u32(a.y);
  const xT = a.xT ? f32(a.xT) : null;
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
      if (xT) xT[f * batch + b] = x[b * features + f];
    }
  }
}

export function reluForward(a: KernelArgs['reluForward']): void {
  const { n } = a;
  const x = f32(a.x);
  const y = f32(a.y);
  for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

export function reluBackward(a: KernelArgs['reluBackward']): void {
  const { n } = a;
  const y = f32(a.y);
  const dy = f32(a.dy);
  const dx = f32(a.dx);
  for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}

/**
 * The backward of a ReLU fused into the op that writes its input gradient: dx[i] = 0 over
 * [from, to) where the ReLU's output y[i] is not > 0, what `reluBackward` after it would give.
 */
export function reluGradMask(
  y: Tensor | null | undefined,
  dx: Float32Array,
  from: number,
  to: number,
) {
  if (!y) return;
  const out = f32(y);
  for (let i = from; i < to; i++) if (!(out[i] > 0)) dx[i] = 0;
}

export function softmaxXent(a: KernelArgs['softmaxXent']): void {
  const { batch, classes } = a;
  const logits = f32(a.logits);
  const labels = u32(a.labels);
  const loss = f32(a.loss);
  const dlogits = f32(a.dlogits);
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
  if (a.accum) batchMetrics({ ...a, accum: a.accum });
}

/** Index of the first maximum, the tie rule the WGSL kernel uses too. */
export function argmax(values: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (values[offset + c] > values[offset + best]) best = c;
  return best;
}

export function batchMetrics(a: KernelArgs['batchMetrics']): void {
  const { batch, classes } = a;
  const logits = f32(a.logits);
  const labels = u32(a.labels);
  const loss = f32(a.loss);
  const accum = f32(a.accum);
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

export function confusionCount(a: KernelArgs['confusionCount']): void {
  const { batch, classes } = a;
  const logits = f32(a.logits);
  const labels = u32(a.labels);
  const confusion = u32(a.confusion);
  for (let b = 0; b < batch; b++)
    confusion[labels[b] * classes + argmax(logits, b * classes, classes)]++;
}

export function sgdUpdate(a: KernelArgs['sgdUpdate']): void {
  sgdUpdateRows(a, 0, a.n);
}

/** Element by element (see ./executor): any split into ranges is the same arithmetic. */
export const sgdUpdateSlices = (a: KernelArgs['sgdUpdate']): Slices => split(a, a.n, sgdUpdateRows);

function sgdUpdateRows(a: KernelArgs['sgdUpdate'], from: number, to: number): void {
  const { lr, momentum, wd, nesterov } = a;
  const w = f32(a.w);
  const g = f32(a.g);
  const v = f32(a.v);
  const mask = a.mask ? f32(a.mask) : null;
  for (let i = from; i < to; i++) {
    const d = g[i] + wd * w[i];
    const vi = momentum * v[i] + d;
    v[i] = vi;
    const step = nesterov ? d + momentum * vi : vi;
    const next = w[i] - lr * step;
    w[i] = mask && mask[i] === 0 ? 0 : next;
  }
}

/** Twin of momentum_update.wgsl: v = mu*v + g everywhere. */
export function momentumUpdate(a: KernelArgs['momentumUpdate']): void {
  momentumUpdateRows(a, 0, a.n);
}

export const momentumUpdateSlices = (a: KernelArgs['momentumUpdate']): Slices =>
  split(a, a.n, momentumUpdateRows);

function momentumUpdateRows(a: KernelArgs['momentumUpdate'], from: number, to: number): void {
  const { momentum } = a;
  const v = f32(a.v);
  const g = f32(a.g);
  for (let i = from; i < to; i++) v[i] = momentum * v[i] + g[i];
}
