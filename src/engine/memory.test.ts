import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import type { ImageDataset } from '../data/dataset';
import { decode } from '../url/params';
import type { Backend } from './backend';
import { checkFits, estimateMemory } from './memory';
import { buildModel } from './model';
import { evalBatchSize, Trainer } from './trainer';

/** A CPU backend counting the bytes of the tensors allocated and not yet released. */
function counting(): { be: Backend; bytes: () => number } {
  const be: Backend = new CpuBackend();
  let bytes = 0;
  const tensor = be.tensor.bind(be);
  const release = be.release.bind(be);
  be.tensor = (dtype, length) => {
    bytes += 4 * length;
    return tensor(dtype, length);
  };
  be.release = (items) => {
    for (const item of items) if ('length' in item) bytes -= 4 * item.length;
    release(items);
  };
  return { be, bytes: () => bytes };
}

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

describe('memory estimate', () => {
  // One epoch (so no mask update reallocates anything), with a last partial training batch:
  // every step the trainer builds is live at the end.
  it.each([
    ['MLP', 'hidden=64,32&density=1&batch=50', 28, 1],
    ['MLP, CSR', 'hidden=64,32&density=0.1&batch=48&kernels=sparse', 28, 1],
    ['MLP, block-CSR (SET)', 'hidden=64,32&density=0.2&batch=50&block=4&method=set', 28, 1],
    ['MLP, RigL', 'hidden=64,32&density=0.1&batch=50&method=rigl', 28, 1],
    ['LeNet-5', 'model=lenet5&density=1&batch=20', 28, 1],
    ['LeNet-5, sparse', 'model=lenet5&density=0.1&batch=20', 28, 1],
    ['VGG', 'model=vgg&batch=20&density=1&augment=1', 32, 3],
    ['VGG, block-CSR', 'model=vgg&batch=20&density=0.3&block=4&kernels=sparse', 32, 3],
  ])('equals what the %s trainer allocates, byte for byte', async (_, query, side, channels) => {
    const { config } = decode(`${query}&epochs=1`);
    const train = blank(110, side, channels);
    const test = blank(60, side, channels);
    const { be, bytes } = counting();
    // With the quick test-sample evaluation on: it must allocate nothing of its own.
    const trainer = new Trainer(be, config, train, test, {}, { subsetEvery: 1 });
    while (!trainer.finished) await trainer.step();
    const layers = buildModel(
      config.model,
      { height: side, width: side, channels },
      config.hidden,
      10,
    );
    const estimate = estimateMemory(
      layers,
      config,
      train,
      test,
      evalBatchSize(layers, train.features),
    );
    expect(estimate.totalBytes).toBe(bytes());
    trainer.release();
    expect(bytes()).toBe(0);
  });

  it('refuses an experiment over a limit and names the limit', () => {
    const { config } = decode('hidden=4096,4096,4096,4096,4096,4096&density=0.5');
    const train = blank(1000, 28, 1);
    const layers = buildModel('mlp', { height: 28, width: 28, channels: 1 }, config.hidden, 10);
    const m = estimateMemory(layers, config, train, blank(100, 28, 1), 1000);
    const limits = {
      device: 'this GPU',
      maxBufferSize: 2 ** 30,
      maxStorageBufferBindingSize: 2 ** 27,
      budgetBytes: 2 ** 30,
    };
    expect(checkFits(m, limits)).toMatch(
      /does not fit this GPU: it needs 1\.\d GB of memory, more than the budget of 1\.0 GB \(largest buffer: fc2 weights, 64 MB\)/,
    );
    expect(checkFits(m, { ...limits, maxStorageBufferBindingSize: 2 ** 25 })).toMatch(
      /largest buffer \(fc2 weights, 64 MB\) is larger than the device limit maxStorageBufferBindingSize \(32 MB\)/,
    );
    const small = decode('').config;
    const ok = estimateMemory(
      buildModel('mlp', { height: 28, width: 28, channels: 1 }, [300, 100], 10),
      small,
      train,
      train,
      1000,
    );
    expect(checkFits(ok, limits)).toBeNull();
  });
});
