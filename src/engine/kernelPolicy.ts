import type { TrainingConfig } from '../config/training';
import type { BlockGrid } from '../sparse/blocks';
import { fitsSparseFormat } from '../sparse/format';
import type { WeightSpec } from './model';

/** Which matmul kernels a weight layer runs on: dense, CSR, ELL (constant fan-in), N:M or block-CSR. */
export type LayerKernel = 'dense' | 'csr' | 'ell' | 'nm' | `block${number}`;

/**
 * Densities up to which the sparse kernels beat the dense ones, per format, from the kernel
 * benchmark (`npm run bench`) on SwiftShader: CSR forward and input gradient pass dense near
 * 0.25, block-CSR near 0.5; a margin below keeps the choice on the winning side.
 */
export const SPARSE_BELOW = { csr: 0.2, block: 0.4 };

/**
 * The kernel a masked layer uses at this density: sparse where a sparse kernel exists for its
 * shape (block a multiple of 4 with rows of a multiple of 4 floats, or single weights) and is
 * faster, else dense kernels on masked weights.
 */
export function kernelChoice(
  density: number,
  block: number,
  inF: number,
  fits: boolean,
): LayerKernel {
  if (!fits) return 'dense';
  if (block === 1) return density <= SPARSE_BELOW.csr ? 'csr' : 'dense';
  if (block % 4 !== 0 || inF % 4 !== 0) return 'dense';
  return density <= SPARSE_BELOW.block ? `block${block}` : 'dense';
}

/**
 * A layer's kernel under the run's `kernels` setting with `active` weights (null: no mask, the
 * run is dense): dense when forced, always sparse where one exists when forced, else by density;
 * `structure` turns CSR into ELL (constant fan-in masks) or N:M.
 */
export function layerKernel(
  kernels: TrainingConfig['kernels'],
  spec: WeightSpec,
  grid: BlockGrid,
  active: number | null,
  structure: 'none' | 'fanin' | 'nm' = 'none',
): LayerKernel {
  if (active === null || kernels === 'dense') return 'dense';
  const n = spec.inFeatures * spec.outFeatures;
  const density = kernels === 'sparse' ? 0 : active / n;
  const choice = kernelChoice(density, grid.block, spec.inFeatures, fitsSparseFormat(grid));
  // A constant fan-in mask runs the ELL twins of the CSR kernels wherever CSR would run.
  if (choice !== 'csr' || structure === 'none') return choice;
  return structure === 'nm' ? 'nm' : 'ell';
}
