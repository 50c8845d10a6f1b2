import type { DType, KernelArgs, KernelName, SparseTensors, Tensor } from '../backend';

/**
 * A training or evaluation step as plain data: the tensors it needs, by name, and the kernels
 * it runs on them. Built without a backend (so the memory estimate sums the very buffers a run
 * allocates) and turned into prepared ops by `materialize`.
 */

/** What a tensor holds; decides who owns it (the run, or one step plan) and who reads it. */
export type TensorRole =
  /** Training or test images, labels and sample order, uploaded once. */
  | 'data'
  /** The step's batch position (`cursor`), written before every step. */
  | 'control'
  /** The metric sums read back for progress and evaluation. */
  | 'readback'
  /** Weights (dense or sparse values), biases, BatchNorm scale and shift. */
  | 'parameter'
  /** The index arrays of a block-CSR weight matrix. */
  | 'index'
  | 'mask'
  /** Gradients of the parameters. */
  | 'gradient'
  | 'momentum'
  /** BatchNorm batch and running statistics. */
  | 'statistics'
  /** The step's gathered batch: inputs and labels. */
  | 'input'
  /** Layer outputs, kept for the backward pass. */
  | 'activation'
  /** Gradients of the layer outputs. */
  | 'activation gradient'
  /** Per-step working buffers: patches, transposed copies, argmax, per-sample loss. */
  | 'scratch';

export interface TensorSpec {
  dtype: DType;
  length: number;
  role: TensorRole;
}

/** Tensors by name (names are `<layer>.<what>`, or plain for the step's own, e.g. `labels`). */
export type TensorSpecs = Record<string, TensorSpec>;

/** A block-CSR matrix by the names of its tensors. */
export type SparseRef = {
  [P in keyof SparseTensors]: SparseTensors[P] extends Tensor ? string : SparseTensors[P];
};

type Ref<T> = T extends Tensor ? string : T extends SparseTensors ? SparseRef : T;

/** A kernel's arguments with every tensor replaced by its name. */
export type PlanArgs<K extends KernelName> = { [P in keyof KernelArgs[K]]: Ref<KernelArgs[K][P]> };

/** One kernel invocation; `tune` marks the matmuls the autotuner times on first use. */
export type PlannedOp = {
  [K in KernelName]: { kernel: K; args: PlanArgs<K>; tune: boolean };
}[KernelName];

export function planOp<K extends KernelName>(kernel: K, args: PlanArgs<K>, tune = false) {
  return { kernel, args, tune } as PlannedOp;
}

/**
 * A step: the tensors it owns (allocated with it, freed with it) and its ops, which may also
 * name the run's tensors (data, parameters: see `stateTensors`).
 */
export interface StepPlan {
  batch: number;
  training: boolean;
  tensors: TensorSpecs;
  ops: PlannedOp[];
  /** The input activation of every weight layer but the first (for activation sparsity). */
  inputs: { name: string; tensor: string }[];
  /** The network's output, [batch][classes] (read back for a prediction). */
  logits: string;
}

/** Bytes of a set of tensors (4 per element: both dtypes are 32-bit). */
export function specBytes(specs: TensorSpecs): number {
  let n = 0;
  for (const s of Object.values(specs)) n += 4 * s.length;
  return n;
}
