/** One weight layer as the compute estimate sees it. */
export interface LayerCompute {
  /** Forward multiply-adds per sample when dense. */
  macsPerSample: number;
  /** Fraction of its weights that exist. */
  density: number;
  /** Fraction of its input values that are not zero (1 for the first layer). */
  inputNonZero: number;
}

export interface StepFlops {
  dense: number;
  weightSparse: number;
  doubleSparse: number;
}

/**
 * FLOPs of one training step (forward, input gradient, weight gradient; 2 FLOPs a
 * multiply-add) if every layer were dense, if kernels skipped missing weights, and if they
 * also skipped zero inputs. The first layer needs no input gradient. With `denseGradient`
 * (sparse momentum: the momentum of missing weights is what regrowth reads) the weight
 * gradient stays dense however sparse the layer is — the honest cost of the algorithm; a
 * number is the share of steps that compute it (a momentum window), averaged over them.
 */
export function stepFlops(
  layers: LayerCompute[],
  batch: number,
  denseGradient: boolean | number,
): StepFlops {
  const share = typeof denseGradient === 'number' ? denseGradient : denseGradient ? 1 : 0;
  let dense = 0;
  let weightSparse = 0;
  let doubleSparse = 0;
  layers.forEach((l, i) => {
    const pass = 2 * l.macsPerSample * batch;
    const gradIn = i > 0 ? pass : 0;
    const d = l.density;
    const a = l.inputNonZero;
    dense += 3 * pass - (i > 0 ? 0 : pass);
    weightSparse += d * pass + d * gradIn + (share + (1 - share) * d) * pass;
    doubleSparse += d * a * pass + d * gradIn + (share * a + (1 - share) * d * a) * pass;
  });
  return { dense, weightSparse, doubleSparse };
}
