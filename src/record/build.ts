/**
 * Builds the run record from what the worker reported. The page hands it the store's lists (the
 * store gathers the same messages); `npm run experiment` gathers them with `collect`. Either way
 * the record is a pure function of the messages, the configuration and the stamps.
 */
import { trainingPart, type ExperimentConfig, type TrainingConfig } from '../config';
import type { AdapterInfo } from '../engine/backend';
import type { EpochMetrics, MaskUpdateEvent, StepProgress } from '../engine/events';
import { resolveSparsity } from '../sparse/methods';
import { defaultConfig, encode } from '../url/params';
import {
  RECORD_SCHEMA,
  type AppStamp,
  type RecordEpoch,
  type RecordLossPoint,
  type RecordMaskUpdate,
  type RunRecord,
} from './types';

/** What a run reported, in the order it reported it. */
export interface RunLog {
  backend: 'webgpu' | 'cpu' | null;
  adapterInfo: AdapterInfo | null;
  epochs: EpochMetrics[];
  maskUpdates: MaskUpdateEvent[];
  runningLoss: RecordLossPoint[];
}

/**
 * The worker messages (src/worker/protocol.ts `FromWorker`) a record is made of, by their shape:
 * this folder stays pure, and record.test.ts checks that the worker's messages still fit.
 */
export type RecordedMessage =
  | { type: 'ready'; backend: 'webgpu' | 'cpu'; adapterInfo: AdapterInfo }
  | ({ type: 'progress' } & StepProgress)
  | { type: 'maskUpdate'; update: MaskUpdateEvent }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'recovered'; epoch: number };

/** What the record says beside the run's own messages. */
export interface RecordMeta {
  config: TrainingConfig;
  /** The page's address without its query: the record's link is this plus `query`. */
  base: string;
  app: AppStamp;
  environment: string;
}

export function emptyLog(): RunLog {
  return { backend: null, adapterInfo: null, epochs: [], maskUpdates: [], runningLoss: [] };
}

/**
 * Adds one worker message to `log` (in place: a run with a mask update every step would
 * otherwise copy its lists per message). It keeps what the store keeps: after a recovery the
 * figures past the checkpoint's epoch go, as they will be trained again.
 */
export function collect(log: RunLog, message: { type: string }): void {
  const m = message as RecordedMessage;
  switch (m.type) {
    case 'ready':
      log.backend = m.backend;
      log.adapterInfo = m.adapterInfo;
      break;
    case 'progress':
      log.runningLoss.push({
        globalStep: m.globalStep,
        epoch: m.epoch,
        trainLoss: m.trainLoss,
        samplesPerSec: m.samplesPerSec,
      });
      break;
    case 'maskUpdate':
      log.maskUpdates.push(m.update);
      break;
    case 'epoch':
      log.epochs.push(m.metrics);
      break;
    case 'recovered':
      log.runningLoss = log.runningLoss.filter((p) => p.epoch <= m.epoch);
      log.maskUpdates = log.maskUpdates.filter((u) => u.epoch <= m.epoch);
      log.epochs = log.epochs.filter((e) => e.epoch <= m.epoch);
      break;
  }
}

/** Conv layers' empty channels, and only theirs: a key that cannot apply is left out. */
const emptyChannels = (n: number | null) => (n === null ? {} : { emptyChannels: n });

/** One epoch as the record holds it (and `npm run experiment` prints it). */
export function recordEpoch(m: EpochMetrics): RecordEpoch {
  return {
    epoch: m.epoch,
    testAcc: m.testAcc,
    testLoss: m.testLoss,
    trainAcc: m.trainAcc,
    trainLoss: m.trainLoss,
    density: m.density,
    pruneRate: m.pruneRate,
    samplesPerSec: m.samplesPerSec,
    seconds: m.seconds,
    layers: m.layers.map((l) => ({
      name: l.name,
      size: l.size,
      active: l.active,
      density: l.density,
      meanMomentum: l.meanMomentum,
      momentumShare: l.momentumShare,
      ...emptyChannels(l.emptyChannels),
      kernel: l.kernel,
    })),
    inputZeros: m.inputZeros.map((z) => ({ name: z.name, zeros: z.zeros })),
    confusion: m.confusion.map((row) => [...row]),
  };
}

export function recordMaskUpdate(u: MaskUpdateEvent): RecordMaskUpdate {
  return {
    epoch: u.epoch,
    globalStep: u.globalStep,
    pruneRate: u.pruneRate,
    layers: u.layers.map((l) => ({
      name: l.name,
      size: l.size,
      activeBefore: l.activeBefore,
      activeAfter: l.activeAfter,
      pruned: l.pruned,
      regrown: l.regrown,
      meanMomentum: l.meanMomentum,
      momentumShare: l.momentumShare,
      pruneRate: l.pruneRate,
      ...emptyChannels(l.emptyChannels),
    })),
  };
}

/** The canonical query of a training configuration: `v=2`, then what differs from the defaults. */
export function recordQuery(config: TrainingConfig): string {
  return encode({ ...defaultConfig(), ...config });
}

/** The whole record of a run (or of the part that ran so far). */
export function buildRecord(log: RunLog, meta: RecordMeta): RunRecord {
  // The training part only, should a caller hand the whole link's settings (autorun, hide…).
  const training = trainingPart(meta.config as ExperimentConfig);
  const config = { ...training, hidden: [...training.hidden] };
  const query = recordQuery(config);
  const epochs = log.epochs.map(recordEpoch);
  const last = epochs.at(-1) ?? null;
  return {
    schema: RECORD_SCHEMA,
    app: { ...meta.app },
    link: `${meta.base}?${query}`,
    query,
    config,
    sparsity: resolveSparsity(config),
    runtime: {
      backend: log.backend,
      adapter: log.adapterInfo && { ...log.adapterInfo },
      environment: meta.environment,
    },
    epochs,
    maskUpdates: log.maskUpdates.map(recordMaskUpdate),
    runningLoss: log.runningLoss.map((p) => ({ ...p })),
    summary: {
      epochs: epochs.length,
      testAcc: last?.testAcc ?? null,
      density: last?.density ?? null,
      finished: epochs.length === config.epochs,
    },
  };
}
