import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { blockGrid } from '../sparse/blocks';
import {
  buildSparseFormat,
  compactValues,
  expandValues,
  type SparseFormat,
} from '../sparse/format';
import { buildNmFormat, drawNmMask } from '../sparse/nm';
import * as k from './kernels';
import { cpuTensor as t } from './tensor';

/**
 * The N:M twins (the ELL twins skipping padding slots) must give what CSR gives on the same
 * mask: the same outputs and input gradient, the same weight gradient at every stored weight
 * and exactly 0 at padding, and an SGD step that leaves padding at 0.
 */
describe('N:M CPU kernels equal the CSR kernels on the same mask', () => {
  for (const [B, I, O, m, density] of [
    [7, 37, 19, 8, 0.2],
    [8, 100, 30, 16, 0.05],
    [4, 25, 6, 4, 0.5],
  ]) {
    it(`${B}x${I}->${O}, groups of ${m}, density ${density}`, () => {
      const rng = new Rng(m);
      const grid = blockGrid(O, I, 1);
      const mask = drawNmMask(grid, Math.round(density * O * I), m, rng);
      const csr = buildSparseFormat(mask, grid);
      const nm = buildNmFormat(mask, grid, m);
      const rand = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
      const dense = rand(O * I).map((w, j) => (mask[j] ? w : 0));
      const x = rand(B * I);
      const dy = rand(B * O);
      const bias = rand(O);
      const g = rand(O * I);
      const v0 = rand(O * I);
      const dims = { batch: B, inF: I, outF: O };
      const w = (f: SparseFormat, vals: Float32Array) => ({
        ...(f.nm ? { fanIn: f.fanIn!, padded: true } : {}),
        block: 1,
        blockRows: O,
        values: t(vals),
        rowPtr: t(f.rowPtr),
        colIdx: t(f.colIdx),
        colPtr: t(f.colPtr),
        tEntry: t(f.tEntry),
      });
      const results = [csr, nm].map((f) => {
        const vals = compactValues(dense, f, grid);
        const y = new Float32Array(B * O);
        const dx = new Float32Array(B * I);
        // Garbage in the gradient buffer: every slot must be written, padding with 0.
        const dw = new Float32Array(vals.length).fill(7);
        k.sparseForward({ x: t(x), w: w(f, vals), b: t(bias), y: t(y), ...dims });
        k.sparseGradInput({ dy: t(dy), w: w(f, vals), dx: t(dx), ...dims });
        k.sparseGradWeight({ dy: t(dy), x: t(x), w: w(f, vals), dw: t(dw), ...dims });
        // One SGD step with dense state (sparse momentum's momentum of missing weights).
        const v = v0.slice();
        const sgd = { lr: 0.1, momentum: 0.9, wd: 0.01, nesterov: false, denseState: true };
        k.sparseSgdUpdate({ w: w(f, vals), g: t(g), v: t(v), ...sgd, inF: I, outF: O });
        return {
          y,
          dx,
          dw: expandValues(dw, f, grid),
          dwRaw: dw,
          vals,
          stepped: expandValues(vals, f, grid),
          v,
        };
      });
      const [a, b] = results;
      expect(b.y).toEqual(a.y);
      expect(b.dx).toEqual(a.dx);
      expect(b.dw).toEqual(a.dw);
      expect(b.stepped).toEqual(a.stepped);
      expect(b.v).toEqual(a.v);
      expect(b.stepped).not.toEqual(dense);
      expect(a.y.some((v) => v !== 0)).toBe(true);
      // Every slot is either a weight or padding at exactly 0 (gradient and value).
      const stored = nm.colPtr[I];
      expect(b.dwRaw.filter((v) => v === 0).length).toBeGreaterThanOrEqual(b.dwRaw.length - stored);
      expect(b.vals.filter((v) => v !== 0).length).toBeLessThanOrEqual(stored);
      expect(b.dwRaw.includes(7)).toBe(false);
    });
  }
});
