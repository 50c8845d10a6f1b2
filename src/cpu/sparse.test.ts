import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { blockGrid, expandMask } from '../sparse/blocks';
import { buildSparseFormat, compactValues, expandValues } from '../sparse/format';
import * as k from './kernels';

/** The sparse kernels must compute exactly what the dense kernels compute on masked weights. */
describe('sparse CPU kernels equal dense kernels on masked weights', () => {
  const cases: [number, number, number, number][] = [
    [7, 37, 19, 1],
    [5, 36, 19, 4],
    [6, 100, 37, 16],
  ];
  for (const [B, I, O, block] of cases) {
    it(`${B}x${I}->${O}, block ${block}`, () => {
      const rng = new Rng(block);
      const grid = blockGrid(O, I, block);
      const unitMask = Uint8Array.from({ length: grid.units }, () => (rng.next() < 0.4 ? 1 : 0));
      const f = buildSparseFormat(unitMask, grid);
      const mask = expandMask(unitMask, grid);
      const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
      const w = rand(O * I).map((v, i) => (mask[i] ? v : 0));
      const vals = compactValues(w, f, grid);
      const x = rand(B * I);
      const dy = rand(B * O);
      const bias = rand(O);
      const close = (a: Float32Array, b: Float32Array) =>
        a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));

      const [y1, y2] = [new Float32Array(B * O), new Float32Array(B * O)];
      k.linearForward(x, w, bias, y1, B, I, O);
      k.sparseForward(x, vals, f.rowPtr, f.colIdx, bias, y2, B, I, O, block);
      close(y2, y1);

      const [dx1, dx2] = [new Float32Array(B * I), new Float32Array(B * I)];
      k.linearGradInput(dy, w, dx1, B, I, O);
      k.sparseGradInput(dy, vals, f.rowPtr, f.colPtr, f.tEntry, dx2, B, I, O, block);
      close(dx2, dx1);

      const dw = new Float32Array(O * I);
      k.linearGradWeight(dy, x, dw, B, I, O);
      const dwSparse = new Float32Array(vals.length);
      k.sparseGradWeight(dy, x, f.rowPtr, f.colIdx, dwSparse, B, I, O, block);
      close(
        expandValues(dwSparse, f, grid),
        dw.map((v, i) => (mask[i] ? v : 0)),
      );

      // SGD on the stored weights equals dense SGD with the mask, for both state layouts.
      const g = dw;
      const v0 = rand(O * I).map((v, i) => (mask[i] ? v : 0));
      const wDense = w.slice();
      const vDense = v0.slice();
      k.sgdUpdate(wDense, g, vDense, Float32Array.from(mask), O * I, 0.1, 0.9, 5e-4, true);
      const wc = vals.slice();
      const vc = compactValues(v0, f, grid);
      k.sparseSgdUpdate(
        wc,
        compactValues(g, f, grid),
        vc,
        f.rowPtr,
        f.colIdx,
        I,
        O,
        block,
        false,
        0.1,
        0.9,
        5e-4,
        true,
      );
      close(expandValues(wc, f, grid), wDense);
      close(
        expandValues(vc, f, grid),
        vDense.map((v, i) => (mask[i] ? v : 0)),
      );
      const wd2 = vals.slice();
      const vd2 = v0.slice();
      k.momentumUpdate(vd2, g, O * I, 0.9);
      k.sparseSgdUpdate(wd2, g, vd2, f.rowPtr, f.colIdx, I, O, block, true, 0.1, 0.9, 5e-4, true);
      close(expandValues(wd2, f, grid), wDense);
      close(vd2, vDense);
    });
  }
});
