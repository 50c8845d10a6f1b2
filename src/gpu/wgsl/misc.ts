// Templates of the kernels at the edges of the training step: bias gradient, loss, metrics
// and the transposes the CSR kernels read. Bodies are WGSL text; the struct, bindings and
// overrides around them come from the lists here.
import { BIAS_GRAD_PARAMS, CLASSES_PARAMS, TRANSPOSE_PARAMS } from './layouts';
import { GID, kernel, PER_GROUP, treeReduce, WG, WG_CONST } from './snippets';

/** shaders/bias_grad.wgsl: The bias gradient: column sums of dy. */
export const biasGrad = (): string =>
  kernel({
    template: 'misc',
    doc: `db[o] = sum_b dy[b,o].`,
    layout: BIAS_GRAD_PARAMS,
    buffers: ['dy: f32', 'mut db: f32'],
    overrides: [WG],
    shape: { size: 'WG', args: GID },
    body: `
let o = gid.x;
if (o >= p.out_f) {
  return;
}
var s = 0.0;
for (var b = 0u; b < p.batch; b++) {
  s += dy[b * p.out_f + o];
}
db[o] = s;`,
  });

/**
 * shaders/bias_grad_rows*.wgsl: The bias gradient over many rows (a convolution's output
 * pixels): a workgroup per output, so one serial sum of 50,000 rows does not stall the step;
 * `_vec4` (out_f % 4 == 0) a workgroup per four outputs, each lane summed in the same order.
 */
export const biasGradRows = (vec4: boolean): string => {
  const [t, n] = vec4 ? ['vec4f', ' / 4u'] : ['f32', ''];
  return kernel({
    template: 'misc',
    doc: `db[o] = sum_b dy[b,o] with one workgroup per output o: invocation t sums rows t,
      t + WG, ..., then a tree adds the WG partial sums (a different order from bias_grad's
      single running sum, so results differ from it by rounding).${
        vec4
          ? ' Four outputs a workgroup (out_f % 4 == 0), as vec4 lanes: each lane adds in the order the one-output kernel does, so the results are the same.'
          : ''
      }`,
    layout: BIAS_GRAD_PARAMS,
    buffers: [`dy: ${t}`, `mut db: ${t}`],
    overrides: [],
    shape: { size: 'WG', args: PER_GROUP },
    helpers: `
${WG_CONST}
var<workgroup> part: array<${t}, WG>;`,
    body: `
let o = wid.x;
let t = lid.x;
var s = ${t}(0.0);
for (var b = t; b < p.batch; b += WG) {
  s += dy[b * p.out_f${n} + o];
}
part[t] = s;
${treeReduce(['part'])}
if (t == 0u) {
  db[o] = part[0];
}`,
  });
};

/** One sample's softmax cross-entropy (sample b): stores loss[b] and its dlogits row. */
const SOFTMAX_SAMPLE = `let base = b * p.classes;
var m = logits[base];
for (var c = 1u; c < p.classes; c++) {
  m = max(m, logits[base + c]);
}
var s = 0.0;
for (var c = 0u; c < p.classes; c++) {
  s += exp(logits[base + c] - m);
}
let label = labels[b];
let lb = log(s) - (logits[base + label] - m);
loss[b] = lb;
let inv_batch = 1.0 / f32(p.batch);
for (var c = 0u; c < p.classes; c++) {
  let prob = exp(logits[base + c] - m) / s;
  dlogits[base + c] = (prob - select(0.0, 1.0, c == label)) * inv_batch;
}`;

/** shaders/softmax_xent.wgsl: Loss and its gradient in one pass, so the logits are read once. */
export const softmaxXent = (): string =>
  kernel({
    template: 'misc',
    doc: `Softmax cross-entropy, forward and backward in one pass: per-sample loss, and dlogits =
      (softmax - onehot) / batch, the gradient of the batch-mean loss.`,
    layout: CLASSES_PARAMS,
    buffers: ['logits: f32', 'labels: u32', 'mut loss: f32', 'mut dlogits: f32'],
    overrides: [WG],
    shape: { size: 'WG', args: GID },
    body: `
let b = gid.x;
if (b >= p.batch) {
  return;
}
${SOFTMAX_SAMPLE}`,
  });

const METRICS_PARTS = `
${WG_CONST}
var<workgroup> loss_part: array<f32, WG>;
var<workgroup> correct_part: array<f32, WG>;`;

/** Whether sample b's prediction (argmax, first maximum wins) is its label, added into c. */
const CORRECT = `var best = 0u;
for (var k = 1u; k < p.classes; k++) {
  if (logits[base + k] > logits[base + best]) {
    best = k;
  }
}
c += select(0.0, 1.0, best == labels[b]);`;

/** The workgroup's sums of l and c, added into accum (batchMetrics' tail). */
const METRICS_SUM = `loss_part[t] = l;
correct_part[t] = c;
${treeReduce(['loss_part', 'correct_part'])}
if (t == 0u) {
  let n = f32(p.batch);
  accum[0] += loss_part[0];
  accum[1] += correct_part[0];
  accum[2] += n;
  accum[3] += loss_part[0];
  accum[4] += n;
}`;

const METRICS_DOC = `accum = [epochLoss, epochCorrect, epochCount, windowLoss, windowCount]`;

/** What the metrics kernels share: one workgroup, its partial sums in workgroup memory. */
const METRICS_KERNEL = {
  layout: CLASSES_PARAMS,
  overrides: [],
  shape: { size: 'WG', args: '@builtin(local_invocation_id) lid: vec3u' },
  helpers: METRICS_PARTS,
} as const;

