// Parity cases of the implicit-GEMM sparse convolutions (CSR kernels over NHWC activations):
// forward (with and without the fused ReLU), weight and input gradients, on masks with empty
// output channels, padded and strided, on a constant fan-in (ELL) mask and on padded N:M
// storage (padding slots at column 0xffff, which decode outside the image and add nothing).
// Part of e2e/parityCases.ts's list.
import { blockGrid } from '../src/sparse/blocks';
import { drawFanInMask } from '../src/sparse/fanin';
import { buildSparseFormat, compactValues } from '../src/sparse/format';
import { buildNmFormat, drawNmMask } from '../src/sparse/nm';
import { f, rng, zeros, type Case, type Host } from './parityData';

type Geometry = [
  size: number,
  inC: number,
  outC: number,
  kernel: number,
  stride: number,
  pad: number,
];

/**
 * The sparse convolution kernels on a random mask of `density` (output channel 1 empty), or
 * (with `fanIn`) a constant fan-in one stored as ELL, or (with `nmGroup`) an N:M mask of
 * round(density × weights) weights in its padded storage.
 */
function sparseConv(
  tag: string,
  geo: Geometry,
  density: number,
  fanIn?: number,
  nmGroup?: number,
): Case[] {
  const [size, inC, outC, kernel, stride, pad] = geo;
  const out = Math.floor((size + 2 * pad - kernel) / stride) + 1;
  const B = 3;
  const K = kernel * kernel * inC;
  const grid = blockGrid(outC, K, 1);
  // Output channel 1 keeps no weights (its outputs are its bias; its gradients touch nothing).
  const mask =
    nmGroup !== undefined
      ? drawNmMask(grid, Math.round(density * outC * K), nmGroup, rng)
      : fanIn === undefined
        ? Uint8Array.from({ length: grid.units }, (_, i) =>
            Math.floor(i / K) === 1 ? 0 : rng.next() < density ? 1 : 0,
          )
        : drawFanInMask(grid, fanIn * outC, rng);
  const format =
    nmGroup !== undefined
      ? buildNmFormat(mask, grid, nmGroup)
      : buildSparseFormat(mask, grid, fanIn !== undefined);
  const dense = f(outC * K, 0.2);
  const values = (): Host => ({
    dtype: 'f32',
    data: compactValues(dense.data as Float32Array, format, grid),
  });
  const params = {
    batch: B,
    height: size,
    width: size,
    channels: inC,
    kernel,
    stride,
    pad,
    outHeight: out,
    outWidth: out,
    outChannels: outC,
  };
  const xLen = B * size * size * inC;
  const yLen = B * out * out * outC;
  const forward = (relu: boolean): Case => ({
    name: `sparseConvForward ${tag}${relu ? ' + fused ReLU' : ''}`,
    kernel: 'sparseConvForward',
    sparse: { format, values: values() },
    tensors: { x: f(xLen), b: f(outC, 0.1), y: zeros(yLen) },
    params: { ...params, relu },
    outputs: ['y'],
    bound: 1e-5,
  });
  return [
    forward(false),
    forward(true),
    {
      name: `sparseConvGradWeight ${tag}`,
      kernel: 'sparseConvGradWeight',
      sparse: { format, values: values() },
      tensors: { dy: f(yLen, 0.05), x: f(xLen), dw: f(values().data.length) },
      params,
      outputs: ['dw'],
      bound: 1e-5,
    },
    {
      name: `sparseConvGradInput ${tag}`,
      kernel: 'sparseConvGradInput',
      sparse: { format, values: values() },
      tensors: { dy: f(yLen), dx: f(xLen) },
      params,
      outputs: ['dx'],
      bound: 1e-5,
    },
  ];
}

export function convCases(): Case[] {
  return [
    ...sparseConv('3x3 pad 1 9x9x5->7 d=0.3', [9, 5, 7, 3, 1, 1], 0.3),
    ...sparseConv('5x5 stride 2 11x11x3->6 d=0.4', [11, 3, 6, 5, 2, 0], 0.4),
    ...sparseConv('conv1 28x28x1->6 5x5 d=0.5', [28, 1, 6, 5, 1, 0], 0.5),
    ...sparseConv('ELL fan-in 4, 3x3 pad 1 stride 2 10x10x4->5', [10, 4, 5, 3, 2, 1], 0, 4),
    // conv1 of LeNet-5 on N:M (25 inputs in groups of 8: a short last group, N = 2 with padding).
    ...sparseConv('N:M 2 of 8, conv1 28x28x1->6 5x5', [28, 1, 6, 5, 1, 0], 0.2, undefined, 8),
    ...sparseConv('N:M, 3x3 pad 1 9x9x5->7 M=16 d=0.1', [9, 5, 7, 3, 1, 1], 0.1, undefined, 16),
  ];
}
