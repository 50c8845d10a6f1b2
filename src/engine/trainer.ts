import { packBytes, type ImageDataset } from '../data/dataset';
import { expandMask } from '../sparse/blocks';
import { isUpdateStep, pruneRateAt, resolveSparsity, type SparseSettings } from '../sparse/methods';
import { meanActiveMagnitude, normalizeShares } from '../sparse/momentum';
import { maskUpdate, type UpdateLayer } from '../sparse/update';
import { windowAt } from '../sparse/window';
import type { TrainingConfig } from '../config/training';
import { ACCUM_LENGTH, type Backend, type Interrupt, type Op, type Tensor } from './backend';
import { captureParams, restoreParams, type Checkpoint } from './checkpoint';
import {
  DivergedError,
  type EpochMetrics,
  type MaskView,
  type SubsetEval,
  type TrainerEvents,
} from './events';
import { buildModel, type LayerSpec } from './model';
import { ParamStore, type Param } from './params';
import { CONFUSION, evalBatchSize, hyperOf, PROBE } from './plan';
import { softmaxRows } from './predict';
import { Rng } from './rng';
import { RunData } from './runData';
import { readTrained, type TrainedNetwork } from './trained';
import { tracking } from './tracking';
import { StepCache, type Step } from './stepCache';
import { elementMasks, epochLayers, layerSummary, maskView, updateReport } from './views';

export type { Checkpoint } from './checkpoint';
export type { TrainedNetwork } from './trained';
export * from './events';
export { kernelChoice, SPARSE_BELOW, type LayerKernel } from './kernelPolicy';
export { evalBatchSize } from './plan';
export { emptyChannels } from './views';

export interface TrainerOptions {
  /**
   * Keep a CPU copy of the state at every epoch boundary (to survive a lost GPU device, and for
   * the page to save so a reload can resume); each is also reported as a `checkpoint` event.
   */
  keepCheckpoints?: boolean;
  /** Start from a checkpoint instead of a fresh initialisation. */
  resume?: Checkpoint;
  /**
   * Evaluate the fixed sample of test images at step 10 and then every this many steps (the
   * page's early accuracy curve); 0 or absent: never (tests, benchmarks, the CLI).
   */
  subsetEvery?: number;
  /**
   * Asked between slices of every step and evaluation batch (see `Backend.submit`): the worker
   * waits there while paused and cancels there on a reset, even inside one long step.
   */
  interrupt?: Interrupt;
}

/** How often (in steps) the running train loss is read back from the device. */
export const READ_EVERY = 25;

/**
 * Trains one experiment on any Backend. It owns the step loop, evaluation and the
 * end-of-epoch sparse-momentum mask updates; it knows nothing about the UI. What a step runs
 * comes from `planStep` (src/engine/plan), the parameters live in a `ParamStore`.
 */
export class Trainer {
  readonly layers: LayerSpec[];
  readonly sparsity: SparseSettings;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  epoch = 0;
  /** The state at the last epoch boundary, when `keepCheckpoints` is on. */
  checkpoint: Checkpoint | null = null;
  private stepInEpoch = 0;
  private rng: Rng;
  /** Everything this trainer allocated on the backend and has not released. */
  private readonly allocated = new Set<Tensor | Op>();
  /** The backend, counting what this trainer allocates (see `release`). */
  private readonly dev: Backend;
  private readonly keepCheckpoints: boolean;
  private readonly subsetEvery: number;
  private readonly interrupt: Interrupt | undefined;
  private readonly store: ParamStore;
  private readonly data: RunData;
  private readonly evalBatch: number;
  private readonly steps: StepCache;
  private lastStep: Step | null = null;
  /** Prune rate of the last mask update this epoch. */
  private lastRate: number | null = null;
  /** Set between epochs: the next step first shuffles and starts the epoch. */
  private epochPending = true;
  private clock = { epochStart: 0, windowStart: 0, windowSamples: 0 };

