// Parity cases of the image kernels: batch gather (grey and RGB, crop/flip), im2col/col2im,
// pooling and BatchNorm. Part of e2e/parityCases.ts's list.
import { cpuTensor, maxPoolForward } from '../src/cpu/kernels';
import { packAug } from '../src/engine/augment';
import { f, ints, rng, u, withZeros, zeros, type Case } from './parityData';

export function imageCases(): Case[] {
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
  // 8 channels (and batch 4: patch rows % 4 == 0) take the vec4 variants.
  const convs: [string, number, number, number, number, number][] = [
    ['3x3 pad 1', 3, 1, 1, C, 3],
    ['5x5 stride 2', 5, 2, 0, C, 3],
    ['3x3 pad 1, 8 channels', 3, 1, 1, 8, 4],
    ['5x5 stride 2, 8 channels', 5, 2, 0, 8, 4],
  ];
  for (const [tag, kernel, stride, pad, channels, B] of convs) {
    const outHeight = Math.floor((H + 2 * pad - kernel) / stride) + 1;
    const outWidth = Math.floor((W + 2 * pad - kernel) / stride) + 1;
    const shape = {
      batch: B,
      height: H,
      width: W,
      channels,
      kernel,
      stride,
      pad,
      outHeight,
      outWidth,
    };
    const colsLen = B * outHeight * outWidth * kernel * kernel * channels;
    out.push(
      {
        name: `im2col ${tag}`,
        kernel: 'im2col',
        tensors: { x: f(B * H * W * channels), cols: f(colsLen) },
        params: shape,
        outputs: ['cols'],
        bound: 0,
      },
      {
        name: `im2col ${tag}, transposed patches only`,
        kernel: 'im2col',
        tensors: { x: f(B * H * W * channels), cols: null, colsT: f(colsLen) },
        params: shape,
        outputs: ['colsT'],
        bound: 0,
      },
      {
        name: `im2col ${tag}, both layouts`,
        kernel: 'im2col',
        tensors: { x: f(B * H * W * channels), cols: f(colsLen), colsT: f(colsLen) },
        params: shape,
        outputs: ['cols', 'colsT'],
        bound: 0,
      },
      {
        name: `col2im ${tag}`,
        kernel: 'col2im',
        tensors: { dcols: f(colsLen), dx: f(B * H * W * channels) },
        params: shape,
        outputs: ['dx'],
        // The patches are added in the CPU twin's order: the same f32 sums.
        bound: 0,
      },
    );
  }
  // Four channels an invocation when channels % 4 == 0 (8 here); stride >= kernel writes tiles.
  const pools: [string, number, number, number][] = [
    ['2/2 odd edge', 2, 2, C],
    ['2/2 odd edge, 8 channels', 2, 2, 8],
    ['2/3 gaps between windows', 2, 3, C],
    ['3/2 overlapping', 3, 2, C],
    ['3/2 overlapping, 8 channels', 3, 2, 8],
  ];
  for (const [tag, kernel, stride, channels] of pools) {
    const B = 4;
    const outHeight = Math.floor((H - kernel) / stride) + 1;
    const outWidth = Math.floor((W - kernel) / stride) + 1;
    const shape = {
      batch: B,
      height: H,
      width: W,
      channels,
      kernel,
      stride,
      outHeight,
      outWidth,
    };
    const x = f(B * H * W * channels);
    const outLen = B * outHeight * outWidth * channels;
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
        tensors: { dy: f(outLen), idx: { dtype: 'u32', data: idx }, dx: f(B * H * W * channels) },
        params: shape,
        outputs: ['dx'],
        bound: 1e-6,
      },
      {
        // The ReLU before the pool fused in (`relu` is the pool's output): over half of the
        // window maxima are not > 0.
        name: `maxPoolBackward ${tag} with the ReLU's backward`,
        kernel: 'maxPoolBackward',
        tensors: {
          dy: f(outLen),
          idx: { dtype: 'u32', data: idx },
          relu: withZeros(f(outLen), 5),
          dx: f(B * H * W * channels),
        },
        params: shape,
        outputs: ['dx'],
        bound: 1e-6,
      },
    );
  }
  const rows = 300;
  // 7 channels: one an invocation; 8: four.
  for (const ch of [7, 8]) out.push(...bnCases(rows, ch));
  return out;
}

function bnCases(rows: number, ch: number): Case[] {
  const out: Case[] = [];
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
      name: `bnStats ${training ? 'training' : 'evaluation'} ${ch} channels`,
      kernel: 'bnStats',
      tensors: { x: f(rows * ch, 3), stats: zeros(2 * ch), running: stats() },
      params: { ...bnShape, eps: 1e-5, momentum: 0.1, training },
      outputs: ['stats', 'running'],
      bound: 1e-4,
    });
  }
  out.push(
    {
      name: `bnForward ${ch} channels`,
      kernel: 'bnForward',
      tensors: { x: f(rows * ch, 3), stats: stats(), gb: gb(), y: zeros(rows * ch) },
      params: bnShape,
      outputs: ['y'],
      bound: 1e-5,
    },
    {
      name: `bnForward ${ch} channels with the ReLU after it`,
      kernel: 'bnForward',
      tensors: { x: f(rows * ch, 3), stats: stats(), gb: gb(), y: zeros(rows * ch) },
      params: { ...bnShape, relu: true },
      outputs: ['y'],
      bound: 1e-5,
    },
    {
      name: `bnGradParams ${ch} channels`,
      kernel: 'bnGradParams',
      tensors: { x: f(rows * ch, 3), dy: f(rows * ch), stats: stats(), dgb: zeros(2 * ch) },
      params: bnShape,
      outputs: ['dgb'],
      bound: 1e-3,
    },
    {
      name: `bnGradInput ${ch} channels`,
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
