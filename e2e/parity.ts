// Runs every WGSL kernel and its CPU twin on the same seeded inputs through the one Backend
// interface, and reports the max abs error per case. Loaded by e2e/parity.spec.ts.
import { CpuBackend } from '../src/cpu/backend';
import type { Backend, DType, KernelArgs, KernelName, SparseTensors } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import { GpuBackend } from '../src/gpu/backend';
import { KERNELS, type KernelDescriptor } from '../src/gpu/kernels';
import { cpuTensor, maxPoolForward } from '../src/cpu/kernels';
import { packAug } from '../src/engine/augment';
import { blockGrid } from '../src/sparse/blocks';
import { buildSparseFormat, compactValues, type SparseFormat } from '../src/sparse/format';

type Host = { dtype: DType; data: Float32Array | Uint32Array };
interface Case {
  name: string;
  kernel: KernelName;
  tensors: Record<string, Host | null>;
  /** A source variant to pin on the GPU (the autotuner's alternatives). */
  variant?: string;
  /** A block-CSR matrix bound as `w`; its values can be an output as 'w.values'. */
  sparse?: { format: SparseFormat; values: Host };
  params: Record<string, number | boolean | number[]>;
  outputs: string[];
  bound: number;
}
export interface ParityResult {
  name: string;
  kernel: KernelName;
  /** The WGSL source variant the GPU ran (pinned, or the descriptor's own pick). */
  variant: string;
  maxAbsErr: number;
  bound: number;
  compared: number;
  adapter: string;
}

const rng = new Rng(1234);
const f = (n: number, s = 1): Host => ({
  dtype: 'f32',
  data: Float32Array.from({ length: n }, () => rng.uniform(-s, s)),
});
const zeros = (n: number): Host => ({ dtype: 'f32', data: new Float32Array(n) });
const u = (values: number[]): Host => ({ dtype: 'u32', data: Uint32Array.from(values) });
const ints = (n: number, max: number) => Array.from({ length: n }, () => rng.int(max));

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

