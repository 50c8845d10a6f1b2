import type { EpochMetrics } from '../engine/trainer';
import { trainingPart, type ExperimentConfig } from '../config';
import { configCells, epochCells, recordEpoch, toCsv } from '../record';
import { encode } from '../url/params';

/** A run of a comparison as its export holds it. */
export interface ComparedRun {
  label: string;
  config: ExperimentConfig;
  epochs: EpochMetrics[];
  finished: boolean;
}

/**
 * One row per run per epoch, the run's number and label first, then the columns of a run
 * record's CSV (`testAcc`, `layers.fc1.density`…, `config.*`): the layer columns are every layer
 * any run has (a run without one leaves it empty), so runs of other widths line up.
 */
export function compareCsv(runs: readonly ComparedRun[]): string {
  const rows = runs.flatMap((r, i) =>
    r.epochs.map((e) => [
      { run: i + 1, label: r.label },
      epochCells(recordEpoch(e)),
      configCells(trainingPart(r.config)),
    ]),
  );
  return toCsv(rows);
}

/**
 * Everything a comparison export holds: its link, and each run's label, config, link and
 * epochs, the epochs as a run record holds them.
 */
export function compareJson(
  runs: readonly ComparedRun[],
  link: string | null,
  base: string,
): string {
  const data = {
    link,
    runs: runs.map((r) => ({
      ...r,
      epochs: r.epochs.map(recordEpoch),
      link: runLink(r.config, base),
    })),
  };
  return JSON.stringify(data, null, 2);
}

export function runLink(config: ExperimentConfig, base: string): string {
  const query = encode(config);
  return query ? `${base}?${query}` : base;
}
