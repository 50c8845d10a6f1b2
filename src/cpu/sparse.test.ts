import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { blockGrid, expandMask } from '../sparse/blocks';
import { buildSparseFormat, compactValues, expandValues } from '../sparse/format';
import * as k from './kernels';
import { cpuTensor as t } from './tensor';

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
      const dims = { batch: B, inF: I, outF: O };
      const sparseW = (values: Float32Array) => ({
        block,
        blockRows: f.blockRows,
        values: t(values),
        rowPtr: t(f.rowPtr),
        colIdx: t(f.colIdx),
        colPtr: t(f.colPtr),
        tEntry: t(f.tEntry),
      });
      const sw = sparseW(vals);

      const [y1, y2] = [new Float32Array(B * O), new Float32Array(B * O)];
      k.linearForward({ x: t(x), w: t(w), b: t(bias), y: t(y1), ...dims });
      k.sparseForward({ x: t(x), w: sw, b: t(bias), y: t(y2), ...dims });
      close(y2, y1);

      const [dx1, dx2] = [new Float32Array(B * I), new Float32Array(B * I)];
      k.linearGradInput({ dy: t(dy), w: t(w), dx: t(dx1), ...dims });
      k.sparseGradInput({ dy: t(dy), w: sw, dx: t(dx2), ...dims });
      close(dx2, dx1);

      const dw = new Float32Array(O * I);
      k.linearGradWeight({ dy: t(dy), x: t(x), dw: t(dw), ...dims });
      const dwSparse = new Float32Array(vals.length);
      k.sparseGradWeight({ dy: t(dy), x: t(x), w: sw, dw: t(dwSparse), ...dims });
      close(
        expandValues(dwSparse, f, grid),
        dw.map((v, i) => (mask[i] ? v : 0)),
      );

      // With `transposed`, the same kernels read [features][batch] inputs: identical results.
      const xt = new Float32Array(I * B);
      const dyt = new Float32Array(O * B);
      k.transpose({ src: t(x), dst: t(xt), rows: B, cols: I });
      k.transpose({ src: t(dy), dst: t(dyt), rows: B, cols: O });
      const [y3, dx3, dw3] = [new Float32Array(B * O), new Float32Array(B * I), vals.map(() => 0)];
      k.sparseForward({ x: t(xt), w: sw, b: t(bias), y: t(y3), transposed: true, ...dims });
      k.sparseGradInput({ dy: t(dyt), w: sw, dx: t(dx3), transposed: true, ...dims });
      const tw = { dy: t(dyt), x: t(xt), w: sw, dw: t(dw3), transposed: true };
      k.sparseGradWeight({ ...tw, ...dims });
      expect([y3, dx3, dw3]).toEqual([y2, dx2, dwSparse]);

      // SGD on the stored weights equals dense SGD with the mask, for both state layouts.
      const g = dw;
      const v0 = rand(O * I).map((v, i) => (mask[i] ? v : 0));
      const wDense = w.slice();
      const vDense = v0.slice();
      const hyper = { lr: 0.1, momentum: 0.9, wd: 5e-4, nesterov: true };
      const mask32 = t(Float32Array.from(mask));
      k.sgdUpdate({ w: t(wDense), g: t(g), v: t(vDense), mask: mask32, n: O * I, ...hyper });
      const wc = vals.slice();
      const vc = compactValues(v0, f, grid);
      const gc = t(compactValues(g, f, grid));
      k.sparseSgdUpdate({
        w: sparseW(wc),
        g: gc,
        v: t(vc),
        inF: I,
        outF: O,
        denseState: false,
        ...hyper,
      });
      close(expandValues(wc, f, grid), wDense);
      close(
        expandValues(vc, f, grid),
        vDense.map((v, i) => (mask[i] ? v : 0)),
      );
      const wd2 = vals.slice();
      const vd2 = v0.slice();
      k.momentumUpdate({ v: t(vd2), g: t(g), n: O * I, momentum: 0.9 });
      const dense = { g: t(g), v: t(vd2), inF: I, outF: O, denseState: true, ...hyper };
      k.sparseSgdUpdate({ w: sparseW(wd2), ...dense });
      close(expandValues(wd2, f, grid), wDense);
      close(vd2, vDense);
    });
  }
});