  constructor(
    readonly backend: Backend,
    readonly config: TrainingConfig,
    readonly train: ImageDataset,
    readonly test: ImageDataset,
    private readonly events: TrainerEvents = {},
    options: TrainerOptions = {},
  ) {
    this.dev = tracking(backend, this.allocated);
    this.rng = new Rng(config.seed);
    this.keepCheckpoints = options.keepCheckpoints ?? false;
    this.subsetEvery = options.subsetEvery ?? 0;
    this.interrupt = options.interrupt;
    this.sparsity = resolveSparsity(config);
    this.layers = buildModel(
      config.model,
      { height: train.height, width: train.width, channels: train.channels },
      config.hidden,
      train.classes,
    );
    this.evalBatch = evalBatchSize(this.layers, train.features);
    this.stepsPerEpoch = Math.ceil(train.count / config.batch);
    this.totalSteps = this.stepsPerEpoch * config.epochs;
    this.data = new RunData(this.dev, train, test, config.augment);
    this.store = new ParamStore(this.dev, this.layers, this.sparsity, config.kernels, this.rng);
    this.steps = new StepCache(this.dev, () => ({
      model: {
        layers: this.layers,
        weights: this.store.params,
        train,
        test,
        augment: config.augment,
        hyper: hyperOf(config),
      },
      bound: new Map([...this.data.tensors, ...this.store.tensors]),
    }));
    if (options.resume) this.restore(options.resume);
  }

  /** Frees every buffer and op of this trainer (the backend itself stays usable). */
  release(): void {
    this.dev.release([...this.allocated]);
    this.steps.clear();
    this.lastStep = null;
  }

  /** Reads everything needed to resume at this epoch boundary onto the CPU. */
  async captureCheckpoint(): Promise<Checkpoint> {
    if (!this.epochPending) throw new Error('checkpoints are taken between epochs');
    const state = await captureParams(this.dev, this.store);
    return {
      epoch: this.epoch,
      stepsPerEpoch: this.stepsPerEpoch,
      rng: this.rng.state(),
      lastRate: this.lastRate,
      ...state,
    };
  }

  /** Takes the checkpoint of this epoch boundary and reports it. */
  private async keepCheckpoint(): Promise<void> {
    this.checkpoint = await this.captureCheckpoint();
    this.events.checkpoint?.(this.checkpoint);
  }

  /**
   * Everything else an uninterrupted run has at an epoch boundary follows from the checkpoint:
   * the step counter (epoch × steps per epoch, step 0 of the next epoch), the prune schedule and
   * update steps (functions of the global step), the kernels (functions of the masks).
   */
  private restore(c: Checkpoint): void {
    if (c.stepsPerEpoch !== this.stepsPerEpoch)
      throw new Error(
        `the checkpoint is from a run with ${c.stepsPerEpoch} steps an epoch, this one has ${this.stepsPerEpoch}`,
      );
    if (c.epoch >= this.config.epochs)
      throw new Error(
        `the checkpoint is from after epoch ${c.epoch}; this run has ${this.config.epochs}`,
      );
    if (restoreParams(this.dev, this.store, c)) this.dropSteps();
    this.rng = new Rng(this.config.seed, c.rng);
    this.epoch = c.epoch;
    this.lastRate = c.lastRate;
    this.checkpoint = c;
  }

  get finished(): boolean {
    return this.epoch >= this.config.epochs;
  }

  get globalStep(): number {
    return this.epoch * this.stepsPerEpoch + this.stepInEpoch;
  }

  /** Bytes of weight storage on the device: values and indices, or the dense matrix and mask. */
  weightBytes(): { dense: number; stored: number } {
    return this.store.weightBytes();
  }

  /** Each weight layer's kernel now. */
  layerKernels(): ReturnType<ParamStore['layerKernels']> {
    return this.store.layerKernels();
  }

  /** Drops the materialized steps: parameter buffers changed, so they are rebuilt. */
  private dropSteps(): void {
    this.steps.drop();
    this.lastStep = null;
  }

