import { describe, expect, it } from 'vitest';
import type { SparseConvShape, SparseTensors } from '../engine/backend';
import { Rng } from '../engine/rng';
import { blockGrid } from '../sparse/blocks';
import { buildSparseFormat, compactValues } from '../sparse/format';
import * as k from './kernels';
import { f32, cpuTensor as t } from './tensor';

/**
 * The implicit-GEMM sparse convolutions against the patch path they replace (im2col, the CSR
 * matmul twins, col2im): bit for bit, so swapping paths leaves recorded runs unchanged; and
 * their gradients against central finite differences.
 */

const rng = new Rng(5);
const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => rng.uniform(-s, s));

function layer(
  geo: [size: number, inC: number, outC: number, kernel: number, stride: number, pad: number],
  density: number,
  emptyChannels = 0,
) {
  const [size, inC, outC, kernel, stride, pad] = geo;
  const outSize = Math.floor((size + 2 * pad - kernel) / stride) + 1;
  const shape: SparseConvShape = {
    batch: 2,
    height: size,
    width: size,
    channels: inC,
    kernel,
    stride,
    pad,
    outHeight: outSize,
    outWidth: outSize,
    outChannels: outC,
  };
  const K = kernel * kernel * inC;
  const grid = blockGrid(outC, K, 1);
  // The first `emptyChannels` output channels keep no weights.
  const mask = Uint8Array.from({ length: grid.units }, (_, i) =>
    i < emptyChannels * K ? 0 : rng.next() < density ? 1 : 0,
  );
  const format = buildSparseFormat(mask, grid);
  const dense = rand(outC * K);
  const w: SparseTensors = {
    block: 1,
    blockRows: format.blockRows,
    values: t(compactValues(dense, format, grid)),
    rowPtr: t(format.rowPtr),
    colIdx: t(format.colIdx),
    colPtr: t(format.colPtr),
    tEntry: t(format.tEntry),
  };
  const rows = shape.batch * outSize * outSize;
  const xLen = shape.batch * size * size * inC;
  return { shape, K, w, rows, xLen, nnz: format.rowPtr[outC] };
}

const GEOMETRIES: [string, Parameters<typeof layer>[0]][] = [
  ['3x3 pad 1', [6, 3, 5, 3, 1, 1]],
  ['5x5 stride 2', [9, 2, 4, 5, 2, 0]],
  ['5x5 pad 2 stride 2', [7, 3, 6, 5, 2, 2]],
];

describe('implicit-GEMM sparse convolutions', () => {
  for (const [tag, geo] of GEOMETRIES) {
    it(`equal the patch path bit for bit (${tag}, two empty output channels)`, () => {
      const { shape, K, w, rows, xLen, nnz } = layer(geo, 0.4, 2);
      const O = shape.outChannels;
      const x = t(rand(xLen));
      const bias = t(rand(O));
      const dy = t(rand(rows * O));
      const cols = t(new Float32Array(rows * K));
      k.im2col({ x, cols, ...shape });
      const dims = { batch: rows, inF: K, outF: O };
      for (const relu of [false, true]) {
        const [y0, y1] = [t(new Float32Array(rows * O)), t(new Float32Array(rows * O))];
        k.sparseForward({ x: cols, w, b: bias, y: y0, relu, ...dims });
        k.sparseConvForward({ x, w, b: bias, y: y1, relu, ...shape });
        expect(y1.data).toEqual(y0.data);
        // An output channel without weights yields its bias.
        if (!relu) expect(y1.data[O + 1]).toBe(bias.data[1]);
      }
      const [dw0, dw1] = [t(new Float32Array(nnz)), t(new Float32Array(nnz))];
      k.sparseGradWeight({ dy, x: cols, w, dw: dw0, ...dims });
      k.sparseConvGradWeight({ dy, x, w, dw: dw1, ...shape });
      expect(dw1.data).toEqual(dw0.data);
      const [dx0, dx1] = [t(new Float32Array(xLen)), t(new Float32Array(xLen))];
      k.sparseGradInput({ dy, w, dx: cols, ...dims });
      k.col2im({ dcols: cols, dx: dx0, ...shape });
      k.sparseConvGradInput({ dy, w, dx: dx1, ...shape });
      expect(dx1.data).toEqual(dx0.data);
    });
  }

  it('match central finite differences (5x5 pad 2 stride 2)', () => {
    const { shape, w, rows, xLen, nnz } = layer(GEOMETRIES[2][1], 0.5);
    const O = shape.outChannels;
    const xs = rand(xLen);
    const bias = t(rand(O));
    const r = rand(rows * O);
    // L = sum(y * r), so dL/dy = r.
    const loss = (xv: Float32Array, values: Float32Array) => {
      const y = t(new Float32Array(rows * O));
      const wv = { ...w, values: t(values) };
      k.sparseConvForward({ x: t(xv), w: wv, b: bias, y, ...shape });
      return (y.data as Float32Array).reduce((s, v, i) => s + v * r[i], 0);
    };
    const dx = t(new Float32Array(xLen));
    const dw = t(new Float32Array(nnz));
    k.sparseConvGradInput({ dy: t(r), w, dx, ...shape });
    k.sparseConvGradWeight({ dy: t(r), x: t(xs), w, dw, ...shape });
    const values = f32(w.values);
    const eps = 1e-2;
    const numeric = (v: Float32Array, i: number, f: (a: Float32Array) => number) => {
      const [p, m] = [v.slice(), v.slice()];
      p[i] += eps;
      m[i] -= eps;
      return (f(p) - f(m)) / (2 * eps);
    };
    for (let i = 0; i < xLen; i += 7)
      expect(dx.data[i]).toBeCloseTo(
        numeric(xs, i, (a) => loss(a, values)),
        2,
      );
    for (let i = 0; i < nnz; i += 3)
      expect(dw.data[i]).toBeCloseTo(
        numeric(values, i, (a) => loss(xs, a)),
        2,
      );
  });
});
