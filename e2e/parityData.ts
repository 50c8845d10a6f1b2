// What the parity cases are made of: host tensors, a case, and the one seeded stream that
// draws their inputs. Shared by e2e/parityCases.ts and e2e/parityImageCases.ts.
import type { DType, KernelName } from '../src/engine/backend';
import { Rng } from '../src/engine/rng';
import type { SparseFormat } from '../src/sparse/format';

export type Host = { dtype: DType; data: Float32Array | Uint32Array };
export interface Case {
  name: string;
  kernel: KernelName;
  tensors: Record<string, Host | null>;
  /** A source variant to pin on the GPU (the autotuner's alternatives). */
  variant?: string;
  /** A block-CSR matrix bound as `w`; its values can be an output as 'w.values'. */
  sparse?: { format: SparseFormat; values: Host };
  params: Record<string, number | boolean | number[]>;
  outputs: string[];
  bound: number;
}

/** One seeded stream for every case: the cases are built in a fixed order. */
export const rng = new Rng(1234);
export const f = (n: number, s = 1): Host => ({
  dtype: 'f32',
  data: Float32Array.from({ length: n }, () => rng.uniform(-s, s)),
});
export const zeros = (n: number): Host => ({ dtype: 'f32', data: new Float32Array(n) });
export const u = (values: number[]): Host => ({ dtype: 'u32', data: Uint32Array.from(values) });
export const ints = (n: number, max: number) => Array.from({ length: n }, () => rng.int(max));

export function withZeros(h: Host, every: number): Host {
  for (let i = 0; i < h.data.length; i += every) h.data[i] = 0;
  return h;
}

/** Colour images with augmentation, convolution patches, pooling and batch norm. */
