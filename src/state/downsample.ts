/**
 * Chart series are bounded: a run reports thousands of steps and updates, and recharts draws
 * one SVG element per point, so the page would grow (and stall) with the run. These keep a
 * fixed number of points whatever the length, keeping what a reader looks for.
 */

/** How many points a line chart draws at most. */
export const MAX_POINTS = 500;

/**
 * At most about `max` points of `points`, in order: the first and the last, and from each of
 * the buckets in between its lowest and its highest `value` (so spikes and dips stay
 * visible). Returns `points` itself when it is short enough.
 */
export function downsample<T>(
  points: readonly T[],
  value: (p: T) => number,
  max = MAX_POINTS,
): T[] {
  const n = points.length;
  if (n <= max || max < 4) return n <= max ? (points as T[]) : stride(points, max);
  const inner = n - 2;
  const buckets = Math.floor((max - 2) / 2);
  const out: T[] = [points[0]];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (to <= from) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      const v = value(points[i]);
      if (v < value(points[lo])) lo = i;
      if (v > value(points[hi])) hi = i;
    }
    if (lo === hi) out.push(points[lo]);
    else out.push(points[Math.min(lo, hi)], points[Math.max(lo, hi)]);
  }
  out.push(points[n - 1]);
  return out;
}

/**
 * At most `max` of `points`, evenly spaced, the first and the last among them: for markers,
 * where each drawn one must be a real item, not an extreme.
 */
export function stride<T>(points: readonly T[], max: number): T[] {
  const n = points.length;
  if (n <= max) return points as T[];
  if (max <= 1) return max === 1 ? [points[n - 1]] : [];
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (n - 1)) / (max - 1))]);
}
