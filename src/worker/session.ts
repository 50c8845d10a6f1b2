import type { TrainingConfig } from '../config';
import type { ImageDataset } from '../data/dataset';
import { checkFits, estimateMemory, TooBigError, type MemoryLimits } from '../engine/memory';
import { buildModel } from '../engine/model';
import { DivergedError, evalBatchSize, Trainer, type TrainerEvents } from '../engine/trainer';
import type { BackendFactory } from './backends';
import type { DataProgress } from './fetchAsset';
import { EXPORT_REFUSALS } from './exportModel';
import { answer, PREDICT_REFUSALS, type Refusals } from './predict';
import type { Checkpoint } from '../engine/checkpoint';
import type {
  ErrorReason,
  FromWorker,
  GpuMemory,
  SampleImages,
  StopAt,
  ToWorker,
  WorkerPost,
} from './protocol';

/**
 * What the session is doing. `idle`: no run (none started, or the last one is being stopped:
 * its loop may still finish a step before the device is freed). `loading`: a start fetches
 * data and makes the backend. `running`: the loop trains. `paused`: the trainer waits (after
 * Pause, a Step's stopping point, the last step, or an error). `recovering`: a lost device is
 * being replaced from the last checkpoint.
 */
export type SessionState = 'idle' | 'loading' | 'running' | 'paused' | 'recovering';

/** Every allowed change of state; anything else is a bug and throws. */
const TRANSITIONS: Record<SessionState, readonly SessionState[]> = {
  idle: ['loading'],
  loading: ['running', 'paused', 'idle'],
  running: ['paused', 'recovering', 'idle'],
  paused: ['running', 'idle'],
  recovering: ['running', 'paused', 'idle'],
};

/** Training and test sets of a run. */
export interface RunData {
  train: ImageDataset;
  test: ImageDataset;
}

/** What a loader may ask of the session: report progress, or ask the page for a CIFAR-10 tarball. */
export interface LoadHooks {
  progress: DataProgress;
  askForCifar(problem: string | null): Promise<File>;
}

export type DataLoader = (
  config: TrainingConfig,
  baseUrl: string,
  hooks: LoadHooks,
) => Promise<RunData>;

/** What the session needs from its surroundings: injected, so it runs in vitest on the CPU. */
export interface SessionDeps {
  /** Sends a message to the page (`postMessage` in the worker). */
  post(message: WorkerPost & { run: number }): void;
  makeBackend: BackendFactory;
  loadData: DataLoader;
  /** Device memory still held by the whole worker, reported after a reset (leak check). */
  deviceMemory(): GpuMemory;
}

/**
 * Memory the app allows itself: WebGPU does not report how much a GPU has, and a browser tab
 * that asks for too much is killed or stalls the machine. One budget for the backend's memory
 * (GPU buffers), one for the worker's own arrays on the CPU (datasets, checkpoints, readbacks).
 */
export const MEMORY_BUDGET = 2 ** 30;
export const WORKER_MEMORY_BUDGET = 2 ** 30;
/** Device losses survived in one run; past the limit the error is reported instead. */
export const MAX_RECOVERIES = 3;
const SAMPLE_COUNT = 16;
/** Steps between two quick evaluations on the sample of test images (the first is at step 10). */
const SUBSET_EVERY = 50;

/**
 * Why a run stopped after its last allowed recovery: the failing call's own message (a
 * WebGPU `mapAsync` error, say) would not tell the person that the device keeps getting lost.
 */
function lostTooOften(reason: string): string {
  return (
    `The GPU device was lost ${MAX_RECOVERIES + 1} times in this run (last: ${reason}); ` +
    `the run stops after ${MAX_RECOVERIES} recoveries. Close other GPU-heavy tabs or apps, ` +
    'try a smaller experiment (fewer or narrower layers, fewer training images), ' +
    'or train on the CPU with backend=cpu.'
  );
}

/** A start or reset since the work began: it stops quietly. */
class Cancelled extends Error {}

