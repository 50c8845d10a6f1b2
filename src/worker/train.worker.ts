/// <reference lib="webworker" />
import { CpuBackend } from '../cpu/backend';
import { GpuBackend, liveGpuBuffers } from '../gpu/backend';
import { fallbackFactory } from './backends';
import { loadCifar } from './loadCifar';
import { loadMnist } from './loadMnist';
import type { ToWorker } from './protocol';
import { TrainingSession } from './session';

/**
 * The training worker, so the page never blocks: it only wires the real backends and data
 * loaders into a `TrainingSession` and hands it every message from the page.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;

const session = new TrainingSession({
  post: (m) => scope.postMessage(m),
  makeBackend: fallbackFactory(
    () => GpuBackend.create(navigator.gpu),
    () => new CpuBackend(),
  ),
  loadData: (config, baseUrl, { progress, askForCifar }) =>
    config.dataset === 'cifar10'
      ? loadCifar(baseUrl, config.train, progress, askForCifar)
      : loadMnist(baseUrl, config.train, progress),
  deviceMemory: liveGpuBuffers,
});

scope.onmessage = (e: MessageEvent<ToWorker>) => session.handle(e.data);