/**
 * shaders/batch_metrics.wgsl: Loss and accuracy accumulated on the GPU, so no read-back per step.
 */
export const batchMetrics = (): string =>
  kernel({
    template: 'misc',
    doc: `Adds a batch's loss sum and correct-prediction count (argmax, first maximum wins) into
      ${METRICS_DOC}. One workgroup.`,
    ...METRICS_KERNEL,
    buffers: ['logits: f32', 'labels: u32', 'loss: f32', 'mut accum: f32'],
    body: `
let t = lid.x;
var l = 0.0;
var c = 0.0;
for (var b = t; b < p.batch; b += WG) {
  l += loss[b];
  let base = b * p.classes;
  ${CORRECT.split('\n').join('\n  ')}
}
${METRICS_SUM}`,
  });

/**
 * shaders/softmax_xent_metrics.wgsl: softmax_xent and batch_metrics in one dispatch (one
 * dispatch fewer per step, the logits read once): the same losses, gradients and sums.
 */
export const softmaxXentMetrics = (): string =>
  kernel({
    template: 'misc',
    doc: `Softmax cross-entropy, forward and backward (per-sample loss, dlogits = (softmax -
      onehot) / batch), and the batch's loss sum and correct-prediction count (argmax, first
      maximum wins) added into ${METRICS_DOC}: softmax_xent then batch_metrics in one
      workgroup, the same values and sums.`,
    ...METRICS_KERNEL,
    buffers: ['logits: f32', 'labels: u32', 'mut loss: f32', 'mut dlogits: f32', 'mut accum: f32'],
    body: `
let t = lid.x;
var l = 0.0;
var c = 0.0;
for (var b = t; b < p.batch; b += WG) {
  ${SOFTMAX_SAMPLE.split('\n').join('\n  ')}
  l += lb;
  ${CORRECT.split('\n').join('\n  ')}
}
${METRICS_SUM}`,
  });

/**
 * shaders/transpose.wgsl: Batch-contiguous activations for the transposed CSR kernels (any width).
 */
export const transpose = (): string =>
  kernel({
    template: 'misc',
    doc: `transpose: out[c][r] = in[r][c] for a rows x cols matrix with rows % 4 == 0. Each
      invocation reads four rows of one column and writes them as one vec4, so the CSR kernels
      can read a column of activations (one input feature over 16 samples) as four vec4 loads.`,
    layout: TRANSPOSE_PARAMS,
    buffers: ['src: f32', 'mut dst: vec4f'],
    overrides: [WG],
    shape: '1d',
    body: `
let r4 = p.rows / 4u;
if (i >= r4 * p.cols) {
  return;
}
// Consecutive invocations take consecutive columns of the same rows (contiguous reads).
let r = (i / p.cols) * 4u;
let c = i % p.cols;
let base = r * p.cols + c;
dst[c * r4 + r / 4u] = vec4f(
  src[base],
  src[base + p.cols],
  src[base + 2u * p.cols],
  src[base + 3u * p.cols],
);`,
  });

/** shaders/transpose_tile.wgsl: The transpose in 4x4 tiles when the width is a multiple of 4. */
export const transposeTile = (): string =>
  kernel({
    template: 'misc',
    doc: `transpose for rows % 4 == 0 and cols % 4 == 0: dst[c][r] = src[r][c], a 4 x 4 tile per
      invocation (four vec4 loads, four vec4 stores).`,
    layout: TRANSPOSE_PARAMS,
    buffers: ['src: vec4f', 'mut dst: vec4f'],
    overrides: [WG],
    shape: '1d',
    body: `
let r4 = p.rows / 4u;
let c4 = p.cols / 4u;
if (i >= r4 * c4) {
  return;
}
// Consecutive invocations take consecutive column groups of the same rows.
let rg = i / c4;
let cg = i - rg * c4;
let base = rg * 4u * c4 + cg;
let m0 = src[base];
let m1 = src[base + c4];
let m2 = src[base + 2u * c4];
let m3 = src[base + 3u * c4];
let out = cg * 4u * r4 + rg;
dst[out] = vec4f(m0.x, m1.x, m2.x, m3.x);
dst[out + r4] = vec4f(m0.y, m1.y, m2.y, m3.y);
dst[out + 2u * r4] = vec4f(m0.z, m1.z, m2.z, m3.z);
dst[out + 3u * r4] = vec4f(m0.w, m1.w, m2.w, m3.w);`,
  });

/**
 * shaders/confusion_count.wgsl: The test set's confusion matrix, counted on the GPU: one
 * invocation per (true, predicted) cell, so no atomics and the same counts on every device.
 */
export const confusionCount = (): string =>
  kernel({
    template: 'misc',
    doc: `confusion[t * classes + c] += the number of samples of the batch with label t whose
      argmax (first maximum wins, as batchMetrics) is c.`,
    layout: CLASSES_PARAMS,
    buffers: ['logits: f32', 'labels: u32', 'mut confusion: u32'],
    overrides: [WG],
    shape: { size: 'WG', args: GID },
    body: `
let cell = gid.x;
if (cell >= p.classes * p.classes) {
  return;
}
let row = cell / p.classes;
let col = cell % p.classes;
var n = 0u;
for (var b = 0u; b < p.batch; b++) {
  if (labels[b] != row) {
    continue;
  }
  let base = b * p.classes;
  var best = 0u;
  for (var k = 1u; k < p.classes; k++) {
    if (logits[base + k] > logits[base + best]) {
      best = k;
    }
  }
  n += select(0u, 1u, best == col);
}
confusion[cell] += n;`,
  });
