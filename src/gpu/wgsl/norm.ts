// Templates of the BatchNorm kernels (statistics, normalisation and both gradients). Bodies
// are WGSL text; the struct, bindings and overrides around them come from the lists here. Each
// comes in a `_vec4` variant for channels % 4 == 0: x[rows, channels] is row-major, so four
// neighbouring channels are one vec4 and per-channel arrays ([a(C), b(C)]) are vec4 arrays.
import { BN_PARAMS, BN_STATS_PARAMS } from './layouts';
import { kernel, PER_GROUP, treeReduce, WG, WG_CONST } from './snippets';

/** The element type of a variant, its zero, and the channel groups (`groups`) it declares. */
function elem(vec4: boolean) {
  return {
    ty: vec4 ? 'vec4f' : 'f32',
    zero: vec4 ? 'vec4f(0.0)' : '0.0',
    groups: vec4 ? 'let groups = p.channels / 4u;' : 'let groups = p.channels;',
    four: vec4 ? ' Four channels an invocation (channels % 4 == 0).' : '',
    perGroup: vec4 ? 'one workgroup per four channels' : 'one workgroup per channel',
  };
}

/**
 * shaders/bn_stats*.wgsl: BatchNorm statistics (and running averages), one workgroup per
 * channel (or per four).
 */
export const bnStats = (vec4: boolean): string => {
  const e = elem(vec4);
  return kernel({
    template: 'norm',
    doc: `BatchNorm statistics of x[rows, channels], ${e.perGroup}, into stats =
      [mean(C), inv_std(C)]. TRAINING: batch mean and biased variance (two passes), and
      running = [mean(C), var(C)] moves towards them by \`momentum\` with the unbiased
      variance, as PyTorch does. Otherwise the stats come from \`running\`.`,
    layout: BN_STATS_PARAMS,
    buffers: [`x: ${e.ty}`, `mut stats: ${e.ty}`, `mut running: ${e.ty}`],
    overrides: ['TRAINING: u32 = 1u'],
    shape: { size: 'WG', args: PER_GROUP },
    helpers: `
${WG_CONST}
var<workgroup> part: array<${e.ty}, WG>;

fn reduce(t: u32) -> ${e.ty} {
  ${treeReduce(['part'], '  ')}
  let total = part[0];
  workgroupBarrier();
  return total;
}`,
    body: `
let c = wid.x;
let t = lid.x;
${e.groups}
if (TRAINING == 0u) {
  if (t == 0u) {
    stats[c] = running[c];
    stats[groups + c] = 1.0 / sqrt(running[groups + c] + p.eps);
  }
  return;
}
var s = ${e.zero};
for (var r = t; r < p.rows; r += WG) {
  s += x[r * groups + c];
}
part[t] = s;
let mean = reduce(t) / f32(p.rows);
var q = ${e.zero};
for (var r = t; r < p.rows; r += WG) {
  let d = x[r * groups + c] - mean;
  q += d * d;
}
part[t] = q;
let sq = reduce(t);
if (t == 0u) {
  let variance = sq / f32(p.rows);
  stats[c] = mean;
  stats[groups + c] = 1.0 / sqrt(variance + p.eps);
  let unbiased = select(variance, sq / f32(p.rows - 1u), p.rows > 1u);
  running[c] = (1.0 - p.momentum) * running[c] + p.momentum * mean;
  running[groups + c] = (1.0 - p.momentum) * running[groups + c] + p.momentum * unbiased;
}`,
  });
};

/**
 * shaders/bn_forward*.wgsl: BatchNorm normalisation with the statistics of bn_stats, and the
 * ReLU after it when fused.
 */
export const bnForward = (vec4: boolean): string => {
  const e = elem(vec4);
  return kernel({
    template: 'norm',
    doc: `y = gamma[c] * (x - mean[c]) * inv_std[c] + beta[c] over x[rows, channels]; stats =
      [mean(C), inv_std(C)], gb = [gamma(C), beta(C)]. With RELU, max(y, 0) is stored: the
      ReLU after the BatchNorm, as relu_forward would apply it.${e.four}`,
    layout: BN_PARAMS,
    buffers: [`x: ${e.ty}`, `stats: ${e.ty}`, `gb: ${e.ty}`, `mut y: ${e.ty}`],
    overrides: [WG, 'RELU: u32 = 0u'],
    shape: '1d',
    body: `
${e.groups}
if (i >= p.rows * groups) {
  return;
}
let c = i % groups;
let v = gb[c] * (x[i] - stats[c]) * stats[groups + c] + gb[groups + c];
y[i] = select(v, max(v, ${e.zero}), RELU != 0u);`,
  });
};

/**
 * shaders/bn_grad_params*.wgsl: Gradients of BatchNorm's gamma and beta, one workgroup per
 * channel (or per four).
 */
export const bnGradParams = (vec4: boolean): string => {
  const e = elem(vec4);
  return kernel({
    template: 'norm',
    doc: `Gradients of BatchNorm's gamma and beta, ${e.perGroup}: dgb = [sum dy *
      xhat (C), sum dy (C)], xhat = (x - mean) * inv_std.`,
    layout: BN_PARAMS,
    buffers: [`x: ${e.ty}`, `dy: ${e.ty}`, `stats: ${e.ty}`, `mut dgb: ${e.ty}`],
    overrides: [],
    shape: { size: 'WG', args: PER_GROUP },
    helpers: `
${WG_CONST}
var<workgroup> part_g: array<${e.ty}, WG>;
var<workgroup> part_b: array<${e.ty}, WG>;`,
    body: `
let c = wid.x;
let t = lid.x;
${e.groups}
let mean = stats[c];
let inv = stats[groups + c];
var g = ${e.zero};
var b = ${e.zero};
for (var r = t; r < p.rows; r += WG) {
  let i = r * groups + c;
  g += dy[i] * (x[i] - mean) * inv;
  b += dy[i];
}
part_g[t] = g;
part_b[t] = b;
${treeReduce(['part_g', 'part_b'])}
if (t == 0u) {
  dgb[c] = part_g[0];
  dgb[groups + c] = part_b[0];
}`,
  });
};

/** shaders/bn_grad_input*.wgsl: BatchNorm's input gradient (training mode). */
export const bnGradInput = (vec4: boolean): string => {
  const e = elem(vec4);
  return kernel({
    template: 'norm',
    doc: `Input gradient of training-mode BatchNorm over M = rows samples per channel: dx = gamma
      * inv_std / M * (M * dy - dbeta - xhat * dgamma).${e.four}`,
    layout: BN_PARAMS,
    buffers: [
      `x: ${e.ty}`,
      `dy: ${e.ty}`,
      `stats: ${e.ty}`,
      `gb: ${e.ty}`,
      `dgb: ${e.ty}`,
      `mut dx: ${e.ty}`,
    ],
    overrides: [WG],
    shape: '1d',
    body: `
${e.groups}
if (i >= p.rows * groups) {
  return;
}
let c = i % groups;
let inv = stats[groups + c];
let xhat = (x[i] - stats[c]) * inv;
let m = f32(p.rows);
dx[i] = gb[c] * inv / m * (m * dy[i] - dgb[groups + c] - xhat * dgb[c]);`,
  });
};
