import type { Rng } from './rng';

/**
 * PyTorch's default nn.Linear init: weights Kaiming-uniform with a = sqrt(5), which is
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 * Weights are stored [out][in], row-major, as PyTorch does.
 */
export function initLinear(
  inFeatures: number,
  outFeatures: number,
  rng: Rng,
): { weight: Float32Array; bias: Float32Array } {
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2 / (1 + a * a));
  const wBound = gain * Math.sqrt(3 / inFeatures);
  const bBound = 1 / Math.sqrt(inFeatures);
  const weight = new Float32Array(inFeatures * outFeatures);
  for (let i = 0; i < weight.length; i++) weight[i] = rng.uniform(-wBound, wBound);
  const bias = new Float32Array(outFeatures);
  for (let i = 0; i < bias.length; i++) bias[i] = rng.uniform(-bBound, bBound);
  return { weight, bias };
}