  /**
   * One training step, queued on the device without waiting. Every READ_EVERY steps the
   * running loss is read back; at the end of an epoch it evaluates and updates the masks.
   */
  async step(): Promise<void> {
    if (this.finished) return;
    if (this.epochPending) {
      // The first epoch's (every later one is taken as its predecessor ends).
      if (this.keepCheckpoints && this.checkpoint?.epoch !== this.epoch)
        await this.keepCheckpoint();
      this.data.startEpoch(this.rng);
      this.stepInEpoch = 0;
      const now = performance.now();
      this.clock = { epochStart: now, windowStart: now, windowSamples: 0 };
      this.epochPending = false;
    }
    const offset = this.stepInEpoch * this.config.batch;
    const batch = Math.min(this.config.batch, this.train.count - offset);
    this.data.setCursor(offset);
    // Gradient growth needs the dense gradient of the step before its update only, a momentum
    // window (sparse momentum on sparse kernels) that of its K steps before each update.
    const window = windowAt(this.sparsity, this.globalStep, this.stepsPerEpoch, this.totalSteps);
    if (window === 'start') this.store.clearMissingMomentum();
    const denseGrad =
      window !== 'off' ||
      (this.sparsity.growth === 'gradient' &&
        isUpdateStep(this.sparsity, this.globalStep + 1, this.stepsPerEpoch, this.totalSteps));
    this.lastStep = await this.steps.tuned(batch, denseGrad, this.interrupt);
    await this.dev.submit(this.lastStep.ops, this.interrupt);
    this.stepInEpoch++;
    this.clock.windowSamples += batch;
    const endOfEpoch = this.stepInEpoch === this.stepsPerEpoch;
    const accum =
      this.stepInEpoch % READ_EVERY === 0 || endOfEpoch ? await this.reportProgress() : null;
    if (endOfEpoch) await this.endEpoch(accum!);
    else if (this.updateDue()) await this.updateMasks(await this.readLayers());
    const g = this.globalStep;
    if (this.subsetEvery > 0 && !endOfEpoch && (g === 10 || g % this.subsetEvery === 0))
      await this.evaluateSubset();
  }

  /** Reports where the run stands now (a pause, a Step of one batch), unless a step just did. */
  async reportNow(): Promise<void> {
    if (this.epochPending || this.stepInEpoch === 0 || this.stepInEpoch % READ_EVERY === 0) return;
    await this.reportProgress();
  }

  /** Reads the running metrics, reports them, and returns them (the epoch sums stay). */
  private async reportProgress(): Promise<Float32Array> {
    const sums = this.data.sums(true);
    const accum = (await this.dev.read(sums)) as Float32Array;
    if (!Number.isFinite(accum[3]))
      throw new DivergedError(this.globalStep, this.epoch + 1, this.config.lr);
    this.dev.write(sums, new Float32Array(2), 3);
    const now = performance.now();
    const seconds = (now - this.clock.windowStart) / 1000;
    this.events.progress?.({
      epoch: this.epoch + 1,
      step: this.stepInEpoch,
      stepsPerEpoch: this.stepsPerEpoch,
      globalStep: this.globalStep,
      totalSteps: this.totalSteps,
      trainLoss: accum[4] > 0 ? accum[3] / accum[4] : NaN,
      samplesPerSec: seconds > 0 ? this.clock.windowSamples / seconds : 0,
    });
    this.clock.windowStart = now;
    this.clock.windowSamples = 0;
    return accum;
  }

  /** The ops of the last training step, in order (the benchmark times each one). */
  get stepOps(): readonly Op[] {
    return this.lastStep?.ops ?? [];
  }

  /** Waits until every queued step has run (for timing). */
  async sync(): Promise<void> {
    await this.data.sync();
  }

