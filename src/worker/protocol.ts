import type { Checkpoint, LayerKernel, TrainedNetwork } from '../engine/trainer';
import type {
  EpochMetrics,
  MaskUpdateEvent,
  MaskView,
  StepProgress,
  SubsetEval,
} from '../engine/trainer';
import type { TrainingConfig } from '../config';
import type { AdapterInfo } from '../engine/backend';

/** Messages the page sends to the training worker. */
export type ToWorker =
  /**
   * `run` numbers the page's runs; every reply carries the run it belongs to. Only the
   * training part of the configuration travels: display settings never reach the engine.
   */
  | {
      type: 'start';
      config: TrainingConfig;
      baseUrl: string;
      run: number;
      stopAt: StopAt | null;
      /** Continue from this epoch checkpoint (a saved run, after a reload) instead of epoch 0. */
      resume?: Checkpoint;
    }
  /** Stop the run and free its device; the worker stays for the next run. */
  | { type: 'reset' }
  | { type: 'pause' }
  | { type: 'resume'; stopAt: StopAt | null }
  /** A CIFAR-10 tarball the person chose, answering `needCifar`. */
  | { type: 'cifarFile'; file: File }
  /**
   * Classify a drawn digit (28x28 grey bytes like MNIST's) or a test image (null: one at
   * random) with the paused or finished network; answered by a `prediction` with the same id.
   */
  | { type: 'predict'; id: number; pixels: Uint8Array }
  | { type: 'predictTest'; id: number; index: number | null }
  /** The paused or finished network's parameters, for the model export; answered by `model`. */
  | { type: 'exportModel'; id: number }
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

/** The network's answer for one image, with the weights of the moment it was asked. */
export interface Prediction {
  /** The training steps behind the weights that answered. */
  globalStep: number;
  /** Softmax of the network's output, one per class. */
  probabilities: number[];
  classNames: string[];
  /** For a test image: which one, its true label and its bytes (HWC). */
  test: {
    index: number;
    count: number;
    label: number;
    height: number;
    width: number;
    channels: number;
    pixels: Uint8Array;
  } | null;
}

/** Messages the training worker sends back; the store and `npm run experiment` read these. */
export type FromWorker =
  | { type: 'data'; file: string; loaded: number; total: number; phase: 'download' | 'decode' }
  | {
      type: 'ready';
      backend: 'webgpu' | 'cpu';
      adapter: string;
      /** The same adapter field by field (GPUAdapter.info; the CPU gives its own), for run records. */
      adapterInfo: AdapterInfo;
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
  /** The answer to a `predict` or `predictTest` (or why there is none: refused). */
  | { type: 'prediction'; id: number; prediction: Prediction | null; refused: string | null }
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

/**
 * The run's state at an epoch end, for the page to save (a reload can then resume it). Posted
 * beside `FromWorker`, not in it: the page stores it and never routes it to the store.
 */
export interface CheckpointMessage {
  type: 'checkpoint';
  checkpoint: Checkpoint;
}

/**
 * The answer to `exportModel`: the network as plain arrays (or why there is none). Beside
 * `FromWorker` like a checkpoint: the page builds the file from it, the store never sees it.
 */
export interface ModelMessage {
  type: 'model';
  id: number;
  network: TrainedNetwork | null;
  refused: string | null;
}

/** Everything the worker posts. */
export type WorkerPost = FromWorker | CheckpointMessage | ModelMessage;
