import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { blockGrid } from '../sparse/blocks';
import { drawFanInMask } from '../sparse/fanin';
import { buildSparseFormat, compactValues } from '../sparse/format';
import * as k from './kernels';
import { cpuTensor as t } from './tensor';

/** The ELL twins read no row pointers, yet must give exactly what CSR gives on the same mask. */
describe('ELL CPU kernels equal the CSR kernels on a constant fan-in matrix', () => {
  for (const [B, I, O, fanIn] of [
    [7, 37, 19, 5],
    [8, 100, 30, 1],
  ]) {
    it(`${B}x${I}->${O}, fan-in ${fanIn}`, () => {
      const rng = new Rng(fanIn);
      const grid = blockGrid(O, I, 1);
      const mask = drawFanInMask(grid, fanIn * O, rng);
      const f = buildSparseFormat(mask, grid, true);
      expect(f.fanIn).toBe(fanIn);
      const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
      const vals = compactValues(rand(O * I), f, grid);
      const x = rand(B * I);
      const dy = rand(B * O);
      const bias = rand(O);
      const dims = { batch: B, inF: I, outF: O };
      const w = (ell: boolean) => ({
        ...(ell ? { fanIn } : {}),
        block: 1,
        blockRows: O,
        values: t(vals),
        // The ELL twins must not need these: they get garbage row pointers.
        rowPtr: t(ell ? new Uint32Array(O + 1).fill(7) : f.rowPtr),
        colIdx: t(f.colIdx),
        colPtr: t(f.colPtr),
        tEntry: t(f.tEntry),
      });
      const results = [false, true].map((ell) => {
        const y = new Float32Array(B * O);
        const dx = new Float32Array(B * I);
        const dw = new Float32Array(vals.length);
        k.sparseForward({ x: t(x), w: w(ell), b: t(bias), y: t(y), ...dims });
        k.sparseGradInput({ dy: t(dy), w: w(ell), dx: t(dx), ...dims });
        k.sparseGradWeight({ dy: t(dy), x: t(x), w: w(ell), dw: t(dw), ...dims });
        return { y, dx, dw };
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[0].y.some((v) => v !== 0)).toBe(true);
    });
  }
  it('refuses to build ELL from rows of different lengths', () => {
    const grid = blockGrid(3, 4, 1);
    expect(() =>
      buildSparseFormat(Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]), grid, true),
    ).toThrow(/one length/);
  });
});
