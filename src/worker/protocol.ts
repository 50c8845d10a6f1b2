import type { LayerKernel } from '../engine/trainer';
import type {
  EpochMetrics,
  MaskUpdateEvent,
  MaskView,
  StepProgress,
  SubsetEval,
} from '../engine/trainer';
import type { TrainingConfig } from '../config';

/** Messages the page sends to the training worker. */
export type ToWorker =
  /**
   * `run` numbers the page's runs; every reply carries the run it belongs to. Only the
   * training part of the configuration travels: display settings never reach the engine.
   */
  | { type: 'start'; config: TrainingConfig; baseUrl: string; run: number; stopAt: StopAt | null }
  /** Stop the run and free its device; the worker stays for the next run. */
  | { type: 'reset' }
  | { type: 'pause' }
  | { type: 'resume'; stopAt: StopAt | null }
  /** A CIFAR-10 tarball the person chose, answering `needCifar`. */
  | { type: 'cifarFile'; file: File }
  /** Test aids: destroy the GPU device mid-run, or make the worker fail outright. */
  | { type: 'loseDevice' }
  | { type: 'crash' };

/** Where a Step pauses: at the end of the current epoch, or after the next mask update. */
/** Where a Step pauses: after one mini-batch, at the end of the epoch, or after the next mask update. */
export type StopAt = 'batch' | 'epoch' | 'update';

/** Live GPU buffers in the worker, counted by the WebGPU backend. */
export interface GpuMemory {
  buffers: number;
  bytes: number;
  /** The most bytes held at once since the run's device was made (the estimate's check). */
  peakBytes?: number;
}

/**
 * The memory estimate of a run (src/engine/memory.ts): the backend's buffers (on the GPU,
 * what `GpuMemory.bytes` counts live) and the worker's own CPU arrays, each under its budget.
 */
export interface MemoryFigures {
  deviceBytes: number;
  workerBytes: number;
}

/** A few training images to show, HWC bytes one after another. */
export interface SampleImages {
  height: number;
  width: number;
  channels: number;
  pixels: Uint8Array;
  labels: number[];
  classNames: string[];
}

export interface InitialLayer {
  name: string;
  size: number;
  active: number;
  /** Multiply-adds per sample in the forward pass when dense. */
  macsPerSample: number;
  /** The matmul kernels the layer runs on (dense, csr, block16…). */
  kernel: LayerKernel;
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
      /** What the run was estimated to need (bytes), before anything was allocated. */
      memory: MemoryFigures;
    }
  /** CIFAR-10 is neither prepared nor stored: the page asks for the tarball (problem: why the last one failed). */
  | { type: 'needCifar'; problem: string | null }
  | { type: 'samples'; dataset: string; samples: SampleImages }
  | ({ type: 'progress' } & StepProgress)
  /** Test accuracy on the fixed sample of test images (every few steps). */
  | ({ type: 'subsetEval' } & SubsetEval)
  | { type: 'epoch'; metrics: EpochMetrics; gpu: GpuMemory | null }
  /** The run was stopped and its device freed; `gpu` is what is still allocated (0 if no leak). */
  | { type: 'reset'; gpu: GpuMemory }
  | { type: 'maskUpdate'; update: MaskUpdateEvent }
  /** The masks for the mask views: at the start, then after every update. */
  | { type: 'masks'; view: MaskView }
  /** The GPU device was lost and training resumed on a new one from the checkpoint of `epoch`. */
  | { type: 'recovered'; message: string; epoch: number }
  /** Not sent by the worker: the page reports that the worker itself died. */
  | { type: 'crashed'; message: string }
  | { type: 'paused' }
  | { type: 'done' }
  /** `reason` lets a driver tell a refusal from a result from a failure without reading words. */
  | { type: 'error'; message: string; reason?: ErrorReason };

/**
 * Why a run stopped with an error: `too-big` (refused before allocating: it does not fit the
 * device or the memory budgets), `diverged` (the loss became NaN or infinite: the epochs so
 * far are a result), `failed` (anything else). Absent where the page itself reports (a crash).
 */
export type ErrorReason = 'too-big' | 'diverged' | 'failed';
