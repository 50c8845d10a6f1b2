import type { TrainingConfig } from '../config';
import { CpuBackend } from '../cpu/backend';
import type { Checkpoint } from '../engine/checkpoint';
import { toyData } from '../engine/toyData';
import { Trainer } from '../engine/trainer';
import type { MetricsSlice } from './store';

/**
 * For the saved-runs tests: a real run on the CPU (toy data, milliseconds) with everything the
 * page would record of it, and the checkpoints its worker would post.
 */
export async function cpuRun(config: TrainingConfig) {
  const metrics: Pick<MetricsSlice, 'epochs' | 'steps' | 'maskUpdates' | 'subsetEvals'> = {
    epochs: [],
    steps: [],
    maskUpdates: [],
    subsetEvals: [],
  };
  const checkpoints: Checkpoint[] = [];
  const t = new Trainer(
    new CpuBackend(),
    config,
    toyData(120, 1),
    toyData(60, 2),
    {
      epoch: (m) => metrics.epochs.push(m),
      maskUpdate: (u) => metrics.maskUpdates.push(u),
      progress: (p) => metrics.steps.push(p),
      subsetEval: (e) => metrics.subsetEvals.push(e),
      checkpoint: (c) => checkpoints.push(c),
    },
    { keepCheckpoints: true, subsetEvery: 4 },
  );
  while (!t.finished) await t.step();
  return { ...metrics, checkpoints };
}
