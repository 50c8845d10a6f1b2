import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { trainingPart } from '../config';
import type { EpochMetrics } from '../engine/events';
import type { TrainedNetwork } from '../engine/trained';
import type { AppStamp } from '../record';
import { CpuBackend } from '../cpu/backend';
import { GpuBackend, GpuUnavailableError, liveGpuBuffers } from '../gpu/backend';
import { decode } from '../url/params';
import { fallbackFactory } from '../worker/backends';
import { loadCifar } from '../worker/loadCifar';
import { loadMnist } from '../worker/loadMnist';
import type { WorkerPost } from '../worker/protocol';
import { TrainingSession, type DataLoader } from '../worker/session';
import { exportOnnx, runSummary } from '../onnx';
import { fileFetch } from './fileFetch';

/** Dawn's `navigator.gpu` equivalent, or why there is none (the `webgpu` package failed to load). */
export type Dawn = { gpu: GPU; problem: null } | { gpu: null; problem: string };

/** The fallback notice's last words in Node: how Dawn gets to the GPU. */
export const NODE_GPU_HINT =
  'In Node, the GPU\'s Vulkan driver lets Dawn use it: see "Node runtime" in the README.';

/** The Vulkan driver Dawn was pointed at, for messages. */
function vulkanDriver(): string {
  const icd = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  return icd ? `VK_ICD_FILENAMES=${icd}` : "the system's Vulkan drivers";
}

/** The GPU backend on Dawn; a failure says what Node was missing, in words a person can act on. */
async function dawnBackend(dawn: Dawn): Promise<GpuBackend> {
  if (!dawn.gpu) throw new GpuUnavailableError(dawn.problem);
  try {
    return await GpuBackend.create(dawn.gpu);
  } catch (e) {
    if (!(e instanceof GpuUnavailableError)) throw e;
    throw new GpuUnavailableError(
      `Dawn found no WebGPU adapter with ${vulkanDriver()}; it reaches a GPU through its Vulkan driver`,
    );
  }
}

/** The site's root as the loaders see it: the `public` folder, as a file URL. */
const baseUrlOf = (publicDir: string) => `${pathToFileURL(publicDir).href}/`;

/**
 * The worker's data loaders, reading the prepared assets under `publicDir` from disk: the
 * same parsing, checksums and size limits as in the browser. CIFAR-10 comes only from prepared
 * assets (there is no page to hand a tarball over, nor IndexedDB): without them the session
 * asks for one (`needCifar`), which the driver answers by stopping with its hint.
 */
function diskLoader(publicDir: string): DataLoader {
  globalThis.fetch = fileFetch(`${baseUrlOf(publicDir)}data/`, globalThis.fetch);
  return async (config, baseUrl, { progress, askForCifar }) => {
    if (config.dataset !== 'cifar10') return loadMnist(baseUrl, config.train, progress);
    if (existsSync(join(publicDir, 'data', 'cifar10', 'manifest.json')))
      return loadCifar(baseUrl, config.train, progress, askForCifar);
    await askForCifar(null);
    throw new Error('the Node runtime reads CIFAR-10 only from prepared assets');
  };
}

/** A running Node experiment: what its driver may still ask of it. */
export interface NodeExperiment {
  /**
   * The paused or finished network as ONNX model bytes (`--export`), built by the same code as
   * the page's "Download model (ONNX)", its summary from the events this run posted.
   */
  modelBytes(link: string, stamp: AppStamp): Promise<Uint8Array>;
}

/**
 * Runs the experiment `query` describes (a canonical query, as the page is handed) in this
 * Node process: the page's `TrainingSession` with Dawn's WebGPU (or the CPU, as `backend=`
 * says) and the assets from disk. `post` hears the very events the page forwards to a
 * headless driver (src/state/runner.ts): first `config`, then every message of the run, with
 * its `run` number, except the checkpoints the page keeps to itself and the model answers.
 */
export function runExperiment(
  query: string,
  dawn: Dawn,
  publicDir: string,
  post: (event: object) => void,
): NodeExperiment {
  const { config, rejected } = decode(query);
  post({ type: 'config', config, rejected });
  const refused = (why: string) => ({ modelBytes: () => Promise.reject(new Error(why)) });
  if (rejected.length > 0) return refused('the query was refused');
  const epochs: EpochMetrics[] = [];
  let where: { backend: string; adapter: string } | null = null;
  const waiting = new Map<
    number,
    (network: TrainedNetwork | null, refused: string | null) => void
  >();
  const session = new TrainingSession({
    post: (m: WorkerPost & { run: number }) => {
      if (m.type === 'checkpoint') return;
      if (m.type === 'model') return waiting.get(m.id)?.(m.network, m.refused);
      if (m.type === 'epoch') epochs.push(m.metrics);
      if (m.type === 'ready') where = { backend: m.backend, adapter: m.adapter };
      post(m);
    },
    makeBackend: fallbackFactory(
      () => dawnBackend(dawn),
      () => new CpuBackend(),
      NODE_GPU_HINT,
    ),
    loadData: diskLoader(publicDir),
    deviceMemory: liveGpuBuffers,
  });
  session.handle({
    type: 'start',
    config: trainingPart(config),
    baseUrl: baseUrlOf(publicDir),
    run: 1,
    stopAt: null,
  });
  let requests = 0;
  return {
    modelBytes(link, stamp) {
      const id = ++requests;
      return new Promise((resolve, reject) => {
        waiting.set(id, (network, why) => {
          waiting.delete(id);
          if (!network) return reject(new Error(why ?? 'the session sent no model'));
          const view = {
            config,
            epochs,
            backend: where?.backend ?? null,
            adapter: where?.adapter ?? null,
          };
          resolve(exportOnnx(network, runSummary(view, link, stamp)));
        });
        session.handle({ type: 'exportModel', id });
      });
    },
  };
}
