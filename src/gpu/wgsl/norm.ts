// Templates of the BatchNorm kernels (statistics, normalisation and both gradients). Bodies
// are WGSL text; the struct, bindings and overrides around them come from the lists here.
import { BN_PARAMS, BN_STATS_PARAMS } from './layouts';
import { kernel, PER_GROUP, treeReduce, WG, WG_CONST } from './snippets';

/**
 * shaders/bn_stats.wgsl: BatchNorm statistics (and running averages), one workgroup per channel.
 */
export const bnStats = (): string =>
  kernel({
    template: 'norm',
    doc: `BatchNorm statistics of x[rows, channels], one workgroup per channel, into stats =
      [mean(C), inv_std(C)]. TRAINING: batch mean and biased variance (two passes), and
      running = [mean(C), var(C)] moves towards them by \`momentum\` with the unbiased
      variance, as PyTorch does. Otherwise the stats come from \`running\`.`,
    layout: BN_STATS_PARAMS,
    buffers: ['x: f32', 'mut stats: f32', 'mut running: f32'],
    overrides: ['TRAINING: u32 = 1u'],
    shape: { size: 'WG', args: PER_GROUP },
    helpers: `
${WG_CONST}
var<workgroup> part: array<f32, WG>;

fn reduce(t: u32) -> f32 {
  ${treeReduce(['part'], '  ')}
  let total = part[0];
  workgroupBarrier();
  return total;
}`,
    body: `
let c = wid.x;
let t = lid.x;
if (TRAINING == 0u) {
  if (t == 0u) {
    stats[c] = running[c];
    stats[p.channels + c] = 1.0 / sqrt(running[p.channels + c] + p.eps);
  }
  return;
}
var s = 0.0;
for (var r = t; r < p.rows; r += WG) {
  s += x[r * p.channels + c];
}
part[t] = s;
let mean = reduce(t) / f32(p.rows);
var q = 0.0;
for (var r = t; r < p.rows; r += WG) {
  let d = x[r * p.channels + c] - mean;
  q += d * d;
}
part[t] = q;
let sq = reduce(t);
if (t == 0u) {
  let variance = sq / f32(p.rows);
  stats[c] = mean;
  stats[p.channels + c] = 1.0 / sqrt(variance + p.eps);
  let unbiased = select(variance, sq / f32(p.rows - 1u), p.rows > 1u);
  running[c] = (1.0 - p.momentum) * running[c] + p.momentum * mean;
  running[p.channels + c] = (1.0 - p.momentum) * running[p.channels + c] + p.momentum * unbiased;
}`,
  });

/** shaders/bn_forward.wgsl: BatchNorm normalisation with the statistics of bn_stats. */
export const bnForward = (): string =>
  kernel({
    template: 'norm',
    doc: `y = gamma[c] * (x - mean[c]) * inv_std[c] + beta[c] over x[rows, channels]; stats =
      [mean(C), inv_std(C)], gb = [gamma(C), beta(C)].`,
    layout: BN_PARAMS,
    buffers: ['x: f32', 'stats: f32', 'gb: f32', 'mut y: f32'],
    overrides: [WG],
    shape: '1d',
    body: `
if (i >= p.rows * p.channels) {
  return;
}
let c = i % p.channels;
y[i] = gb[c] * (x[i] - stats[c]) * stats[p.channels + c] + gb[p.channels + c];`,
  });

/**
 * shaders/bn_grad_params.wgsl: Gradients of BatchNorm's gamma and beta, one workgroup per channel.
 */
export const bnGradParams = (): string =>
  kernel({
    template: 'norm',
    doc: `Gradients of BatchNorm's gamma and beta, one workgroup per channel: dgb = [sum dy * xhat
      (C), sum dy (C)], xhat = (x - mean) * inv_std.`,
    layout: BN_PARAMS,
    buffers: ['x: f32', 'dy: f32', 'stats: f32', 'mut dgb: f32'],
    overrides: [],
    shape: { size: 'WG', args: PER_GROUP },
    helpers: `
${WG_CONST}
var<workgroup> part_g: array<f32, WG>;
var<workgroup> part_b: array<f32, WG>;`,
    body: `
let c = wid.x;
let t = lid.x;
let mean = stats[c];
let inv = stats[p.channels + c];
var g = 0.0;
var b = 0.0;
for (var r = t; r < p.rows; r += WG) {
  let i = r * p.channels + c;
  g += dy[i] * (x[i] - mean) * inv;
  b += dy[i];
}
part_g[t] = g;
part_b[t] = b;
${treeReduce(['part_g', 'part_b'])}
if (t == 0u) {
  dgb[c] = part_g[0];
  dgb[p.channels + c] = part_b[0];
}`,
  });

/** shaders/bn_grad_input.wgsl: BatchNorm's input gradient (training mode). */
export const bnGradInput = (): string =>
  kernel({
    template: 'norm',
    doc: `Input gradient of training-mode BatchNorm over M = rows samples per channel: dx = gamma
      * inv_std / M * (M * dy - dbeta - xhat * dgamma).`,
    layout: BN_PARAMS,
    buffers: ['x: f32', 'dy: f32', 'stats: f32', 'gb: f32', 'dgb: f32', 'mut dx: f32'],
    overrides: [WG],
    shape: '1d',
    body: `
if (i >= p.rows * p.channels) {
  return;
}
let c = i % p.channels;
let inv = stats[p.channels + c];
let xhat = (x[i] - stats[c]) * inv;
let m = f32(p.rows);
dx[i] = gb[c] * inv / m * (m * dy[i] - dgb[p.channels + c] - xhat * dgb[c]);`,
  });
