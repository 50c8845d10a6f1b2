import type { AppState } from './store';

/** The last epoch's confusion matrix as the panel shows it. */
export interface ConfusionFigures {
  epoch: number;
  classNames: string[];
  /** counts[t][c]: test images of class t the network called c. */
  counts: number[][];
  /** Each row as fractions of its class (the cell colour). */
  shares: number[][];
  total: number;
  correct: number;
  /** The largest off-diagonal cells: which class is most often taken for which. */
  pairs: { truth: string; predicted: string; count: number; share: number }[];
}

let memo: { epochs: AppState['epochs']; names: string[] | undefined } | null = null;
let memoFigures: ConfusionFigures | null = null;

/** The last epoch's confusion matrix with row shares and the most-confused pairs, memoized. */
export function selectConfusion(s: AppState): ConfusionFigures | null {
  const names = s.samples?.classNames;
  if (memo && memo.epochs === s.epochs && memo.names === names) return memoFigures;
  memo = { epochs: s.epochs, names };
  const last = s.epochs[s.epochs.length - 1];
  const counts = last?.confusion;
  if (!last || !counts || counts.length === 0) return (memoFigures = null);
  const classNames = counts.map((_, i) => names?.[i] ?? String(i));
  const shares = counts.map((row) => {
    const n = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (n > 0 ? c / n : 0));
  });
  const pairs = counts
    .flatMap((row, t) =>
      row.map((count, c) => ({
        truth: classNames[t],
        predicted: classNames[c],
        count,
        share: shares[t][c],
        off: t !== c,
      })),
    )
    .filter((p) => p.off && p.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, 3)
    .map(({ off: _o, ...p }) => p);
  memoFigures = {
    epoch: last.epoch,
    classNames,
    counts,
    shares,
    total: counts.flat().reduce((a, b) => a + b, 0),
    correct: counts.reduce((a, row, t) => a + row[t], 0),
    pairs,
  };
  return memoFigures;
}
