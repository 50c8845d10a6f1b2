import type { EpochMetrics, MaskUpdateEvent } from '../engine/trainer';
import type { ExperimentConfig } from '../config';
import { encode } from '../url/params';

/** What an export holds: the run's configuration, link and every metric the engine reported. */
export interface RunExport {
  link: string;
  config: ExperimentConfig;
  backend: string | null;
  adapter: string | null;
  epochs: EpochMetrics[];
  steps: { globalStep: number; epoch: number; trainLoss: number; samplesPerSec: number }[];
  maskUpdates: MaskUpdateEvent[];
}

/** The columns of one epoch, given the layer names (density, momentum, empty channels each). */
function epochHeader(layers: readonly string[]): string[] {
  return [
    'epoch',
    'test_acc',
    'test_loss',
    'train_acc',
    'train_loss',
    'density',
    'prune_rate',
    'seconds',
    'samples_per_sec',
    ...layers.flatMap((n) => [`${n}_density`, `${n}_mean_momentum`, `${n}_empty_channels`]),
  ];
}

/** One epoch's cells under `epochHeader(layers)`; a layer this run lacks is left empty. */
function epochCells(e: EpochMetrics, layers: readonly string[]): (string | number)[] {
  return [
    e.epoch,
    e.testAcc,
    e.testLoss,
    e.trainAcc,
    e.trainLoss,
    e.density,
    e.pruneRate ?? '',
    e.seconds,
    e.samplesPerSec,
    ...layers.flatMap((name) => {
      const l = e.layers.find((x) => x.name === name);
      return l ? [l.density, l.meanMomentum, l.emptyChannels ?? ''] : ['', '', ''];
    }),
  ];
}

const csv = (rows: (string | number)[][]) => rows.map((r) => r.join(',')).join('\n') + '\n';

/** One row per epoch: accuracy, loss, density, time, then density and mean |momentum| per layer. */
export function epochsCsv(epochs: EpochMetrics[]): string {
  const layers = epochs[0]?.layers.map((l) => l.name) ?? [];
  return csv([epochHeader(layers), ...epochs.map((e) => epochCells(e, layers))]);
}

/** A run of a comparison as its export holds it. */
export interface ComparedRun {
  label: string;
  config: ExperimentConfig;
  epochs: EpochMetrics[];
  finished: boolean;
}

/** A CSV cell that may hold a comma or a quote (a label), quoted as CSV quotes. */
const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/**
 * One row per run per epoch, the run's number and label first; the layer columns are every
 * layer any run has (a run without one leaves it empty), so runs of other widths line up.
 */
export function compareCsv(runs: readonly ComparedRun[]): string {
  const layers = [
    ...new Set(runs.flatMap((r) => r.epochs.flatMap((e) => e.layers.map((l) => l.name)))),
  ];
  const rows = runs.flatMap((r, i) =>
    r.epochs.map((e) => [i + 1, cell(r.label), ...epochCells(e, layers)]),
  );
  return csv([['run', 'label', ...epochHeader(layers)], ...rows]);
}

/** Everything a comparison export holds: its link, and each run's label, config, link, epochs. */
export function compareJson(
  runs: readonly ComparedRun[],
  link: string | null,
  base: string,
): string {
  const data = {
    link,
    runs: runs.map((r) => ({ ...r, link: runLink(r.config, base) })),
  };
  return JSON.stringify(data, null, 2);
}

export function runLink(config: ExperimentConfig, base: string): string {
  const query = encode(config);
  return query ? `${base}?${query}` : base;
}
