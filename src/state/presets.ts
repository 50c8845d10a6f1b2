import type { ExperimentConfig } from '../config';

/**
 * One-click experiments: each turns the current settings (data, epochs, seed, optimizer) into
 * the runs to compare, which then run one after another.
 */
export interface Preset {
  id: string;
  title: string;
  description: string;
  runs(base: ExperimentConfig): ExperimentConfig[];
}

const mlp = (base: ExperimentConfig, patch: Partial<ExperimentConfig>): ExperimentConfig => ({
  ...base,
  model: 'mlp',
  hidden: [300, 100],
  prune: 'auto',
  growth: 'auto',
  redist: 'auto',
  init: 'auto',
  schedule: 'auto',
  update_every: 'auto',
  update_until: 'auto',
  block: 1,
  autorun: false,
  ...patch,
});

export const PRESETS: readonly Preset[] = [
  {
    id: 'dense-vs-snfs',
    title: 'Dense vs sparse momentum',
    description: 'The same network dense, and at 5% of its weights with sparse momentum.',
    runs: (b) => [
      mlp(b, { method: 'dense', density: 1 }),
      mlp(b, { method: 'snfs', density: 0.05 }),
    ],
  },
  {
    id: 'methods',
    title: 'SNFS vs SET vs RigL vs static at 5%',
    description: 'Four ways to train with 5% of the weights: which regrowth rule helps most?',
    runs: (b) =>
      (['snfs', 'set', 'rigl', 'static'] as const).map((method) =>
        mlp(b, { method, density: 0.05 }),
      ),
  },
  {
    id: 'wide-vs-narrow',
    title: 'Wide and sparse vs narrow and dense',
    description:
      'About 13,000 weights either way: LeNet-300-100 at 5% (13,310) or a dense 16-10 MLP (12,804).',
    runs: (b) => [
      mlp(b, { method: 'snfs', density: 0.05 }),
      mlp(b, { method: 'dense', density: 1, hidden: [16, 10] }),
    ],
  },
  {
    id: 'blocks',
    title: 'Block size 1 vs 16',
    description: 'Single weights vs 16x16 tiles (what a block-sparse GPU kernel can skip) at 5%.',
    runs: (b) => [
      mlp(b, { method: 'snfs', density: 0.05, block: 1 }),
      mlp(b, { method: 'snfs', density: 0.05, block: 16 }),
    ],
  },
];