/** Every sparse kernel on a random mask of `density` over tiles of `block`. */
function sparseCases(
  tag: string,
  B: number,
  I: number,
  O: number,
  block: number,
  density: number,
  bound: number,
): Case[] {
  const grid = blockGrid(O, I, block);
  const unitMask = Uint8Array.from({ length: grid.units }, () => (rng.next() < density ? 1 : 0));
  const format = buildSparseFormat(unitMask, grid);
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

function withZeros(h: Host, every: number): Host {
  for (let i = 0; i < h.data.length; i += every) h.data[i] = 0;
  return h;
}

/** Colour images with augmentation, convolution patches, pooling and batch norm. */
function imageCases(): Case[] {
  const N = 20;
  const [H, W, C] = [7, 6, 3];
  const bytes = Uint8Array.from(ints(N * H * W * C, 256));
  const packed = new Uint32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(packed.buffer).set(bytes);
  const augWords = Array.from({ length: N }, () =>
    packAug(rng.int(9) - 4, rng.int(9) - 4, rng.next() < 0.5),
  );
  const out: Case[] = [
    {
      name: 'gatherBatch RGB + crop/flip',
      kernel: 'gatherBatch',
      tensors: {
        data: { dtype: 'u32', data: packed },
        labels: u(ints(N, 10)),
        order: u(Array.from({ length: N }, (_, i) => N - 1 - i)),
        cursor: u([3]),
        aug: u(augWords),
        x: zeros(11 * H * W * C),
        y: u(new Array(11).fill(0)),
      },
      params: {
        batch: 11,
        height: H,
        width: W,
        channels: C,
        mean: [0.49, 0.48, 0.45],
        std: [0.25, 0.24, 0.26],
      },
      outputs: ['x', 'y'],
      bound: 1e-5,
    },
  ];
  const convs: [string, number, number, number][] = [
    ['3x3 pad 1', 3, 1, 1],
    ['5x5 stride 2', 5, 2, 0],
  ];
  for (const [tag, kernel, stride, pad] of convs) {
    const B = 3;
    const outHeight = Math.floor((H + 2 * pad - kernel) / stride) + 1;
    const outWidth = Math.floor((W + 2 * pad - kernel) / stride) + 1;
    const shape = {
      batch: B,
      height: H,
      width: W,
      channels: C,
      kernel,
      stride,
      pad,
      outHeight,
      outWidth,
    };
    const colsLen = B * outHeight * outWidth * kernel * kernel * C;
    out.push(
      {
        name: `im2col ${tag}`,
        kernel: 'im2col',
        tensors: { x: f(B * H * W * C), cols: f(colsLen) },
        params: shape,
        outputs: ['cols'],
        bound: 0,
      },
      {
        name: `col2im ${tag}`,
        kernel: 'col2im',
        tensors: { dcols: f(colsLen), dx: f(B * H * W * C) },
        params: shape,
        outputs: ['dx'],
        bound: 1e-5,
      },
    );
  }
  const pools: [string, number, number][] = [
    ['2/2 odd edge', 2, 2],
    ['3/2 overlapping', 3, 2],
  ];
  for (const [tag, kernel, stride] of pools) {
    const B = 4;
    const outHeight = Math.floor((H - kernel) / stride) + 1;
    const outWidth = Math.floor((W - kernel) / stride) + 1;
    const shape = {
      batch: B,
      height: H,
      width: W,
      channels: C,
      kernel,
      stride,
      outHeight,
      outWidth,
    };
    const x = f(B * H * W * C);
    const outLen = B * outHeight * outWidth * C;
    const idx = new Uint32Array(outLen);
    const y = new Float32Array(outLen);
    maxPoolForward({ x: cpuTensor(x.data), y: cpuTensor(y), idx: cpuTensor(idx), ...shape });
    out.push(
      {
        name: `maxPoolForward ${tag}`,
        kernel: 'maxPoolForward',
        tensors: { x, y: zeros(outLen), idx: u(new Array(outLen).fill(0)) },
        params: shape,
        outputs: ['y', 'idx'],
        bound: 0,
      },
      {
        name: `maxPoolBackward ${tag}`,
        kernel: 'maxPoolBackward',
        tensors: { dy: f(outLen), idx: { dtype: 'u32', data: idx }, dx: f(B * H * W * C) },
        params: shape,
        outputs: ['dx'],
        bound: 1e-6,
      },
    );
  }
  const rows = 300;
  const ch = 7;
  const gb = () => ({
    dtype: 'f32' as const,
    data: Float32Array.from(
      { length: 2 * ch },
      (_, i) => (i < ch ? 1 : 0) + rng.uniform(-0.5, 0.5),
    ),
  });
  const stats = () => ({
    dtype: 'f32' as const,
    data: Float32Array.from({ length: 2 * ch }, (_, i) =>
      i < ch ? rng.uniform(-1, 1) : rng.uniform(0.5, 2),
    ),
  });
  const bnShape = { rows, channels: ch };
  for (const training of [true, false]) {
    out.push({
      name: `bnStats ${training ? 'training' : 'evaluation'}`,
      kernel: 'bnStats',
      tensors: { x: f(rows * ch, 3), stats: zeros(2 * ch), running: stats() },
      params: { ...bnShape, eps: 1e-5, momentum: 0.1, training },
      outputs: ['stats', 'running'],
      bound: 1e-4,
    });
  }
  out.push(
    {
      name: 'bnForward',
      kernel: 'bnForward',
      tensors: { x: f(rows * ch, 3), stats: stats(), gb: gb(), y: zeros(rows * ch) },
      params: bnShape,
      outputs: ['y'],
      bound: 1e-5,
    },
    {
      name: 'bnGradParams',
      kernel: 'bnGradParams',
      tensors: { x: f(rows * ch, 3), dy: f(rows * ch), stats: stats(), dgb: zeros(2 * ch) },
      params: bnShape,
      outputs: ['dgb'],
      bound: 1e-3,
    },
    {
      name: 'bnGradInput',
      kernel: 'bnGradInput',
      tensors: {
        x: f(rows * ch, 3),
        dy: f(rows * ch),
        stats: stats(),
        gb: gb(),
        dgb: f(2 * ch, 20),
        dx: zeros(rows * ch),
      },
      params: bnShape,
      outputs: ['dx'],
      bound: 1e-5,
    },
  );
  return out;
}

function cases(): Case[] {
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
    ...imageCases(),
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
  ];
}

