import type { ExperimentConfig } from '../config';
import type { EpochMetrics } from '../engine/events';
import type { AppStamp } from '../record';

/** What a model file's summary is made of: the run's settings and where it ended. */
export interface RunSummaryView {
  config: ExperimentConfig;
  /** Every finished epoch's figures, in order (only the last one's go in). */
  epochs: readonly Pick<EpochMetrics, 'testAcc' | 'testLoss' | 'density'>[];
  backend: string | null;
  adapter: string | null;
}

/**
 * What a model file says about the run it came from (its metadata): the link that trains it
 * again, the last epoch's figures, where it ran, and the app's version and commit (as the run
 * record has them). One function for the page's download and the Node runtime's `--export`,
 * so both files carry the same keys.
 */
export function runSummary(
  view: RunSummaryView,
  link: string,
  stamp: AppStamp,
): Record<string, string> {
  const { config, epochs } = view;
  const last = epochs[epochs.length - 1];
  const out: Record<string, string> = {
    link,
    appVersion: stamp.version,
    appCommit: stamp.commit,
    dataset: config.dataset,
    model: config.model,
    method: config.method,
    density: String(last?.density ?? config.density),
    epochs: String(epochs.length),
  };
  if (last) {
    out.testAcc = String(last.testAcc);
    out.testLoss = String(last.testLoss);
  }
  if (view.backend) out.backend = view.backend;
  if (view.adapter) out.adapter = view.adapter;
  return out;
}
