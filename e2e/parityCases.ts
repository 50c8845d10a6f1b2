// The cases of the kernel parity test: every WGSL kernel variant on seeded random inputs,
// with the tolerance each is held to. Run by e2e/parity.ts.
import { blockGrid } from '../src/sparse/blocks';
import { drawFanInMask } from '../src/sparse/fanin';
import { buildSparseFormat, compactValues } from '../src/sparse/format';
import { buildNmFormat, drawNmMask } from '../src/sparse/nm';
import { f, ints, rng, u, withZeros, zeros, type Case, type Host } from './parityData';
import { imageCases } from './parityImageCases';
import { convCases } from './parityConvCases';

export type { Case } from './parityData';

function linearCases(tag: string, B: number, I: number, O: number, bound: number): Case[] {
  return [
    {
      name: `linearForward ${tag}`,
      kernel: 'linearForward',
      tensors: { x: f(B * I), w: f(O * I, 0.1), b: f(O, 0.1), y: zeros(B * O) },
      params: { batch: B, inF: I, outF: O },
      outputs: ['y'],
      bound,
    },
    {
      name: `linearGradInput ${tag}`,
      kernel: 'linearGradInput',
      tensors: { dy: f(B * O), w: f(O * I, 0.1), dx: zeros(B * I) },
      params: { batch: B, inF: I, outF: O },
      outputs: ['dx'],
      bound,
    },
    {
      name: `linearGradWeight ${tag}`,
      kernel: 'linearGradWeight',
      tensors: { dy: f(B * O, 0.05), x: f(B * I), dw: zeros(O * I) },
      params: { batch: B, inF: I, outF: O },
      outputs: ['dw'],
      bound,
    },
  ];
}

/**
 * Every sparse kernel on a random mask of `density` over tiles of `block`, or (with `fanIn`)
 * on a constant fan-in mask of that many inputs per row, stored as ELL, or (with `nmGroup`) on
 * an N:M mask of round(density × weights) weights in groups of that many inputs.
 */
function sparseCases(
  tag: string,
  B: number,
  I: number,
  O: number,
  block: number,
  density: number,
  bound: number,
  fanIn?: number,
  nmGroup?: number,
): Case[] {
  const grid = blockGrid(O, I, block);
  const unitMask =
    nmGroup !== undefined
      ? drawNmMask(grid, Math.round(density * O * I), nmGroup, rng)
      : fanIn === undefined
        ? Uint8Array.from({ length: grid.units }, () => (rng.next() < density ? 1 : 0))
        : drawFanInMask(grid, fanIn * O, rng);
  const format =
    nmGroup !== undefined
      ? buildNmFormat(unitMask, grid, nmGroup)
      : buildSparseFormat(unitMask, grid, fanIn !== undefined);
  const dense = f(O * I, 0.1);
  const values = (): Host => ({
    dtype: 'f32',
    data: compactValues(dense.data as Float32Array, format, grid),
  });
  const n = values().data.length;
  const dims = { batch: B, inF: I, outF: O };
  const sgd = { lr: 0.1, momentum: 0.9, wd: 0.0005, nesterov: true, inF: I, outF: O };
  return [
    {
      name: `sparseForward ${tag}`,
      kernel: 'sparseForward',
      sparse: { format, values: values() },
      tensors: { x: f(B * I), b: f(O, 0.1), y: zeros(B * O) },
      params: dims,
      outputs: ['y'],
      bound,
    },
    {
      name: `sparseGradInput ${tag}`,
      kernel: 'sparseGradInput',
      sparse: { format, values: values() },
      tensors: { dy: f(B * O), dx: zeros(B * I) },
      params: dims,
      outputs: ['dx'],
      bound,
    },
    {
      name: `sparseGradWeight ${tag}`,
      kernel: 'sparseGradWeight',
      sparse: { format, values: values() },
      tensors: { dy: f(B * O, 0.05), x: f(B * I), dw: f(n) },
      params: dims,
      outputs: ['dw'],
      bound,
    },
    {
      name: `sparseSgdUpdate ${tag}`,
      kernel: 'sparseSgdUpdate',
      sparse: { format, values: values() },
      tensors: { g: f(n), v: f(n, 0.1) },
      params: { ...sgd, denseState: false },
      outputs: ['w.values', 'v'],
      bound: 1e-6,
    },
    {
      name: `sparseSgdUpdate dense state ${tag}`,
      kernel: 'sparseSgdUpdate',
      sparse: { format, values: values() },
      tensors: { g: f(O * I), v: f(O * I, 0.1) },
      params: { ...sgd, nesterov: false, denseState: true },
      outputs: ['w.values', 'v'],
      bound: 1e-6,
    },
  ];
}