function ownVariant<K extends KernelName>(kernel: K, args: KernelArgs[K]): string {
  const desc: KernelDescriptor<K> = KERNELS[kernel];
  return desc.variant(args);
}

async function runOn(
  be: Backend,
  c: Case,
): Promise<{ outputs: (Float32Array | Uint32Array)[]; variant: string }> {
  const args: Record<string, unknown> = { ...c.params };
  const tensors: Record<string, ReturnType<Backend['tensor']>> = {};
  for (const [key, host] of Object.entries(c.tensors)) {
    if (host === null) {
      args[key] = null;
      continue;
    }
    const t = be.tensor(host.dtype, host.data.length);
    be.write(t, host.data);
    tensors[key] = t;
    args[key] = t;
  }
  if (c.sparse) {
    const { format, values } = c.sparse;
    const upload = (data: Float32Array | Uint32Array, dtype: DType) => {
      const t = be.tensor(dtype, data.length);
      be.write(t, data);
      return t;
    };
    const w: SparseTensors = {
      block: format.block,
      blockRows: format.blockRows,
      values: upload(values.data, 'f32'),
      rowPtr: upload(format.rowPtr, 'u32'),
      colIdx: upload(format.colIdx, 'u32'),
      colPtr: upload(format.colPtr, 'u32'),
      tEntry: upload(format.tEntry, 'u32'),
    };
    tensors['w.values'] = w.values;
    args.w = w;
  }
  const kernelArgs = args as unknown as KernelArgs[typeof c.kernel];
  if (c.variant && be instanceof GpuBackend)
    be.pin(c.kernel, kernelArgs, { variant: c.variant, constants: { WG_X: 4, WG_Y: 16 } });
  be.run([be.op(c.kernel, kernelArgs)]);
  const variant =
    (be instanceof GpuBackend ? be.tunedVariant(c.kernel, kernelArgs)?.variant : undefined) ??
    ownVariant(c.kernel, kernelArgs);
  return { outputs: await Promise.all(c.outputs.map((o) => be.read(tensors[o]))), variant };
}

async function runParity(): Promise<ParityResult[]> {
  const gpu = await GpuBackend.create(navigator.gpu);
  const cpu = new CpuBackend();
  const results: ParityResult[] = [];
  for (const c of cases()) {
    const want = (await runOn(cpu, c)).outputs;
    const { outputs: got, variant } = await runOn(gpu, c);
    let maxAbsErr = 0;
    let compared = 0;
    want.forEach((w, i) => {
      for (let j = 0; j < w.length; j++) {
        const err = Math.abs(w[j] - got[i][j]);
        maxAbsErr = Number.isNaN(err) ? Infinity : Math.max(maxAbsErr, err);
        compared++;
      }
    });
    results.push({
      name: c.name,
      kernel: c.kernel,
      variant,
      maxAbsErr,
      bound: c.bound,
      compared,
      adapter: gpu.adapter,
    });
  }
  gpu.destroy();
  return results;
}

declare global {
  interface Window {
    parity: Promise<ParityResult[]>;
    /** Every `kernel:variant` the GPU backend has a WGSL source for. */
    parityVariants: string[];
  }
}
window.parityVariants = Object.entries(KERNELS).flatMap(([name, d]) =>
  Object.keys(d.sources).map((v) => `${name}:${v}`),
);
window.parity = runParity();
window.parity.then(
  (r) => (document.getElementById('out')!.textContent = JSON.stringify(r, null, 2)),
  (e: Error) => (document.getElementById('out')!.textContent = `error: ${e.message}`),
);
