import type { Rng } from '../engine/rng';
import type { BlockGrid } from './blocks';
import { countActive } from './momentum';
import type { UpdateLayer } from './update';

/**
 * Weight-matrix shapes [rows = outputs][cols = inputs] the structure tests (fan-in, N:M) share,
 * so both check the layers the app trains: LeNet-300-100, and LeNet-5's conv patches (25 and
 * 150 inputs, neither a multiple of common group sizes) and fully connected layers.
 */
export const MLP_SHAPES = [
  { rows: 300, cols: 784 },
  { rows: 100, cols: 300 },
  { rows: 10, cols: 100 },
];

/** LeNet-5's output counts (6, 16, 120, 84, 10) and inputs per output. */
export const LENET5_SHAPES = [
  { rows: 6, cols: 25 },
  { rows: 16, cols: 150 },
  { rows: 120, cols: 256 },
  { rows: 84, cols: 120 },
  { rows: 10, cols: 84 },
];

/**
 * A layer at a mask update: random weights on `unitMask`, and momentum and gradient everywhere,
 * the momentum scaled by (i + 1)² so that momentum redistribution moves weights between layers.
 */
export function testLayer(i: number, grid: BlockGrid, unitMask: Uint8Array, rng: Rng): UpdateLayer {
  const n = grid.rows * grid.cols;
  return {
    name: `l${i}`,
    grid,
    unitMask,
    weights: Float32Array.from({ length: n }, (_, j) => (unitMask[j] ? rng.uniform(-1, 1) : 0)),
    momentum: Float32Array.from({ length: n }, () => rng.uniform(-1, 1) * (i + 1) ** 2),
    gradient: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
  };
}

/** Active weights of all layers together. */
export const totalActive = (layers: { unitMask: Uint8Array }[]) =>
  layers.reduce((s, l) => s + countActive(l.unitMask), 0);