/** A forward case again with the ReLU after the layer fused into its store. */
const withRelu = (c: Case): Case => ({
  ...c,
  name: `${c.name} + fused ReLU`,
  params: { ...c.params, relu: true },
});

/**
 * An input-gradient case again with the backward of the ReLU below the layer fused into its
 * store: `relu` (the ReLU's output) is negative or exactly 0 at about half the inputs.
 */
const withReluGrad = (c: Case): Case => ({
  ...c,
  name: `${c.name} + fused ReLU backward`,
  tensors: { ...c.tensors, relu: withZeros(f(c.tensors.dx?.data.length ?? 0), 7) },
});

/** A weight-gradient case again with the layer's bias gradient summed in the same pass. */
const withBias = (c: Case): Case => ({
  ...c,
  name: `${c.name} + fused bias gradient`,
  tensors: { ...c.tensors, db: f(Number(c.params.outF)) },
  outputs: [...c.outputs, 'db'],
});

/** A gather case again also writing the batch transposed (`xT`, the CSR kernels' layout). */
const withTransposed = (c: Case): Case => ({
  ...c,
  name: `${c.name} + transposed batch`,
  tensors: { ...c.tensors, xT: zeros(c.tensors.x?.data.length ?? 0) },
  outputs: [...c.outputs, 'xT'],
});

export function cases(): Case[] {
  const all = plainCases();
  const forward = all.filter((c) => c.kernel === 'linearForward' || c.kernel === 'sparseForward');
  const gradInput = all.filter(
    (c) => c.kernel === 'linearGradInput' || c.kernel === 'sparseGradInput',
  );
  const gradWeight = all.filter(
    (c) => c.kernel === 'linearGradWeight' || c.kernel === 'sparseGradWeight',
  );
  return [
    ...all,
    ...forward.map(withRelu),
    ...gradInput.map(withReluGrad),
    ...gradWeight.map(withBias),
    ...all.filter((c) => c.kernel === 'gatherBatch').map(withTransposed),
  ];
}

