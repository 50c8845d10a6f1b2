import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../engine/trainer';
import { selectConfusion } from './confusion';
import type { AppState } from './store';

describe('confusion figures', () => {
  it('row shares, totals and the most-confused pairs, by class name', () => {
    const confusion = [
      [8, 2, 0],
      [1, 5, 4],
      [0, 0, 10],
    ];
    const s = {
      epochs: [{ epoch: 3, confusion } as EpochMetrics],
      samples: { classNames: ['cat', 'dog', 'fox'] },
    } as unknown as AppState;
    const f = selectConfusion(s)!;
    expect(f).toMatchObject({ epoch: 3, total: 30, correct: 23 });
    expect(f.shares[1]).toEqual([0.1, 0.5, 0.4]);
    expect(f.pairs).toEqual([
      { truth: 'dog', predicted: 'fox', count: 4, share: 0.4 },
      { truth: 'cat', predicted: 'dog', count: 2, share: 0.2 },
      { truth: 'dog', predicted: 'cat', count: 1, share: 0.1 },
    ]);
    expect(selectConfusion(s)).toBe(f); // memoized
    expect(selectConfusion({ epochs: [], samples: null } as unknown as AppState)).toBeNull();
  });
});