  /** Test-set loss and accuracy with the current weights. */
  async evaluate(
    count = this.test.count,
  ): Promise<{ loss: number; acc: number; confusion: number[][] }> {
    const sums = this.data.sums(false);
    const counts = this.data.get(CONFUSION);
    this.dev.write(sums, new Float32Array(ACCUM_LENGTH));
    this.dev.write(counts, new Uint32Array(counts.length));
    for (let offset = 0; offset < count; offset += this.evalBatch) {
      const batch = Math.min(this.evalBatch, count - offset);
      this.data.setCursor(offset);
      await this.dev.submit(this.steps.get(batch, false).ops, this.interrupt);
    }
    const a = (await this.dev.read(sums)) as Float32Array;
    const c = Array.from(await this.dev.read(counts));
    const k = this.test.classes;
    const confusion = Array.from({ length: k }, (_, t) => c.slice(t * k, (t + 1) * k));
    return { loss: a[0] / a[2], acc: a[1] / a[2], confusion };
  }

  /**
   * Class probabilities for images laid out like the test set's bytes (one after another),
   * from the evaluation forward pass with the weights of this moment, on this backend.
   */
  async predict(pixels: Uint8Array): Promise<number[][]> {
    return softmaxRows(await this.logits(pixels), this.test.classes);
  }

