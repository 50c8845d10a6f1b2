/// <reference lib="webworker" />
import { CpuBackend } from '../cpu/backend';
import type { Backend } from '../engine/backend';
import { checkFits, estimateMemory, type MemoryLimits } from '../engine/memory';
import { buildModel } from '../engine/model';
import { evalBatchSize, Trainer, type TrainerEvents } from '../engine/trainer';
import { GpuBackend, liveGpuBuffers } from '../gpu/backend';
import type { ExperimentConfig } from '../url/params';
import type { ImageDataset } from '../data/dataset';
import type { DataProgress } from './fetchAsset';
import { loadCifar } from './loadCifar';
import { loadMnist } from './loadMnist';
import type { FromWorker, SampleImages, StopAt, ToWorker } from './protocol';

type DataProgressEvent = Parameters<DataProgress>[0];

/**
 * Owns the data, the backend and the trainer, so the page never blocks. Trains until
 * paused, yielding to the message loop regularly so Pause is honoured within a few steps.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
/** The run the page asked for last; every message carries it, so the page drops stale ones. */
let activeRun = 0;
const post = (m: FromWorker) => scope.postMessage({ ...m, run: activeRun });
/** Bumped by every start and reset: work begun under an older generation stops. */
let generation = 0;

class Cancelled extends Error {}

let paused = false;
let run: { config: ExperimentConfig; train: ImageDataset; test: ImageDataset } | null = null;
const trainerEvents: TrainerEvents = {
  progress: (p) => post({ type: 'progress', ...p }),
  epoch: (metrics) =>
    post({
      type: 'epoch',
      metrics,
      gpu: trainer?.backend instanceof GpuBackend ? liveGpuBuffers() : null,
    }),
  masks: (view) => post({ type: 'masks', view }),
  maskUpdate: (update) => {
    updatesSeen++;
    post({ type: 'maskUpdate', update });
  },
};
/** A Step's stopping point, cleared when reached. */
let stopAt: StopAt | null = null;
let updatesSeen = 0;
let trainer: Trainer | null = null;
let running = false;

async function makeBackend(
  config: ExperimentConfig,
): Promise<{ backend: Backend; notice: string | null }> {
  if (config.backend === 'cpu') return { backend: new CpuBackend(), notice: null };
  try {
    return { backend: await GpuBackend.create(navigator.gpu), notice: null };
  } catch (e) {
    if (config.backend === 'webgpu') throw e;
    return {
      backend: new CpuBackend(),
      notice:
        `WebGPU is not available (${(e as Error).message}). Training runs on the CPU reference ` +
        'backend instead: the same math in plain JavaScript, so the same results, but far ' +
        'slower than a GPU (on a laptop, minutes per MNIST epoch). Small experiments ' +
        '(e.g. train=5000, hidden=100) stay quick. A browser with WebGPU (a recent Chrome or ' +
        'Edge) uses the GPU.',
    };
  }
}

/**
 * Memory the app allows itself: WebGPU does not report how much a GPU has, and a browser tab
 * that asks for too much is killed or stalls the machine.
 */
const MEMORY_BUDGET = 2 ** 30;

function limitsOf(backend: Backend): MemoryLimits {
  if (backend instanceof GpuBackend) {
    return {
      device: `this GPU (${backend.adapter})`,
      maxBufferSize: backend.device.limits.maxBufferSize,
      maxStorageBufferBindingSize: backend.device.limits.maxStorageBufferBindingSize,
      budgetBytes: MEMORY_BUDGET,
    };
  }
  // Typed arrays hold up to 2^32 - 1 bytes in Chromium; the budget binds first.
  return {
    device: 'the CPU backend',
    maxBufferSize: 2 ** 32 - 1,
    maxStorageBufferBindingSize: 2 ** 32 - 1,
    budgetBytes: MEMORY_BUDGET,
  };
}

function trainerLayers(config: ExperimentConfig, train: ImageDataset) {
  return buildModel(
    config.model,
    { height: train.height, width: train.width, channels: train.channels },
    config.hidden,
    train.classes,
  );
}

const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

async function loop(): Promise<void> {
  if (!trainer || running) return;
  running = true;
  try {
    for (;;) {
      try {
        let lastYield = performance.now();
        const epochAtStart = trainer.epoch;
        const updatesAtStart = updatesSeen;
        while (!trainer.finished && !paused) {
          await trainer.step();
          if (
            (stopAt === 'epoch' && trainer.epoch !== epochAtStart) ||
            (stopAt === 'update' && updatesSeen !== updatesAtStart)
          ) {
            paused = true;
            stopAt = null;
          }
          if (performance.now() - lastYield > 30) {
            await yieldToEvents();
            lastYield = performance.now();
          }
        }
        post(trainer.finished ? { type: 'done' } : { type: 'paused' });
        return;
      } catch (e) {
        if (!(await recoverFromDeviceLoss())) {
          post({ type: 'error', message: (e as Error).message });
          return;
        }
      }
    }
  } finally {
    running = false;
  }
}

/** Device losses survived in this run; past the limit the error is reported instead. */
let recoveries = 0;
const MAX_RECOVERIES = 3;

/**
 * When the GPU device was lost, trains on: a new device, a new trainer from the last epoch
 * checkpoint (kept on the CPU), and a notice for the person. False when that is not possible.
 */
