import { packBytes, type ImageDataset } from '../data/dataset';
import { ACCUM_LENGTH, type Backend, type Tensor } from './backend';
import { packAug } from './augment';
import { accumName, allocate, CURSOR, dataName, dataTensors, subsetSize } from './plan';
import { Rng } from './rng';

/** The quick evaluation's sample is drawn from its own stream, never the run's. */
const SUBSET_SEED = 1000;

/**
 * A run's datasets on the device (uploaded once), the batch cursor and the metric sums, by
 * the names step plans use; and what changes them between steps and epochs.
 */
export class RunData {
  readonly tensors: Map<string, Tensor>;

  constructor(
    private readonly dev: Backend,
    private readonly train: ImageDataset,
    private readonly test: ImageDataset,
    private readonly augment: boolean,
  ) {
    this.tensors = allocate(dev, dataTensors(train, test, augment));
    for (const [split, ds] of [
      ['train', train],
      ['test', test],
    ] as const) {
      dev.write(this.get(dataName(split, 'images')), packBytes(ds.pixels));
      dev.write(this.get(dataName(split, 'labels')), Uint32Array.from(ds.labels));
    }
    const identity = new Uint32Array(test.count);
    for (let i = 0; i < identity.length; i++) identity[i] = i;
    dev.write(this.get(dataName('test', 'order')), identity);
  }

  private subset: Uint32Array | null = null;

  /**
   * Puts the quick evaluation's sample first in the test order and returns its size: about
   * 1,000 test images drawn once from their own seeded stream (never the run's), in whole
   * evaluation batches so it reuses the full evaluation's steps and buffers.
   */
  startSubset(evalBatch: number): number {
    const count = this.test.count;
    this.subset ??= new Rng(SUBSET_SEED).sample(count, subsetSize(count, evalBatch));
    this.dev.write(this.get(dataName('test', 'order')), this.subset);
    return this.subset.length;
  }

  /** The identity order again, so the full evaluation sums in the same order as always. */
  endSubset(): void {
    const prefix = Uint32Array.from({ length: this.subset?.length ?? 0 }, (_, i) => i);
    this.dev.write(this.get(dataName('test', 'order')), prefix);
  }

  get(name: string): Tensor {
    return this.tensors.get(name)!;
  }

  /** The training or evaluation metric sums. */
  sums(training: boolean): Tensor {
    return this.get(accumName(training));
  }

  /** Where the next step's batch starts in the (shuffled) sample order. */
  setCursor(offset: number): void {
    this.dev.write(this.get(CURSOR), Uint32Array.of(offset));
  }

  /** Reads the cursor back: returns once every queued step has run. */
  async sync(): Promise<void> {
    await this.dev.read(this.get(CURSOR));
  }

  /**
   * A new epoch: shuffles the training order, draws each sample's random crop (4-pixel zero
   * padding) and horizontal flip when augmenting, and zeroes the training sums.
   */
  startEpoch(rng: Rng): void {
    const order = new Uint32Array(this.train.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    rng.shuffle(order);
    this.dev.write(this.get(dataName('train', 'order')), order);
    if (this.augment) {
      const words = new Uint32Array(this.train.count);
      for (let i = 0; i < words.length; i++)
        words[i] = packAug(rng.int(9) - 4, rng.int(9) - 4, rng.next() < 0.5);
      this.dev.write(this.get(dataName('train', 'aug')), words);
    }
    this.dev.write(this.sums(true), new Float32Array(ACCUM_LENGTH));
  }
}
