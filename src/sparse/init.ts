/**
 * Initial per-layer densities: uniform (every layer at the target), or Erdős–Rényi(-Kernel) as in
 * SET and RigL, where small layers get denser. Totals are exact: the active counts add up to
 * round(density × total weights).
 */

export type InitMode = 'uniform' | 'er' | 'erk';

export interface LayerShape {
  /** Weights in the layer. */
  size: number;
  inFeatures: number;
  outFeatures: number;
  /** Kernel height and width (1 for linear layers). */
  kernel?: [number, number];
}

/** The ER/ERK score of a layer: (sum of its dimensions) / (product of its dimensions). */
export function erScore(shape: LayerShape, mode: 'er' | 'erk'): number {
  const [kh, kw] = shape.kernel ?? [1, 1];
  const dims =
    mode === 'erk'
      ? [shape.inFeatures, shape.outFeatures, kh, kw].filter((d, i) => i < 2 || d > 1)
      : [shape.inFeatures, shape.outFeatures];
  return dims.reduce((a, b) => a + b, 0) / dims.reduce((a, b) => a * b, 1);
}

/** Splits `total` into integers proportional to `want` (largest remainder), each <= cap. */
export function roundToTotal(want: number[], cap: number[], total: number): number[] {
  const out = want.map((w, i) => Math.min(cap[i], Math.floor(w + 1e-9)));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = want
    .map((_, i) => i)
    .sort((a, b) => want[b] - out[b] - (want[a] - out[a]) || a - b);
  while (left > 0) {
    let moved = false;
    for (const i of order) {
      if (left === 0) break;
      if (out[i] < cap[i]) {
        out[i]++;
        left--;
        moved = true;
      }
    }
    if (!moved) throw new Error('cannot place the requested number of weights');
  }
  if (left < 0) throw new Error('requested total is below the rounded-down counts');
  return out;
}

/**
 * Active weights per layer at the start of training, adding up to exactly
 * round(density × total). ER/ERK densities are capped at 1 and the excess re-spread.
 */
export function initialCounts(shapes: LayerShape[], density: number, mode: InitMode): number[] {
  const sizes = shapes.map((s) => s.size);
  const total = Math.round(density * sizes.reduce((a, b) => a + b, 0));
  if (mode === 'uniform') {
    return roundToTotal(
      sizes.map((n) => density * n),
      sizes,
      total,
    );
  }
  const score = shapes.map((s) => erScore(s, mode));
  const dense = new Set<number>();
  let densities: number[] = [];
  for (;;) {
    const denseWeights = [...dense].reduce((a, i) => a + sizes[i], 0);
    const rest = sizes.reduce((a, n, i) => (dense.has(i) ? a : a + score[i] * n), 0);
    const eps = rest > 0 ? (total - denseWeights) / rest : 0;
    densities = score.map((s, i) => (dense.has(i) ? 1 : eps * s));
    const over = densities.findIndex((d, i) => d > 1 && !dense.has(i));
    if (over < 0) break;
    // The layer with the largest score saturates first, as in RigL's implementation.
    let worst = over;
    densities.forEach((d, i) => {
      if (!dense.has(i) && d > densities[worst]) worst = i;
    });
    dense.add(worst);
  }
  return roundToTotal(
    densities.map((d, i) => Math.min(1, d) * sizes[i]),
    sizes,
    total,
  );
}
