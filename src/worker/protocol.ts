import type { EpochMetrics, MaskUpdateEvent, StepProgress } from '../engine/trainer';
import type { ExperimentConfig } from '../url/params';

/** Messages the page sends to the training worker. */
export type ToWorker =
  | { type: 'start'; config: ExperimentConfig; baseUrl: string }
  | { type: 'pause' }
  | { type: 'resume' };

export interface InitialLayer {
  name: string;
  size: number;
  active: number;
}

/** Messages the training worker sends back; the store and `npm run experiment` read these. */
export type FromWorker =
  | { type: 'data'; file: string; loaded: number; total: number; phase: 'download' | 'decode' }
  | {
      type: 'ready';
      backend: 'webgpu' | 'cpu';
      adapter: string;
      notice: string | null;
      layers: InitialLayer[];
      stepsPerEpoch: number;
      totalSteps: number;
      trainCount: number;
      testCount: number;
    }
  | ({ type: 'progress' } & StepProgress)
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'maskUpdate'; update: MaskUpdateEvent }
  | { type: 'paused' }
  | { type: 'done' }
  | { type: 'error'; message: string };
