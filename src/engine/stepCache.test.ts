import { describe, expect, it, vi } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import { decode } from '../url/params';
import type { KernelArgs, KernelName } from './backend';
import { StepCache } from './stepCache';
import { toyData } from './toyData';
import { Trainer } from './trainer';

/** A CPU backend that "tunes" like the GPU: each shape once, then it is known. */
class TuningCpu extends CpuBackend {
  readonly shapes = new Set<string>();
  tune<K extends KernelName>(kernel: K, args: KernelArgs[K]): Promise<boolean> {
    // Its sizes, as the GPU's tuner keys a shape (tensors differ at every rebuild).
    const sizes = Object.entries(args as Record<string, unknown>).filter(
      ([, v]) => typeof v === 'number',
    );
    const key = `${kernel}|${JSON.stringify(sizes)}`;
    if (this.shapes.has(key)) return Promise.resolve(false);
    this.shapes.add(key);
    return Promise.resolve(true);
  }
}

describe('StepCache with an autotuning backend', () => {
  it('rebuilds steps only when a shape is newly tuned, not at every new batch size', async () => {
    const drop = vi.spyOn(StepCache.prototype, 'drop');
    // 110 images in batches of 20: a full step and a last partial one (10) every epoch.
    const { config } = decode('hidden=16,8&density=1&epochs=4&batch=20&train=110');
    const trainer = new Trainer(new TuningCpu(), config, toyData(110, 1), toyData(40, 2), {});
    while (!trainer.finished) await trainer.step();
    // Once for the full batch's shapes and once for the partial batch's, in the first epoch.
    expect(drop.mock.calls.length).toBe(2);
    drop.mockRestore();
  });
});
