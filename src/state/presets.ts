import type { ExperimentConfig } from '../config';
import { defaultConfig } from '../url/params';

/**
 * One-click comparisons that show a point of the paper. Each runs the reference's setup
 * (LeNet-300-100 on MNIST, SGD 0.1 with Nesterov momentum, batch 100, the first 54,000
 * training images, 5 epochs: the setup of the README's measured results) and keeps only the
 * person's seed, backend and kernels; the settings on screen are left alone.
 */
export interface Preset {
  id: string;
  title: string;
  /** What the full runs show, with what this app measured for them (README, seed 17). */
  demonstrates: string;
  /** The runs' differences from the reference setup. */
  variations: Partial<ExperimentConfig>[];
  /** Why a short run cannot show it (after the quick variant's common caveat). */
  quickCaveat: string;
}

/** Data and epochs of the full presets: those of the measured results. */
export const FULL = { train: 54000, epochs: 5 } as const;
/** The quick variant trains on at most this many images for at most this many epochs. */
export const QUICK = { train: 6000, epochs: 2 } as const;

export const PRESETS: readonly Preset[] = [
  {
    id: 'dense-vs-snfs',
    title: 'Dense vs sparse momentum',
    demonstrates:
      'With 5% of the weights, sparse momentum comes within a point of the dense network ' +
      '(measured here after 5 epochs: 96.56% against 97.27%).',
    variations: [
      { method: 'dense', density: 1 },
      { method: 'snfs', density: 0.05 },
    ],
    quickCaveat: 'On so little training the sparse network trails dense by far more than that.',
  },
  {
    id: 'methods',
    title: 'SNFS vs SET vs RigL vs static at 5%',
    demonstrates:
      'Regrowing connections is what counts at 5% density: sparse momentum, SET and RigL end ' +
      'about 3 points above a static random mask, and on this small network within half a ' +
      'point of each other (measured here after 5 epochs: SET 96.96%, RigL 96.88%, ' +
      'SNFS 96.56%, static 93.78%).',
    variations: (['snfs', 'set', 'rigl', 'static'] as const).map((method) => ({
      method,
      density: 0.05,
    })),
    quickCaveat:
      'Sparse momentum starts from uniform layer densities, as the reference does, and sits ' +
      'near chance for its first ~60 steps, while SET and RigL start from ER/ERK: it ends far ' +
      'behind them, the opposite of what full training shows.',
  },
  {
    id: 'wide-vs-narrow',
    title: 'Wide and sparse vs narrow and dense',
    demonstrates:
      'At the same number of weights a wide sparse network beats a narrow dense one: ' +
      'LeNet-300-100 at 5% (13,310 weights) against a dense 16-10 MLP (12,804) (measured ' +
      'after 5 epochs on the CPU backend: 96.09% against 93.98%).',
    variations: [
      { method: 'snfs', density: 0.05 },
      { method: 'dense', density: 1, hidden: [16, 10] },
    ],
    quickCaveat: 'A short run measures how fast each network starts, not where it ends.',
  },
  {
    id: 'blocks',
    title: 'Block size 1 vs 16',
    demonstrates:
      'Pruning 16x16 tiles instead of single weights (what a block-sparse GPU kernel can ' +
      'skip) costs accuracy at 5% (measured here after 5 epochs: 94.76% against 96.56%).',
    variations: [
      { method: 'snfs', density: 0.05, block: 1 },
      { method: 'snfs', density: 0.05, block: 16 },
    ],
    quickCaveat: 'The tiles hardly move in so few updates: it compares the starting masks.',
  },
];

/** The data and epochs a preset trains on: the full ones, or the quick ones capped by the settings'. */
export function presetData(
  base: ExperimentConfig,
  quick: boolean,
): { train: number; epochs: number } {
  if (!quick) return FULL;
  return { train: Math.min(base.train, QUICK.train), epochs: Math.min(base.epochs, QUICK.epochs) };
}

/**
 * A preset's runs: the reference setup with each variation, on MNIST, with the person's seed,
 * backend, kernels and display settings.
 */
export function presetRuns(
  preset: Preset,
  base: ExperimentConfig,
  quick: boolean,
): ExperimentConfig[] {
  const reference: ExperimentConfig = {
    ...defaultConfig(),
    ...presetData(base, quick),
    seed: base.seed,
    backend: base.backend,
    kernels: base.kernels,
    hide: base.hide,
    projector: base.projector,
  };
  return preset.variations.map((v) => ({ ...reference, ...v }));
}

/**
 * What a quick variant cannot show: the mask updates it lacks (SNFS and SET update at the end
 * of every epoch but the last, RigL every 100 steps), then the preset's own caveat.
 */
export function quickNote(preset: Preset, base: ExperimentConfig): string {
  const { train, epochs } = presetData(base, true);
  const updates =
    epochs === 1
      ? 'no mask update happens at all'
      : 'sparse momentum and SET update their masks once (four times in the full run)';
  return (
    `Quick: ${train.toLocaleString('en-US')} images, ${epochs} epoch${epochs === 1 ? '' : 's'}; ` +
    `${updates}. ${preset.quickCaveat}`
  );
}
