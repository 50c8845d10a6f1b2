/**
 * What a prediction reports: the class probabilities from the network's output. Kept apart
 * from the trainer so the page and the tests read the same arithmetic.
 */

/**
 * Softmax of each row of `logits` ([rows][classes]), in float64 and shifted by the row's
 * maximum so large logits do not overflow: each row sums to 1 up to rounding.
 */
export function softmaxRows(logits: ArrayLike<number>, classes: number): number[][] {
  const rows = Math.floor(logits.length / classes);
  return Array.from({ length: rows }, (_, r) => {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]);
    const e = Array.from({ length: classes }, (_, c) => Math.exp(logits[r * classes + c] - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  });
}

/** The index of the largest value (the first of equals), as the accuracy kernels count it. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
