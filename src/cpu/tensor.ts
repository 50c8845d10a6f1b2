import type { Tensor } from '../engine/backend';

/** A CPU backend tensor: the handle and the plain typed array behind it. */
export interface CpuTensor extends Tensor {
  readonly data: Float32Array | Uint32Array;
}

/**
 * Wraps an existing array as a CPU tensor (id 0: not from a backend), so tests and the parity
 * check can call a CPU kernel with the same argument object the backend passes.
 */
export function cpuTensor(data: Float32Array | Uint32Array): CpuTensor {
  const dtype = data instanceof Float32Array ? 'f32' : 'u32';
  return { id: 0, dtype, length: data.length, data };
}

/** The f32 array behind a CPU tensor (kernels read their arguments through these two). */
export const f32 = (t: Tensor): Float32Array => (t as CpuTensor).data as Float32Array;

/** The u32 array behind a CPU tensor. */
export const u32 = (t: Tensor): Uint32Array => (t as CpuTensor).data as Uint32Array;
