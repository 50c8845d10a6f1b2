/**
 * The CPU twin of every WGSL kernel in `shaders/`: plain loops, the reference the GPU is
 * checked against (parity test) and the fallback backend.
 */

export function gatherBatch(
  data: Uint32Array,
  labels: Uint32Array,
  order: Uint32Array,
  cursor: number,
  x: Float32Array,
  y: Uint32Array,
  batch: number,
  features: number,
  mean: number,
  std: number,
): void {
  for (let b = 0; b < batch; b++) {
    const sample = order[cursor + b];
    y[b] = labels[sample];
    const base = sample * features;
    for (let f = 0; f < features; f++) {
      const idx = base + f;
      const byte = (data[idx >>> 2] >>> ((idx & 3) * 8)) & 0xff;
      x[b * features + f] = (byte / 255 - mean) / std;
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
