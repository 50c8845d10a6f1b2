import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng';
import { Ranked } from './ranked';

/** What growth sorted before: every free unit, largest score first, ties by index. */
const fullOrder = (free: number[], s: Float64Array) =>
  free.slice().sort((a, b) => s[b] - s[a] || a - b);

const read = (r: Ranked, n: number) => Array.from({ length: n }, (_, k) => r.at(k));

describe('lazy ranking of free units', () => {
  const rng = new Rng(5);
  const n = 20000;
  // Few distinct values, so the want-th score is tied many times over.
  const scores = Float64Array.from({ length: n }, () => rng.int(50) / 7);
  const free = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);

  it('gives the full sort’s best `want`, ties at the cut by index', () => {
    for (const want of [1, 17, 500, 1333]) {
      const r = new Ranked(free, scores, want);
      expect(read(r, want)).toEqual(fullOrder(free, scores).slice(0, want));
    }
  });

  it('reads on past `want` in the full sort’s order, to the end', () => {
    const r = new Ranked(free, scores, 100);
    const all = fullOrder(free, scores);
    expect(read(r, all.length + 1)).toEqual([...all, undefined]);
  });

  it('sorts everything when scores hold NaN (a diverged run) or want is most of them', () => {
    const bad = scores.slice();
    bad[4] = NaN;
    expect(read(new Ranked(free, bad, 10), 10)).toEqual(fullOrder(free, bad).slice(0, 10));
    expect(read(new Ranked(free, scores, free.length), 50)).toEqual(
      fullOrder(free, scores).slice(0, 50),
    );
  });

  it('reads nothing for a zero budget until asked, then the full order', () => {
    const r = new Ranked(free, scores, 0);
    expect(r.at(0)).toBe(fullOrder(free, scores)[0]);
  });
});
