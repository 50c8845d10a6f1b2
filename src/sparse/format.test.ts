import { describe, expect, it } from 'vitest';
import { blockGrid, expandMask } from './blocks';
import {
  buildSparseFormat,
  compactValues,
  expandValues,
  sparseBytes,
  tileColumn,
  valuesLength,
} from './format';

function randomMask(units: number, density: number, seed: number): Uint8Array {
  let s = seed;
  return Uint8Array.from({ length: units }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 < density ? 1 : 0;
  });
}

describe('block-CSR format', () => {
  it('indexes the active tiles by row and by column', () => {
    // 2 x 3 tiles: row 0 has columns 0 and 2, row 1 has column 2.
    const grid = blockGrid(4, 6, 2);
    const f = buildSparseFormat(Uint8Array.of(1, 0, 1, 0, 0, 1), grid);
    expect(f.nnzBlocks).toBe(3);
    expect([...f.rowPtr]).toEqual([0, 2, 3]);
    expect([0, 1, 2].map((k) => tileColumn(f.colIdx, k))).toEqual([0, 2, 2]);
    expect([...f.colPtr]).toEqual([0, 1, 1, 3]);
    // Column 2 holds row 0 (its 2nd tile) then row 1 (its 1st tile).
    expect([...f.tEntry]).toEqual([0, 0 | (1 << 16), 1]);
  });

  it('round-trips masked weights through the values, padding edge tiles with zeros', () => {
    for (const [rows, cols, block] of [
      [19, 37, 1],
      [37, 100, 16],
      [300, 784, 32],
    ]) {
      const grid = blockGrid(rows, cols, block);
      const unitMask = randomMask(grid.units, 0.3, rows);
      const f = buildSparseFormat(unitMask, grid);
      const mask = expandMask(unitMask, grid);
      const dense = Float32Array.from({ length: rows * cols }, (_, i) => (mask[i] ? i + 1 : 0));
      const values = compactValues(dense, f, grid);
      expect(values.length).toBe(valuesLength(f));
      expect(expandValues(values, f, grid)).toEqual(dense);
      const stored = values.filter((v) => v !== 0).length;
      expect(stored).toBe(mask.reduce((n, m) => n + m, 0));
    }
  });

  it('stores a 5% unstructured matrix in under 15% of its dense bytes', () => {
    const grid = blockGrid(300, 784, 1);
    const f = buildSparseFormat(randomMask(grid.units, 0.05, 7), grid);
    expect(sparseBytes(f) / (4 * 300 * 784)).toBeLessThan(0.15);
  });
});
