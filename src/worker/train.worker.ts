/// <reference lib="webworker" />
import { CpuBackend } from '../cpu/backend';
import type { Backend } from '../engine/backend';
import { Trainer } from '../engine/trainer';
import { GpuBackend } from '../gpu/backend';
import type { ExperimentConfig } from '../url/params';
import type { ImageDataset } from '../data/dataset';
import type { DataProgress } from './fetchAsset';
import { loadCifar } from './loadCifar';
import { loadMnist } from './loadMnist';
import type { FromWorker, SampleImages, ToWorker } from './protocol';

type DataProgressEvent = Parameters<DataProgress>[0];

/**
 * Owns the data, the backend and the trainer, so the page never blocks. Trains until
 * paused, yielding to the message loop regularly so Pause is honoured within a few steps.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker) => scope.postMessage(m);

let paused = false;
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
      notice: `WebGPU is not available (${(e as Error).message}); training on the CPU reference backend instead, which is much slower.`,
    };
  }
}

const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

async function loop(): Promise<void> {
  if (!trainer || running) return;
  running = true;
  let lastYield = performance.now();
  try {
    while (!trainer.finished && !paused) {
      await trainer.step();
      if (performance.now() - lastYield > 30) {
        await yieldToEvents();
        lastYield = performance.now();
      }
    }
    if (trainer.finished) post({ type: 'done' });
    else post({ type: 'paused' });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
  } finally {
    running = false;
  }
}

let cifarFile: ((f: File) => void) | null = null;

function askForCifar(problem: string | null): Promise<File> {
  post({ type: 'needCifar', problem });
  return new Promise((resolve) => (cifarFile = resolve));
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
  const progress = (p: DataProgressEvent) => post({ type: 'data', ...p });
  const data =
    config.dataset === 'cifar10'
      ? await loadCifar(baseUrl, config.train, progress, askForCifar)
      : await loadMnist(baseUrl, config.train, progress);
  post({ type: 'samples', dataset: config.dataset, samples: samplesOf(data.train) });
  const { backend, notice } = await makeBackend(config);
  trainer = new Trainer(backend, config, data.train, data.test, {
    progress: (p) => post({ type: 'progress', ...p }),
    epoch: (metrics) => post({ type: 'epoch', metrics }),
    maskUpdate: (update) => post({ type: 'maskUpdate', update }),
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
  await loop();
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'start') {
    paused = false;
    start(m.config, m.baseUrl).catch((err: unknown) =>
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  } else if (m.type === 'pause') {
    paused = true;
  } else if (m.type === 'cifarFile') {
    cifarFile?.(m.file);
    cifarFile = null;
  } else if (m.type === 'resume') {
    paused = false;
    void loop();
  }
};