async function recoverFromDeviceLoss(): Promise<boolean> {
  const old = trainer;
  const backend = old?.backend;
  if (!old || !run || !(backend instanceof GpuBackend)) return false;
  // The lost promise may settle a moment after the failing call.
  for (let i = 0; i < 20 && !backend.lost; i++) await new Promise((r) => setTimeout(r, 25));
  if (!backend.lost || !old.checkpoint || recoveries >= MAX_RECOVERIES) return false;
  recoveries++;
  const checkpoint = old.checkpoint;
  const reason = backend.lost.message || backend.lost.reason;
  backend.destroy();
  const fresh = await GpuBackend.create(navigator.gpu);
  trainer = new Trainer(fresh, run.config, run.train, run.test, trainerEvents, {
    keepCheckpoints: true,
    resume: checkpoint,
  });
  post({
    type: 'recovered',
    epoch: checkpoint.epoch,
    message:
      `The GPU device was lost (${reason}). Training goes on with a new device from the ` +
      `checkpoint at the end of epoch ${checkpoint.epoch}; the steps after it are repeated.`,
  });
  return true;
}

let cifarAsk: { resolve(f: File): void; reject(e: Error): void } | null = null;

/** Asks the page for the tarball; a start or reset since `gen` began cancels the question. */
function askForCifar(gen: number, problem: string | null): Promise<File> {
  if (gen !== generation) return Promise.reject(new Cancelled());
  post({ type: 'needCifar', problem });
  return new Promise((resolve, reject) => (cifarAsk = { resolve, reject }));
}

/** Datasets of the last start, reused by the next one (a restart does not reload them). */
let dataCache: { key: string; data: { train: ImageDataset; test: ImageDataset } } | null = null;

async function loadData(
  config: ExperimentConfig,
  baseUrl: string,
  gen: number,
): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const key = `${config.dataset}:${config.train}`;
  if (dataCache?.key === key) return dataCache.data;
  const progress = (p: DataProgressEvent) => post({ type: 'data', ...p });
  const data =
    config.dataset === 'cifar10'
      ? await loadCifar(baseUrl, config.train, progress, (problem) => askForCifar(gen, problem))
      : await loadMnist(baseUrl, config.train, progress);
  dataCache = { key, data };
  return data;
}

/** Stops the current run and frees its device: the worker is ready for another. */
async function stopTraining(): Promise<void> {
  while (running) await new Promise((r) => setTimeout(r, 5));
  const old = trainer;
  trainer = null;
  run = null;
  recoveries = 0;
  old?.backend.destroy();
}

const SAMPLE_COUNT = 16;

function samplesOf(ds: ImageDataset): SampleImages {
  const n = Math.min(SAMPLE_COUNT, ds.count);
  return {
    height: ds.height,
    width: ds.width,
    channels: ds.channels,
    pixels: ds.pixels.slice(0, n * ds.features),
    labels: Array.from(ds.labels.subarray(0, n)),
    classNames: ds.classNames,
  };
}

async function start(config: ExperimentConfig, baseUrl: string): Promise<void> {
  const mine = generation;
  const data = await loadData(config, baseUrl, mine);
  if (mine !== generation) throw new Cancelled();
  post({ type: 'samples', dataset: config.dataset, samples: samplesOf(data.train) });
  const { backend, notice } = await makeBackend(config);
  if (mine !== generation) {
    backend.destroy();
    throw new Cancelled();
  }
  // Refuse what does not fit before allocating anything on the device.
  const layers = trainerLayers(config, data.train);
  const evalBatch = evalBatchSize(layers, data.train.features);
  const fits = checkFits(
    estimateMemory(layers, config, data.train, data.test, evalBatch),
    limitsOf(backend),
  );
  if (fits) {
    backend.destroy();
    throw new Error(fits);
  }
  run = { config, train: data.train, test: data.test };
  // On the GPU, keep a CPU copy of each epoch's state so a lost device costs one epoch at most.
  trainer = new Trainer(backend, config, data.train, data.test, trainerEvents, {
    keepCheckpoints: backend instanceof GpuBackend,
  });
  post({
    type: 'ready',
    backend: backend.kind,
    adapter: backend.adapter,
    notice,
    layers: trainer.layerSummary(),
    stepsPerEpoch: trainer.stepsPerEpoch,
    totalSteps: trainer.totalSteps,
    trainCount: data.train.count,
    testCount: data.test.count,
  });
  post({ type: 'masks', view: trainer.maskView() });
  void loop();
}

/** Start and reset run one after another, each after the previous has let go of the device. */
let lifecycle: Promise<void> = Promise.resolve();

function schedule(task: () => Promise<void>): void {
  generation++;
  paused = true;
  cifarAsk?.reject(new Cancelled());
  cifarAsk = null;
  lifecycle = lifecycle
    .then(stopTraining)
    .then(task)
    .catch((err: unknown) => {
      if (err instanceof Cancelled) return;
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    });
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'start') {
    schedule(async () => {
      activeRun = m.run;
      paused = false;
      stopAt = m.stopAt;
      await start(m.config, m.baseUrl);
    });
  } else if (m.type === 'reset') {
    schedule(async () => {
      activeRun = 0;
      post({ type: 'reset', gpu: liveGpuBuffers() });
    });
  } else if (m.type === 'pause') {
    paused = true;
  } else if (m.type === 'cifarFile') {
    cifarAsk?.resolve(m.file);
    cifarAsk = null;
  } else if (m.type === 'loseDevice') {
    const backend = trainer?.backend;
    if (backend instanceof GpuBackend) backend.device.destroy();
  } else if (m.type === 'crash') {
    throw new Error('the worker was asked to crash (test aid)');
  } else if (m.type === 'resume') {
    paused = false;
    stopAt = m.stopAt;
    void loop();
  }
};
