import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import type { ImageDataset } from '../data/dataset';
import { decode } from '../url/params';
import type { Backend, DeviceCosts } from './backend';
import {
  checkFits,
  estimateMemory,
  formatFit,
  TooBigError,
  type MemoryEstimate,
  type MemoryLimits,
} from './memory';
import { buildModel } from './model';
import { evalBatchSize, Trainer } from './trainer';

/**
 * A CPU backend counting the bytes of the tensors and the ops allocated and not yet released,
 * and the longest tensor read back.
 */
function counting(): {
  be: Backend;
  bytes: () => number;
  ops: () => number;
  maxRead: () => number;
} {
  const be: Backend = new CpuBackend();
  let bytes = 0;
  let ops = 0;
  let maxRead = 0;
  const tensor = be.tensor.bind(be);
  const op = be.op.bind(be);
  const read = be.read.bind(be);
  const release = be.release.bind(be);
  be.tensor = (dtype, length) => {
    bytes += 4 * length;
    return tensor(dtype, length);
  };
  be.op = (kernel, args) => {
    ops++;
    return op(kernel, args);
  };
  be.read = (t) => {
    maxRead = Math.max(maxRead, t.length);
    return read(t);
  };
  be.release = (items) => {
    for (const item of items) {
      if ('length' in item) bytes -= 4 * item.length;
      else ops--;
    }
    release(items);
  };
  return { be, bytes: () => bytes, ops: () => ops, maxRead: () => maxRead };
}

/** Costs that make each kind of extra visible: 64 bytes an op, a staging buffer, a placeholder. */
const COSTS: DeviceCosts = {
  tensorBytes: (length) => 4 * length,
  opBytes: () => 64,
  fixedBytes: 16,
  stagingBytes: (length) => 4 * length,
};

function blank(count: number, side: number, channels: number): ImageDataset {
  const features = side * side * channels;
  return {
    name: 'blank',
    count,
    features,
    height: side,
    width: side,
    channels,
    classes: 10,
    classNames: [],
    pixels: new Uint8Array(count * features),
    labels: new Uint8Array(count),
    mean: new Array<number>(channels).fill(0.5),
    std: new Array<number>(channels).fill(0.5),
  };
}

const SQUARE = { height: 28, width: 28, channels: 1 };