/** The error message of a failure, with why (see `ErrorReason`). */
function errorMessage(err: unknown): FromWorker & { type: 'error' } {
  const reason: ErrorReason =
    err instanceof TooBigError ? 'too-big' : err instanceof DivergedError ? 'diverged' : 'failed';
  return { type: 'error', message: err instanceof Error ? err.message : String(err), reason };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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

/**
 * The training worker's whole state: data, backend and trainer of the current run. It trains
 * until paused, yielding to the message loop regularly so Pause is honoured within a few steps.
 */
export class TrainingSession {
  private current: SessionState = 'idle';
  /** The run the page asked for last; every message carries it, so the page drops stale ones. */
  private activeRun = 0;
  /** Bumped by every start and reset: work begun under an older generation stops. */
  private generation = 0;
  /** A Pause (true) or Resume (false) that came while loading, applied once ready. */
  private holdOnReady = false;
  /** A Step's stopping point, cleared when reached. */
  private stopAt: StopAt | null = null;
  private updatesSeen = 0;
  private recoveries = 0;
  private trainer: Trainer | null = null;
  private run: ({ config: TrainingConfig } & RunData) | null = null;
  /** The training loop in flight, if any. */
  private looping: Promise<void> | null = null;
  private cifarAsk: { resolve(f: File): void; reject(e: Error): void } | null = null;
  /** Datasets of the last start, reused by the next one (a restart does not reload them). */
  private dataCache: { key: string; data: RunData } | null = null;
  /** Start and reset run one after another, each after the previous has let go of the device. */
  private lifecycle: Promise<void> = Promise.resolve();
  /** Predictions and model exports, one after another; training and teardown wait for them. */
  private predicting: Promise<void> = Promise.resolve();
  /** Wakes a step waiting in `interrupt` (paused inside it) when the state changes. */
  private wake: (() => void) | null = null;
  /** A prediction asked while paused inside a step: the step runs to its end, then waits. */
  private finishStep = false;

  private readonly events: TrainerEvents = {
    progress: (p) => this.post({ type: 'progress', ...p }),
    subsetEval: (e) => this.post({ type: 'subsetEval', ...e }),
    epoch: (metrics) =>
      this.post({ type: 'epoch', metrics, gpu: this.trainer?.backend.liveMemory() ?? null }),
    masks: (view) => this.post({ type: 'masks', view }),
    maskUpdate: (update) => {
      this.updatesSeen++;
      this.post({ type: 'maskUpdate', update });
    },
    // Copied, not transferred: the trainer keeps it to recover from a device loss.
    checkpoint: (checkpoint) => {
      if (checkpoint.epoch > 0) this.post({ type: 'checkpoint', checkpoint });
    },
  };

  constructor(private readonly deps: SessionDeps) {}

  get state(): SessionState {
    return this.current;
  }

  /** Applies one message from the page. */
  handle(m: ToWorker): void {
    switch (m.type) {
      case 'start':
        this.schedule(async () => {
          this.activeRun = m.run;
          this.stopAt = m.stopAt;
          this.holdOnReady = false;
          this.to('loading');
          await this.start(m.config, m.baseUrl, m.resume);
        });
        return;
      case 'reset':
        this.schedule(async () => {
          this.activeRun = 0;
          this.post({ type: 'reset', gpu: this.deps.deviceMemory() });
        });
        return;
      case 'pause':
        if (this.current === 'loading') this.holdOnReady = true;
        else if (this.current === 'running' || this.current === 'recovering') this.to('paused');
        return;
      case 'resume':
        if (this.current === 'idle') return;
        this.stopAt = m.stopAt;
        if (this.current === 'loading') this.holdOnReady = false;
        else if (this.current === 'paused') {
          this.to('running');
          this.loop();
        }
        return;
      case 'cifarFile':
        this.cifarAsk?.resolve(m.file);
        this.cifarAsk = null;
        return;
      // Only while paused (after Pause, a Step or the last epoch): the weights of that moment.
      case 'predict':
      case 'predictTest':
        this.whilePaused(
          (trainer) => answer(trainer, m),
          (prediction, refused) => this.post({ type: 'prediction', id: m.id, prediction, refused }),
          PREDICT_REFUSALS,
        );
        return;
      case 'exportModel':
        this.whilePaused(
          (trainer) => trainer.trained(),
          (network, refused) => this.post({ type: 'model', id: m.id, network, refused }),
          EXPORT_REFUSALS,
        );
        return;
      case 'loseDevice':
        this.trainer?.backend.loseDevice();
        return;
      case 'crash':
        throw new Error('the worker was asked to crash (test aid)');
    }
  }

  /** The one place the state changes. */
  private to(next: SessionState): void {
    if (next === this.current) return;
    if (!TRANSITIONS[this.current].includes(next))
      throw new Error(`training session: no transition from ${this.current} to ${next}`);
    this.current = next;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /**
   * Where a step of the run started under `gen` may stop (`Backend.submit` asks between its
   * slices): it waits while paused, saying so, and cancels once a start or reset replaced it.
   */
  private async interrupt(gen: number): Promise<void> {
    if (gen !== this.generation) throw new Cancelled();
    if (this.current !== 'paused' || this.finishStep) return;
    this.post({ type: 'paused' });
    while (this.current === 'paused' && !this.finishStep)
      await new Promise<void>((r) => (this.wake = r));
    if (gen !== this.generation) throw new Cancelled();
  }

  private post(m: WorkerPost): void {
    this.deps.post({ ...m, run: this.activeRun });
  }

  private schedule(task: () => Promise<void>): void {
    this.generation++;
    this.to('idle');
    this.cifarAsk?.reject(new Cancelled());
    this.cifarAsk = null;
    this.lifecycle = this.lifecycle
      .then(() => this.stopTraining())
      .then(task)
      .catch((err: unknown) => {
        if (this.current === 'loading') this.to('idle');
        if (err instanceof Cancelled) return;
        this.post(errorMessage(err));
      });
  }

  /** Runs `task` on the paused trainer and replies with its result, or null and why not. */
  private whilePaused<T>(
    task: (trainer: Trainer) => Promise<T>,
    reply: (result: T | null, refused: string | null) => void,
    why: Refusals,
  ): void {
    const trainer = this.trainer;
    if (!trainer) return reply(null, why.noNetwork);
    if (this.current !== 'paused') return reply(null, why.notPaused);
    // Paused inside a step (a long CPU step): it finishes first, so the weights are whole.
    const inStep = this.looping;
    if (inStep) {
      this.finishStep = true;
      this.wake?.();
    }
    this.predicting = this.predicting.then(async () => {
      await inStep;
      if (this.trainer !== trainer) return reply(null, why.noNetwork);
      return task(trainer).then(
        (result) => reply(result, null),
        (e: unknown) => reply(null, (e as Error).message),
      );
    });
  }

  /** Stops the current run and frees its device: the session is ready for another. */
  private async stopTraining(): Promise<void> {
    await this.looping;
    await this.predicting;
    const old = this.trainer;
    this.trainer = null;
    this.run = null;
    this.recoveries = 0;
    old?.backend.destroy();
  }

  private async start(config: TrainingConfig, baseUrl: string, resume?: Checkpoint): Promise<void> {
    const mine = this.generation;
    const data = await this.loadData(config, baseUrl, mine);
    if (mine !== this.generation) throw new Cancelled();
    this.post({ type: 'samples', dataset: config.dataset, samples: samplesOf(data.train) });
    const { backend, notice } = await this.deps.makeBackend(config.backend);
    if (mine !== this.generation) {
      backend.destroy();
      throw new Cancelled();
    }
    // Refuse what does not fit before allocating anything on the device.
    const layers = buildModel(
      config.model,
      { height: data.train.height, width: data.train.width, channels: data.train.channels },
      config.hidden,
      data.train.classes,
    );
    const evalBatch = evalBatchSize(layers, data.train.features);
    const limits: MemoryLimits = {
      ...backend.limits(),
      budgetBytes: MEMORY_BUDGET,
      workerBudgetBytes: WORKER_MEMORY_BUDGET,
    };
    const estimate = estimateMemory(layers, config, data.train, data.test, evalBatch, {
      costs: limits.costs,
      checkpoints: true,
    });
    try {
      checkFits(estimate, limits);
    } catch (e) {
      backend.destroy();
      throw e;
    }
    this.run = { config, train: data.train, test: data.test };
    // A CPU copy of each epoch's state: a lost device costs one epoch, and the page saves it
    // so a reload can resume. A checkpoint that does not fit this run is refused (it throws).
    let trainer: Trainer;
    try {
      trainer = new Trainer(backend, config, data.train, data.test, this.events, {
        keepCheckpoints: true,
        subsetEvery: SUBSET_EVERY,
        resume,
        interrupt: () => this.interrupt(mine),
      });
    } catch (e) {
      backend.destroy();
      throw new Error(`The saved run could not be resumed: ${(e as Error).message}.`, { cause: e });
    }
    this.trainer = trainer;
    this.post({
      type: 'ready',
      backend: backend.kind,
      adapter: backend.adapter,
      adapterInfo: backend.adapterInfo ?? {
        vendor: '',
        architecture: '',
        description: backend.adapter,
      },
      notice,
      layers: trainer.layerSummary(),
      stepsPerEpoch: trainer.stepsPerEpoch,
      totalSteps: trainer.totalSteps,
      trainCount: data.train.count,
      testCount: data.test.count,
      memory: { deviceBytes: estimate.totalBytes, workerBytes: estimate.workerBytes },
    });
    this.post({ type: 'masks', view: trainer.maskView() });
    this.to(this.holdOnReady ? 'paused' : 'running');
    this.loop();
  }

  private async loadData(config: TrainingConfig, baseUrl: string, gen: number): Promise<RunData> {
    const key = `${config.dataset}:${config.train}`;
    if (this.dataCache?.key === key) return this.dataCache.data;
    const data = await this.deps.loadData(config, baseUrl, {
      progress: (p) => this.post({ type: 'data', ...p }),
      askForCifar: (problem) => this.askForCifar(gen, problem),
    });
    this.dataCache = { key, data };
    return data;
  }

  /** Asks the page for the tarball; a start or reset since `gen` began cancels the question. */
  private askForCifar(gen: number, problem: string | null): Promise<File> {
    if (gen !== this.generation) return Promise.reject(new Cancelled());
    this.post({ type: 'needCifar', problem });
    return new Promise((resolve, reject) => (this.cifarAsk = { resolve, reject }));
  }

  /** Starts the training loop unless it is already going (it then sees the new state itself). */
  private loop(): void {
    if (!this.trainer || this.looping) return;
    // A prediction in flight reads its output before training changes the weights.
    this.looping = this.predicting
      .then(() => this.train())
      .finally(() => {
        this.looping = null;
        this.finishStep = false;
      });
  }

  private async train(): Promise<void> {
    for (;;) {
      const trainer = this.trainer;
      if (!trainer) return;
      try {
        let lastYield = performance.now();
        const epochAtStart = trainer.epoch;
        const updatesAtStart = this.updatesSeen;
        while (!trainer.finished && this.current === 'running') {
          await trainer.step();
          if (
            this.stopAt === 'batch' ||
            (this.stopAt === 'epoch' && trainer.epoch !== epochAtStart) ||
            (this.stopAt === 'update' && this.updatesSeen !== updatesAtStart)
          ) {
            this.stopAt = null;
            // (Unless a start or reset came during the step: the run is stopping anyway.)
            if (this.current === 'running') this.to('paused');
          }
          if (performance.now() - lastYield > 30) {
            await sleep(0);
            lastYield = performance.now();
          }
        }
        if (trainer.finished && this.current === 'running') this.to('paused');
        // Where the run stands exactly (progress is otherwise read every few steps).
        if (!trainer.finished && this.trainer === trainer) await trainer.reportNow();
        this.post(trainer.finished ? { type: 'done' } : { type: 'paused' });
        return;
      } catch (e) {
        if (e instanceof Cancelled) return; // a start or reset stops the run; it frees the device
        // A recovery that fails itself (no new device) reports why instead of the loss.
        const failure = await this.recoverFromDeviceLoss().then(
          (recovered) => (recovered ? null : e),
          (err: unknown) => err,
        );
        if (failure !== null) {
          if (this.current === 'running') this.to('paused');
          this.post(errorMessage(failure));
          return;
        }
      }
    }
  }

  /**
   * When the device was lost, trains on: a new backend of the same kind, a new trainer from
   * the last epoch checkpoint (kept on the CPU), and a notice for the person. False when that
   * is not possible (a backend that cannot be lost, no checkpoint yet); throws, saying so,
   * after too many losses.
   */
  private async recoverFromDeviceLoss(): Promise<boolean> {
    const old = this.trainer;
    const run = this.run;
    if (!old || !run || !old.backend.recoverable) return false;
    const backend = old.backend;
    const gen = this.generation;
    if (this.current === 'running') this.to('recovering');
    let recovered = false;
    try {
      // The loss may be reported a moment after the failing call.
      for (let i = 0; i < 20 && backend.lostReason() === null; i++) await sleep(25);
      const reason = backend.lostReason();
      const checkpoint = old.checkpoint;
      if (reason === null || !checkpoint) return false;
      if (this.recoveries >= MAX_RECOVERIES) throw new Error(lostTooOften(reason));
      this.recoveries++;
      backend.destroy();
      const { backend: fresh } = await this.deps.makeBackend(backend.kind);
      this.trainer = new Trainer(fresh, run.config, run.train, run.test, this.events, {
        keepCheckpoints: true,
        resume: checkpoint,
        subsetEvery: SUBSET_EVERY,
        interrupt: () => this.interrupt(gen),
      });
      this.post({
        type: 'recovered',
        epoch: checkpoint.epoch,
        message:
          `The GPU device was lost (${reason}). Training goes on with a new device from the ` +
          `checkpoint at the end of epoch ${checkpoint.epoch}; the steps after it are repeated.`,
      });
      recovered = true;
      return true;
    } finally {
      if (this.current === 'recovering') this.to(recovered ? 'running' : 'paused');
    }
  }
}
