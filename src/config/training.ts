/**
 * What a run trains: everything that changes its numbers. The engine imports only this, so
 * display settings (hide, projector, autorun) can never change a result.
 */

/** Which backend a link asks for; `auto` prefers WebGPU and falls back to the CPU. */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';
export type Method = 'snfs' | 'set' | 'rigl' | 'static' | 'dense';

export interface TrainingConfig {
  dataset: 'mnist' | 'cifar10';
  model: 'mlp' | 'lenet5' | 'vgg';
  hidden: number[];
  density: number;
  prune_rate: number;
  method: Method;
  /** The knobs below are 'auto' when the method decides (see src/sparse/methods.ts). */
  prune: 'auto' | 'magnitude' | 'set' | 'global_magnitude';
  growth: 'auto' | 'momentum' | 'gradient' | 'random';
  redist: 'auto' | 'momentum' | 'magnitude' | 'nonzero' | 'none';
  init: 'auto' | 'uniform' | 'er' | 'erk';
  schedule: 'auto' | 'cosine' | 'linear' | 'constant';
  update_every: 'auto' | 'epoch' | number;
  update_until: 'auto' | number;
  /**
   * Steps before each mask update in which sparse momentum tracks the momentum of missing
   * weights (auto: the smallest K with momentum^K <= 1e-3; all: every step, the reference).
   */
  momentum_window: 'auto' | 'all' | number;
  block: number;
  /** Sparsity structure every row keeps (see src/sparse/fanin.ts); none = unstructured. */
  structure: 'none' | 'fanin' | 'nm';
  /** M of structure=nm: inputs per group, each group holding at most N weights (src/sparse/nm.ts). */
  nm_group: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  wd: number;
  batch: number;
  epochs: number;
  seed: number;
  train: number;
  augment: boolean;
  backend: BackendChoice;
  kernels: 'auto' | 'dense' | 'sparse';
}