function plainCases(): Case[] {
  const N = 50;
  const F = 37;
  const order = Array.from({ length: N }, (_, i) => i);
  rng.shuffle(order);
  const bytes = Uint8Array.from(ints(N * F + 3, 256));
  const packed = new Uint32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(packed.buffer).set(bytes);
  const mask = (n: number): Host => ({
    dtype: 'f32',
    data: Float32Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0)),
  });
  return [
    {
      name: 'gatherBatch odd sizes',
      kernel: 'gatherBatch',
      tensors: {
        data: { dtype: 'u32', data: packed },
        labels: u(ints(N, 10)),
        order: u(order),
        cursor: u([7]),
        aug: null,
        x: zeros(9 * F),
        y: u(new Array(9).fill(0)),
      },
      params: { batch: 9, height: 1, width: F, channels: 1, mean: [0.1307], std: [0.3081] },
      outputs: ['x', 'y'],
      bound: 1e-5,
    },
    {
      name: 'gatherBatch packed words (no augmentation)',
      kernel: 'gatherBatch',
      tensors: {
        data: { dtype: 'u32', data: packed },
        labels: u(ints(N, 10)),
        order: u(order.map((o) => Math.min(o, Math.floor((N * F) / 36) - 1))),
        cursor: u([5]),
        aug: null,
        x: zeros(11 * 36),
        y: u(new Array(11).fill(0)),
      },
      params: {
        batch: 11,
        height: 3,
        width: 4,
        channels: 3,
        mean: [0.1, 0.5, 0.9],
        std: [0.3, 0.2, 0.25],
      },
      outputs: ['x', 'y'],
      bound: 1e-5,
    },
    // The packed gather's channel patterns (pipeline constants) for 1, 2 and 4 channels.
    ...[1, 2, 4].map((channels) => ({
      name: `gatherBatch packed words, ${channels} channel(s)`,
      kernel: 'gatherBatch' as const,
      tensors: {
        data: { dtype: 'u32' as const, data: packed },
        labels: u(ints(N, 10)),
        order: u(order.map((o) => Math.min(o, Math.floor((N * F) / (24 * channels)) - 1))),
        cursor: u([3]),
        aug: null,
        x: zeros(5 * 24 * channels),
        y: u(new Array(5).fill(0)),
      },
      params: {
        batch: 5,
        height: 4,
        width: 6,
        channels,
        mean: [0.1, 0.5, 0.9, 0.3].slice(0, channels),
        std: [0.3, 0.2, 0.25, 0.4].slice(0, channels),
      },
      outputs: ['x', 'y'],
      bound: 1e-5,
    })),
    ...imageCases(),
    ...convCases(),
    ...linearCases('scalar 13x37->19', 13, 37, 19, 1e-5),
    ...linearCases('vec4 edges 13x36->19', 13, 36, 19, 1e-5),
    ...linearCases('LeNet fc1 100x784->300', 100, 784, 300, 5e-5),
    ...linearCases('vec4x8 edges 13x44->21', 13, 44, 21, 1e-5).map((c) => ({
      ...c,
      name: `${c.name} (8x8)`,
      variant: 'vec4x8',
    })),
    {
      ...linearCases('zero-skipping 13x52->9', 13, 52, 9, 1e-5)[2],
      name: 'linearGradWeight zero-skipping 13x52->9 (dy with zeros)',
      variant: 'skip',
      tensors: {
        dy: withZeros(withZeros(f(13 * 9, 0.05), 2), 3),
        x: f(13 * 52),
        dw: zeros(9 * 52),
      },
    },
    ...sparseCases('block 16 8x8 edges 21x104->44 d=0.5', 21, 104, 44, 16, 0.5, 1e-5)
      .slice(0, 2)
      .map((c) => ({ ...c, name: `${c.name} (8x8)`, variant: 'bsr8' })),
    ...sparseCases('CSR 13x37->19 d=0.3', 13, 37, 19, 1, 0.3, 1e-5),
    ...sparseCases('CSR fc1 100x784->300 d=0.05', 100, 784, 300, 1, 0.05, 2e-5),
    ...sparseCases('CSR transposed 20x37->19 d=0.3', 20, 37, 19, 1, 0.3, 1e-5)
      .slice(0, 3)
      .map((c) => ({ ...c, params: { ...c.params, transposed: true } })),
    ...sparseCases('ELL fan-in 7 13x37->19', 13, 37, 19, 1, 0, 1e-5, 7).slice(0, 3),
    ...sparseCases('ELL fan-in 39 fc1 100x784->300', 100, 784, 300, 1, 0, 2e-5, 39).slice(0, 3),
    ...sparseCases('ELL transposed fan-in 5 20x37->19', 20, 37, 19, 1, 0, 1e-5, 5)
      .slice(0, 3)
      .map((c) => ({ ...c, params: { ...c.params, transposed: true } })),
    // N:M: padding slots (short last groups at 37 inputs, groups below N) and the SGD update
    // that must skip them, with stored and with dense state.
    ...sparseCases('N:M 8 13x37->19 d=0.2', 13, 37, 19, 1, 0.2, 1e-5, undefined, 8),
    ...sparseCases('N:M 16 fc1 100x784->300 d=0.05', 100, 784, 300, 1, 0.05, 2e-5, undefined, 16),
    ...sparseCases('N:M transposed 4 20x37->19 d=0.3', 20, 37, 19, 1, 0.3, 1e-5, undefined, 4)
      .slice(0, 3)
      .map((c) => ({ ...c, params: { ...c.params, transposed: true } })),
    // fc1's shape transposed (a full batch): rows of 49 slots, weights first, padding last.
    ...sparseCases(
      'N:M 16 transposed fc1 100x784->300 d=0.05',
      100,
      784,
      300,
      1,
      0.05,
      2e-5,
      undefined,
      16,
    )
      .slice(0, 3)
      .map((c) => ({ ...c, params: { ...c.params, transposed: true } })),
    {
      name: 'transpose 4x4 tiles 20x36',
      kernel: 'transpose',
      tensors: { src: f(20 * 36), dst: zeros(20 * 36) },
      params: { rows: 20, cols: 36 },
      outputs: ['dst'],
      bound: 0,
    },
    {
      name: 'transpose 20x37',
      kernel: 'transpose',
      tensors: { src: f(20 * 37), dst: zeros(20 * 37) },
      params: { rows: 20, cols: 37 },
      outputs: ['dst'],
      bound: 0,
    },
    ...sparseCases('block 4 13x36->19 d=0.4', 13, 36, 19, 4, 0.4, 1e-5),
    ...sparseCases('block 16 edges 21x100->37 d=0.5', 21, 100, 37, 16, 0.5, 1e-5),
    ...sparseCases('block 32 100x784->300 d=0.1', 100, 784, 300, 32, 0.1, 5e-5),
    {
      name: 'momentumUpdate vec4',
      kernel: 'momentumUpdate',
      tensors: { v: f(776, 0.1), g: f(776) },
      params: { n: 776, momentum: 0.9 },
      outputs: ['v'],
      bound: 1e-6,
    },
    {
      name: 'reluForward vec4',
      kernel: 'reluForward',
      tensors: { x: withZeros(f(1000), 7), y: zeros(1000) },
      params: { n: 1000 },
      outputs: ['y'],
      bound: 0,
    },
    {
      name: 'reluBackward vec4',
      kernel: 'reluBackward',
      tensors: { y: withZeros(f(1000), 5), dy: f(1000), dx: zeros(1000) },
      params: { n: 1000 },
      outputs: ['dx'],
      bound: 0,
    },
    {
      name: 'sgdUpdate vec4 masked Nesterov',
      kernel: 'sgdUpdate',
      tensors: { w: f(776), g: f(776), v: f(776, 0.1), mask: mask(776) },
      params: { n: 776, lr: 0.1, momentum: 0.9, wd: 0.0005, nesterov: true },
      outputs: ['w', 'v'],
      bound: 1e-6,
    },
    {
      name: 'momentumUpdate',
      kernel: 'momentumUpdate',
      tensors: { v: f(777, 0.1), g: f(777) },
      params: { n: 777, momentum: 0.9 },
      outputs: ['v'],
      bound: 1e-6,
    },
    {
      name: 'biasGrad',
      kernel: 'biasGrad',
      tensors: { dy: f(13 * 19), db: zeros(19) },
      params: { batch: 13, outF: 19 },
      outputs: ['db'],
      bound: 1e-5,
    },
    {
      // As below with 19 outputs: one a workgroup (the four-output variant needs out_f % 4 == 0).
      name: 'biasGrad over 4608 rows, 19 outputs',
      kernel: 'biasGrad',
      tensors: { dy: f(4608 * 19, 0.01), db: zeros(19) },
      params: { batch: 4608, outF: 19 },
      outputs: ['db'],
      bound: 1e-5,
    },
    {
      // A convolution's rows (LeNet conv1 at batch 8): four outputs a workgroup, summed as a tree.
      name: 'biasGrad over 4608 rows',
      kernel: 'biasGrad',
      tensors: { dy: f(4608 * 20, 0.01), db: zeros(20) },
      params: { batch: 4608, outF: 20 },
      outputs: ['db'],
      bound: 1e-5,
    },
    {
      name: 'reluForward',
      kernel: 'reluForward',
      tensors: { x: withZeros(f(1001), 7), y: zeros(1001) },
      params: { n: 1001 },
      outputs: ['y'],
      bound: 0,
    },
    {
      name: 'reluBackward',
      kernel: 'reluBackward',
      tensors: { y: withZeros(f(1001), 5), dy: f(1001), dx: zeros(1001) },
      params: { n: 1001 },
      outputs: ['dx'],
      bound: 0,
    },
    {
      name: 'softmaxXent',
      kernel: 'softmaxXent',
      tensors: {
        logits: f(13 * 10, 5),
        labels: u(ints(13, 10)),
        loss: zeros(13),
        dlogits: zeros(130),
      },
      params: { batch: 13, classes: 10 },
      outputs: ['loss', 'dlogits'],
      bound: 1e-5,
    },
    {
      // With batchMetrics' sums too (more samples than the one workgroup's invocations).
      name: 'softmaxXent + metrics',
      kernel: 'softmaxXent',
      tensors: {
        logits: f(130 * 10, 5),
        labels: u(ints(130, 10)),
        loss: zeros(130),
        dlogits: zeros(1300),
        accum: { dtype: 'f32', data: Float32Array.of(10, 3, 100, 1, 2) },
      },
      params: { batch: 130, classes: 10 },
      outputs: ['loss', 'dlogits', 'accum'],
      bound: 1e-3,
    },
    {
      name: 'sgdUpdate masked Nesterov',
      kernel: 'sgdUpdate',
      tensors: { w: f(777), g: f(777), v: f(777, 0.1), mask: mask(777) },
      params: { n: 777, lr: 0.1, momentum: 0.9, wd: 0.0005, nesterov: true },
      outputs: ['w', 'v'],
      bound: 1e-6,
    },
    {
      name: 'sgdUpdate dense plain momentum',
      kernel: 'sgdUpdate',
      tensors: { w: f(300), g: f(300), v: f(300, 0.1), mask: null },
      params: { n: 300, lr: 0.05, momentum: 0.5, wd: 0.01, nesterov: false },
      outputs: ['w', 'v'],
      bound: 1e-6,
    },
    {
      name: 'batchMetrics',
      kernel: 'batchMetrics',
      tensors: {
        logits: f(130 * 10),
        labels: u(ints(130, 10)),
        loss: f(130, 3),
        accum: { dtype: 'f32', data: Float32Array.of(10, 3, 100, 1, 2) },
      },
      params: { batch: 130, classes: 10 },
      outputs: ['accum'],
      bound: 1e-3,
    },
    {
      // Counts added to what is there: the matrix starts at 1 everywhere.
      name: 'confusionCount',
      kernel: 'confusionCount',
      tensors: {
        logits: f(130 * 10),
        labels: u(ints(130, 10)),
        confusion: u(new Array<number>(100).fill(1)),
      },
      params: { batch: 130, classes: 10 },
      outputs: ['confusion'],
      bound: 0,
    },
  ];
}
