import type { DeviceCosts } from '../engine/backend';
import { KERNELS } from './kernels';
import { uniformBytes } from './wgsl/uniforms';

/** Bytes of the GPU buffer behind `length` 32-bit elements: a multiple of 16, at least 16. */
export function bufferSize(length: number): number {
  return Math.max(16, Math.ceil((length * 4) / 16) * 16);
}

/**
 * Placeholder buffers for unused bindings, one per binding index (a kernel may leave two
 * unused, and one buffer bound twice where either is writable is invalid): the default limit
 * of storage buffers per kernel.
 */
export const PLACEHOLDERS = 8;

/**
 * What the WebGPU backend allocates besides the tensors' own bytes (see `GpuBackend`): every
 * buffer rounded up by `bufferSize`, one uniform buffer per prepared op, a 16-byte placeholder
 * per binding index for unused bindings, and one staging buffer for readbacks, as large as the
 * largest read.
 */
export const GPU_COSTS: DeviceCosts = {
  tensorBytes: bufferSize,
  opBytes: (kernel) => uniformBytes(KERNELS[kernel].params),
  fixedBytes: PLACEHOLDERS * bufferSize(4),
  stagingBytes: bufferSize,
};