describe('memory estimate', () => {
  // Every step the trainer builds is live at the end: one epoch (so no mask update reallocates
  // anything) with a last partial training batch; RigL over two epochs, updating every step
  // until 80% of training, so its dense-gradient steps of both batch sizes are built too (its
  // per-layer counts never move, so the storage stays).
  it.each([
    ['MLP', 'hidden=64,32&density=1&batch=50', 28, 1],
    ['MLP, CSR', 'hidden=64,32&density=0.1&batch=48&kernels=sparse', 28, 1],
    ['MLP, block-CSR (SET)', 'hidden=64,32&density=0.2&batch=50&block=4&method=set', 28, 1],
    [
      'MLP, RigL',
      'hidden=64,32&density=0.1&batch=50&method=rigl&update_every=1&update_until=0.8&epochs=2',
      28,
      1,
    ],
    // Sparse momentum's momentum window over two epochs: the update after the first builds the
    // window's dense-gradient steps of both batch sizes (redist=none keeps the storage).
    [
      'MLP, CSR, momentum window',
      'hidden=64,32&density=0.1&batch=48&kernels=sparse&redist=none&epochs=2',
      28,
      1,
    ],
    // N:M with padded slots (groups of 16 in 784, 64 and 32 inputs; LeNet-5's patches of 25
    // and 150 inputs end in short groups).
    ['MLP, N:M', 'hidden=64,32&density=0.1&batch=48&kernels=sparse&structure=nm', 28, 1],
    ['LeNet-5, N:M', 'model=lenet5&density=0.1&batch=20&structure=nm&nm_group=8', 28, 1],
    ['LeNet-5', 'model=lenet5&density=1&batch=20', 28, 1],
    ['LeNet-5, sparse', 'model=lenet5&density=0.1&batch=20', 28, 1],
    ['VGG', 'model=vgg&batch=20&density=1&augment=1', 32, 3],
    ['VGG, block-CSR', 'model=vgg&batch=20&density=0.3&block=4&kernels=sparse', 32, 3],
  ])(
    'equals what the %s trainer allocates, byte for byte',
    async (_, query, side, channels) => {
      const { config } = decode(query.includes('epochs=') ? query : `${query}&epochs=1`);
      const train = blank(110, side, channels);
      const test = blank(60, side, channels);
      const { be, bytes, ops, maxRead } = counting();
      // With the quick test-sample evaluation on (it must allocate nothing of its own) and
      // checkpoints (they read the most tensors back).
      const trainer = new Trainer(
        be,
        config,
        train,
        test,
        {},
        { subsetEvery: 1, keepCheckpoints: true },
      );
      while (!trainer.finished) await trainer.step();
      const layers = buildModel(
        config.model,
        { height: side, width: side, channels },
        config.hidden,
        10,
      );
      const evalBatch = evalBatchSize(layers, train.features);
      const exact = estimateMemory(layers, config, train, test, evalBatch);
      expect(exact.totalBytes).toBe(bytes());
      // A backend's own buffers: a uniform block for every live op, the placeholder, and a
      // staging buffer as large as the longest tensor the trainer read.
      const costed = estimateMemory(layers, config, train, test, evalBatch, { costs: COSTS });
      expect(costed.totalBytes).toBe(bytes() + 64 * ops() + 16 + 4 * maxRead());
      trainer.release();
      expect(bytes()).toBe(0);
    },
    30_000,
  );

  it('counts the arrays the worker keeps: datasets, two checkpoints, an epoch end readback', async () => {
    const { config } = decode('hidden=64,32&density=0.1&batch=50&epochs=1');
    const [train, test] = [blank(110, 28, 1), blank(60, 28, 1)];
    const trainer = new Trainer(new CpuBackend(), config, train, test, {}, {});
    const checkpoint = await trainer.captureCheckpoint();
    let bytes = 0;
    for (const p of [...checkpoint.params, ...checkpoint.norms])
      for (const a of Object.values(p)) bytes += (a as ArrayBufferView | null)?.byteLength ?? 0;
    const layers = buildModel('mlp', SQUARE, config.hidden, 10);
    const m = estimateMemory(layers, config, train, test, 60, { checkpoints: true });
    const part = (name: string) => m.worker.find((w) => w.name === name)?.bytes;
    expect(part('training images and labels')).toBe(110 * 785);
    expect(part('test images and labels')).toBe(60 * 785);
    expect(part('epoch checkpoint')).toBe(bytes);
    expect(part('next epoch checkpoint (while read)')).toBe(bytes);
    // Dense weights and momentum, the new weights and masks of the update: 14 bytes a weight.
    const weights = 784 * 64 + 64 * 32 + 32 * 10;
    expect(part('weights read back at an epoch end')).toBeGreaterThanOrEqual(14 * weights);
    expect(m.workerBytes).toBe(m.worker.reduce((n, w) => n + w.bytes, 0));
    const plain = estimateMemory(layers, config, train, test, 60);
    expect(plain.worker.map((w) => w.name)).not.toContain('epoch checkpoint');
    trainer.release();
  });

  const limits: MemoryLimits = {
    device: 'this GPU',
    maxBufferSize: 2 ** 30,
    maxStorageBufferBindingSize: 2 ** 27,
    budgetBytes: 2 ** 30,
    workerBudgetBytes: 2 ** 30,
  };
  const refusal = (m: MemoryEstimate, l: MemoryLimits) => {
    try {
      checkFits(m, l);
    } catch (e) {
      expect(e).toBeInstanceOf(TooBigError);
      return (e as Error).message;
    }
    return null;
  };

  it('refuses an experiment over a limit, with both numbers apart and what to reduce', () => {
    const { config } = decode('hidden=4096,4096,4096,4096,4096,4096&density=0.5');
    const train = blank(1000, 28, 1);
    const layers = buildModel('mlp', SQUARE, config.hidden, 10);
    const m = estimateMemory(layers, config, train, blank(100, 28, 1), 1000);
    expect(refusal(m, limits)).toMatch(
      /^This experiment does not fit this GPU: it needs 1\.\d\d GiB of memory for its tensors, more than the app's 1\.00 GiB budget \(largest buffer: fc2 weights, 64\.0 MiB\)\. The weights and what goes with them take \d+% of it: use smaller or fewer hidden layers \(hidden=\)/,
    );
    expect(refusal(m, { ...limits, maxStorageBufferBindingSize: 2 ** 25 })).toMatch(
      /largest buffer \(fc2 weights, 64\.00 MiB\) is larger than the device limit maxStorageBufferBindingSize \(32\.00 MiB\)/,
    );
    expect(refusal(m, { ...limits, budgetBytes: 2 ** 40, workerBudgetBytes: 2 ** 28 })).toMatch(
      /^This experiment does not fit the training worker's memory: it needs [\d.]+ MiB of arrays on the CPU, more than the app's 256\.00 MiB budget .* The weights, read back as dense arrays at any density, take \d+% of it: use smaller or fewer hidden layers \(hidden=\)/,
    );
    const ok = estimateMemory(
      buildModel('mlp', SQUARE, [300, 100], 10),
      decode('').config,
      train,
      train,
      1000,
    );
    expect(refusal(ok, limits)).toBeNull();
  });

  it('never prints a need over its budget as the budget', () => {
    for (const budget of [2 ** 30, 3 * 2 ** 29, 2 ** 24, 1000, 999_999_999])
      for (const over of [1, 1000, 2 ** 20, 5e6]) {
        const [need, limit] = formatFit(budget + over, budget);
        expect(need).not.toBe(limit);
        expect(parseFloat(need)).toBeGreaterThan(parseFloat(limit));
      }
    expect(formatFit(2 ** 30 + 1, 2 ** 30)).toEqual(['1.01 GiB', '1.00 GiB']);
  });

  it('names the batch first when the activations are most of it', () => {
    const { config } = decode('hidden=100&batch=1000&density=1');
    const layers = buildModel('mlp', SQUARE, config.hidden, 10);
    const m = estimateMemory(layers, config, blank(1000, 28, 1), blank(10, 28, 1), 10);
    expect(refusal(m, { ...limits, budgetBytes: 2 ** 20 })).toMatch(
      /The training batch's activations take \d+% of it: use a smaller batch \(batch=\); .* would help less\./,
    );
  });
});
