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

/** One row per epoch: accuracy, loss, density, time, then density and mean |momentum| per layer. */
export function epochsCsv(epochs: EpochMetrics[]): string {
  const layers = epochs[0]?.layers.map((l) => l.name) ?? [];
  const header = [
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
  const rows = epochs.map((e) => [
    e.epoch,
    e.testAcc,
    e.testLoss,
    e.trainAcc,
    e.trainLoss,
    e.density,
    e.pruneRate ?? '',
    e.seconds,
    e.samplesPerSec,
    ...e.layers.flatMap((l) => [l.density, l.meanMomentum, l.emptyChannels ?? '']),
  ]);
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

export function runLink(config: ExperimentConfig, base: string): string {
  const query = encode(config);
  return query ? `${base}?${query}` : base;
}
