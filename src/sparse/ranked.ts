// Best-first order of a layer's free units for regrowth, computed only as far as it is read.

/**
 * Free units best first (largest score, then lowest index), ranked lazily: a mask update grows
 * about its budget of a layer's ~95% free units, so sorting them all (a comparator sort of
 * 225,000 indices for LeNet-300-100's fc1, most of an update's time) is done only when a
 * caller reads past the best `want`. The order is exactly the full sort's.
 */
export class Ranked {
  private list: number[];
  private complete: boolean;
  constructor(
    private readonly free: number[],
    private readonly scores: Float64Array,
    want: number,
  ) {
    let nan = false;
    for (let u = 0; u < scores.length; u++) if (scores[u] !== scores[u]) nan = true;
    this.complete = want >= free.length / 4 || nan;
    this.list = this.complete ? this.sorted(free) : this.best(want);
  }

  /** The k-th best free unit, or undefined past the last. */
  at(k: number): number | undefined {
    if (k >= this.list.length && !this.complete) {
      this.list = this.sorted(this.free);
      this.complete = true;
    }
    return this.list[k];
  }

  private sorted(units: number[]): number[] {
    const s = this.scores;
    return units.slice().sort((a, b) => s[b] - s[a] || a - b);
  }

  /** The `want` best: every unit above the want-th largest score, then ties at it by index. */
  private best(want: number): number[] {
    if (want <= 0) return [];
    const s = this.scores;
    const free = this.free;
    const values = new Float64Array(free.length);
    for (let k = 0; k < free.length; k++) values[k] = s[free[k]];
    const t = kthSmallest(values, values.length - want);
    const above: number[] = [];
    for (let k = 0; k < free.length; k++) if (s[free[k]] > t) above.push(free[k]);
    for (let k = 0; k < free.length && above.length < want; k++)
      if (s[free[k]] === t) above.push(free[k]);
    return this.sorted(above);
  }
}

/** The k-th smallest of `a` (0-based), in linear time on average; `a` is reordered. */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const x = a[i];
        a[i] = a[j];
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