  /** The network's output before softmax, [images][classes] (what an exported model gives). */
  async logits(pixels: Uint8Array): Promise<Float32Array> {
    const count = pixels.length / this.test.features;
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`predict takes whole images of ${this.test.features} bytes`);
    const step = this.steps.predict(count);
    const tensor = (name: string) => step.tensors.get(name)!;
    this.dev.write(tensor(PROBE.images), packBytes(pixels));
    this.dev.write(
      tensor(PROBE.order),
      Uint32Array.from({ length: count }, (_, i) => i),
    );
    this.data.setCursor(0);
    this.dev.run(step.ops);
    return (await this.dev.read(tensor(step.plan.logits))) as Float32Array;
  }

  /** The network of this moment as plain arrays (the model export reads it). */
  trained(): Promise<TrainedNetwork> {
    const { model } = this.config;
    const at = { epoch: this.epoch, globalStep: this.globalStep };
    return readTrained(this.dev, this.store, {
      model,
      layers: this.layers,
      test: this.test,
      ...at,
    });
  }

  /** Test accuracy on a fixed sample of test images, so a curve moves before an epoch ends. */
  async evaluateSubset(): Promise<SubsetEval> {
    const images = this.data.startSubset(this.evalBatch);
    const { loss, acc } = await this.evaluate(images);
    this.data.endSubset();
    const result = { globalStep: this.globalStep, images, acc, loss };
    this.events.subsetEval?.(result);
    return result;
  }

  private updateDue(): boolean {
    return isUpdateStep(this.sparsity, this.globalStep, this.stepsPerEpoch, this.totalSteps);
  }

  /**
   * Weights, momentum and masks of every layer, plus the dense gradient of this step when the
   * growth mode needs it: the only readback of the parameters, at mask updates and epoch ends.
   */
  private readLayers(): Promise<UpdateLayer[]> {
    const gradient = this.sparsity.growth === 'gradient' && this.updateDue();
    return Promise.all(this.store.params.map((p) => this.readLayer(p, gradient)));
  }

  private async readLayer(p: Param, gradient: boolean): Promise<UpdateLayer> {
    const { w, v } = await this.store.readDense(p);
    const g = this.store.denseGradient(p);
    return {
      name: p.spec.name,
      weights: w,
      momentum: v,
      gradient: gradient && g ? ((await this.dev.read(g)) as Float32Array) : null,
      grid: p.grid,
      unitMask: p.unitMask ?? new Uint8Array(p.grid.units).fill(1),
    };
  }

  /** One mask update on the CPU from the layers just read; the new masks go back to the device. */
  private async updateMasks(states: UpdateLayer[]): Promise<void> {
    const s = this.sparsity;
    const rate = pruneRateAt(s.schedule, this.globalStep, this.totalSteps, this.config.prune_rate);
    const update = maskUpdate(states, {
      rate,
      prune: s.prune,
      growth: s.growth,
      redist: s.redist,
      rng: this.rng,
      structure: s.structure,
      nmGroup: s.nmGroup,
    });
    const params = this.store.params;
    const before = elementMasks(params);
    let changed = false;
    params.forEach((p, i) => {
      const moved = this.store.write(p, update.weights[i], states[i].momentum, update.unitMasks[i]);
      changed = moved || changed;
    });
    if (changed) this.dropSteps();
    if (this.events.masks)
      this.events.masks(
        maskView(params, this.globalStep, before, update.afterPrune, this.fanIn, this.nmGroup),
      );
    this.lastRate = rate;
    const at = { epoch: this.epoch + 1, globalStep: this.globalStep, pruneRate: rate };
    this.events.maskUpdate?.(updateReport(params, update, at));
  }

  /**
   * Fraction of exact zeros in each weight layer's input for the last training batch: after
   * ReLU (and pooling) many activations are 0, a second sparsity a kernel could skip.
   */
  private async inputSparsity(): Promise<{ name: string; zeros: number }[]> {
    const step = this.lastStep;
    if (!step) return [];
    return Promise.all(
      step.plan.inputs.map(async ({ name, tensor }) => {
        const values = await this.dev.read(step.tensors.get(tensor)!);
        let zeros = 0;
        for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
        return { name, zeros: zeros / values.length };
      }),
    );
  }

  private async endEpoch(accum: Float32Array): Promise<void> {
    const trainSeconds = (performance.now() - this.clock.epochStart) / 1000;
    const inputZeros = await this.inputSparsity();
    const { loss: testLoss, acc: testAcc, confusion } = await this.evaluate();
    const states = await this.readLayers();
    const meanMomentum = states.map((st) =>
      meanActiveMagnitude(st.momentum, expandMask(st.unitMask, st.grid)),
    );
    const shares = normalizeShares(meanMomentum);
    if (this.updateDue()) await this.updateMasks(states);
    const layers = epochLayers(this.store.params, this.layerKernels(), meanMomentum, shares);
    const totalActive = layers.reduce((n, l) => n + l.active, 0);
    const totalSize = layers.reduce((n, l) => n + l.size, 0);
    const metrics: EpochMetrics = {
      epoch: this.epoch + 1,
      testAcc,
      testLoss,
      trainAcc: accum[1] / accum[2],
      trainLoss: accum[0] / accum[2],
      density: totalActive / totalSize,
      layers,
      inputZeros,
      pruneRate: this.lastRate,
      confusion,
      seconds: trainSeconds,
      samplesPerSec: this.train.count / trainSeconds,
    };
    this.lastRate = null;
    this.epoch++;
    this.events.epoch?.(metrics);
    this.epochPending = true;
    this.stepInEpoch = 0;
    // At once, not at the next step: a run paused here (or a page reloaded) has it already.
    if (this.keepCheckpoints && !this.finished) await this.keepCheckpoint();
  }

  /** Active weights per layer right now (initial densities before the first update). */
  layerSummary(): ReturnType<typeof layerSummary> {
    return layerSummary(this.store.params, this.layerKernels());
  }

  /** The masks now, marking changes against `before` (the masks before an update). */
  /** Whether the masks keep constant fan-in (the mask view then shows each layer's). */
  private get fanIn(): boolean {
    return this.sparsity.structure === 'fanin' && this.sparsity.density < 1;
  }

  /** M of an N:M run's masks (the mask view then shows each layer's N), else null. */
  private get nmGroup(): number | null {
    const s = this.sparsity;
    return s.structure === 'nm' && s.density < 1 ? s.nmGroup : null;
  }

  maskView(before: (Uint8Array | null)[] = []): MaskView {
    return maskView(this.store.params, this.globalStep, before, [], this.fanIn, this.nmGroup);
  }

  /** Current weights, masks and momentum of every weight layer (for tests and views). */
  async snapshot(): Promise<
    { name: string; weights: Float32Array; momentum: Float32Array; mask: Uint8Array | null }[]
  > {
    return Promise.all(
      this.store.params.map(async (p) => {
        const { w, v } = await this.store.readDense(p);
        const mask = p.unitMask ? expandMask(p.unitMask, p.grid) : null;
        return { name: p.spec.name, weights: w, momentum: v, mask };
      }),
    );
  }
}
