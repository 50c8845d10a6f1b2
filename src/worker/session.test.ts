import { describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { CpuBackend } from '../cpu/backend';
import type { Backend } from '../engine/backend';
import type { Checkpoint } from '../engine/checkpoint';
import { checkFits, estimateMemory } from '../engine/memory';
import { buildModel } from '../engine/model';
import { evalBatchSize } from '../engine/trainer';
import { decode } from '../url/params';
import { fallbackFactory, type BackendFactory } from './backends';
import type { StopAt, WorkerPost } from './protocol';
import { toyData } from './toyData';
import {
  MAX_RECOVERIES,
  MEMORY_BUDGET,
  TrainingSession,
  WORKER_MEMORY_BUDGET,
  type DataLoader,
} from './session';

type Posted = WorkerPost & { run: number };

/** A CPU backend that can be lost like a GPU device: after `loseDevice` every run and read throws. */
function losable(inner = new CpuBackend()): Backend & { destroyed: boolean } {
  let lost: string | null = null;
  const extra = {
    recoverable: true,
    destroyed: false,
    lostReason: () => lost,
    loseDevice: () => void (lost = 'destroyed'),
    run: (ops: Parameters<Backend['run']>[0]) => {
      if (lost) throw new Error('The GPU device was lost (destroyed)');
      inner.run(ops);
    },
    read: (tensor: Parameters<Backend['read']>[0]) =>
      lost ? Promise.reject(new Error('The GPU device was lost (destroyed)')) : inner.read(tensor),
    destroy: () => void (extra.destroyed = true),
  };
  return new Proxy(inner, {
    get: (target, key) => {
      if (key in extra) return extra[key as keyof typeof extra];
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as () => unknown).bind(target) : v;
    },
  }) as unknown as Backend & { destroyed: boolean };
}

const destroyed = (b: Backend) => (b as unknown as { destroyed: boolean }).destroyed;

const QUERY = 'hidden=16,8&density=0.25&epochs=3&batch=20&lr=0.05&train=300';
const toyLoader: DataLoader = () =>
  Promise.resolve({ train: toyData(300, 1), test: toyData(200, 2) });

function setup(
  options: {
    makeBackend?: BackendFactory;
    loadData?: DataLoader;
    onPost?: (m: Posted) => void;
  } = {},
) {
  const posted: Posted[] = [];
  const backends: Backend[] = [];
  let loads = 0;
  const session = new TrainingSession({
    post: (m) => {
      posted.push(m);
      options.onPost?.(m);
    },
    makeBackend: async (choice) => {
      const made = await (
        options.makeBackend ??
        fallbackFactory(
          () => Promise.reject(new Error('no GPU in node')),
          () => new CpuBackend(),
        )
      )(choice);
      backends.push(made.backend);
      return made;
    },
    loadData: (...args) => {
      loads++;
      return (options.loadData ?? toyLoader)(...args);
    },
    deviceMemory: () => ({ buffers: 0, bytes: 0 }),
  });
  /** Waits until a message of `type` (of run `run`, if given) has been posted. */
  const until = async (type: Posted['type'], run?: number) => {
    for (let i = 0; i < 2000; i++) {
      const m = posted.find((p) => p.type === type && (run === undefined || p.run === run));
      if (m) return m;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no "${type}" message; got ${posted.map((p) => p.type).join(' ')}`);
  };
  const start = (query = QUERY, run = 1, stopAt: StopAt | null = null, resume?: Checkpoint) =>
    session.handle({
      type: 'start',
      config: trainingPart(decode(query).config),
      baseUrl: 'http://test/',
      run,
      stopAt,
      resume,
    });
  const types = () => posted.map((p) => p.type);
  return { session, posted, backends, until, start, types, loads: () => loads };
}

/** The checkpoint a run of QUERY posts after epoch 1, as the page stored it (a clone). */
async function checkpointAfterEpoch1(): Promise<Checkpoint> {
  const first = setup();
  first.start(QUERY, 1, 'epoch');
  await first.until('paused');
  const saved = first.posted.find((m) => m.type === 'checkpoint');
  if (saved?.type !== 'checkpoint') throw new Error('no checkpoint');
  return structuredClone(saved.checkpoint);
}

describe('TrainingSession', () => {
  it('starts: samples, ready, masks, progress and epochs, then done', async () => {
    const t = setup();
    t.start();
    expect(t.session.state).toBe('idle'); // the start waits for the previous run to let go
    await t.until('done');
    const types = t.types();
    expect(types.slice(0, 3)).toEqual(['samples', 'ready', 'masks']);
    // The quick test-sample accuracy comes at step 10, before the first epoch ends.
    const sample = t.posted.find((m) => m.type === 'subsetEval');
    expect(sample).toMatchObject({ globalStep: 10, images: expect.any(Number) });
    expect(types.indexOf('subsetEval')).toBeLessThan(types.indexOf('epoch'));
    expect(types.filter((x) => x === 'epoch')).toHaveLength(3);
    expect(types.filter((x) => x === 'maskUpdate')).toHaveLength(2);
    expect(types.at(-1)).toBe('done');
    expect(t.posted.every((m) => m.run === 1)).toBe(true);
    const ready = t.posted[1] as Extract<Posted, { type: 'ready' }>;
    expect(ready).toMatchObject({ backend: 'cpu', stepsPerEpoch: 15, totalSteps: 45 });
    expect(ready.notice).toMatch(/^WebGPU is not available \(no GPU in node\)/);
    const epoch = t.posted.find((m) => m.type === 'epoch') as Extract<Posted, { type: 'epoch' }>;
    expect(epoch.gpu).toBeNull(); // the CPU backend holds no device memory
    expect(t.session.state).toBe('paused');
  });

  it('pauses at once and resumes where it stopped', async () => {
    let paused = false;
    const t = setup({
      onPost: (m) => {
        if (m.type === 'progress' && !paused) {
          paused = true;
          t.session.handle({ type: 'pause' });
        }
      },
    });
    t.start();
    await t.until('paused');
    expect(t.session.state).toBe('paused');
    const steps = t.posted.filter((m) => m.type === 'progress').length;
    expect(steps).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.posted.filter((m) => m.type === 'progress')).toHaveLength(steps);
    t.session.handle({ type: 'resume', stopAt: null });
    expect(t.session.state).toBe('running');
    await t.until('done');
    // Progress is read at every epoch end here (15 steps, fewer than READ_EVERY): none is lost.
    const progress = t.posted.filter((m) => m.type === 'progress');
    expect(progress.map((p) => p.globalStep)).toEqual([15, 30, 45]);
  });

  it('a Step trains exactly one mini-batch and reports where the run stands', async () => {
    const t = setup();
    t.start(QUERY, 1, 'batch');
    await t.until('paused');
    const steps = () => t.posted.flatMap((m) => (m.type === 'progress' ? [m.globalStep] : []));
    expect(steps()).toEqual([1]);
    t.session.handle({ type: 'resume', stopAt: 'batch' });
    for (let i = 0; i < 400 && t.types().filter((x) => x === 'paused').length < 2; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(steps()).toEqual([1, 2]);
    expect(t.posted.filter((m) => m.type === 'progress').at(-1)).toMatchObject({
      epoch: 1,
      step: 2,
    });
  });

  it('steps to the end of an epoch, then to the next mask update', async () => {
    const t = setup();
    t.start(QUERY, 1, 'epoch');
    await t.until('paused');
    expect(t.types().filter((x) => x === 'epoch')).toHaveLength(1);
    expect(t.types().at(-1)).toBe('paused');
    const epoch = t.posted.find((m) => m.type === 'epoch') as Extract<Posted, { type: 'epoch' }>;
    expect(epoch.metrics.epoch).toBe(1);
    t.posted.length = 0;
    t.session.handle({ type: 'resume', stopAt: 'update' });
    await t.until('paused');
    expect(t.types().filter((x) => x === 'maskUpdate')).toHaveLength(1);
    expect(t.types().filter((x) => x === 'epoch')).toHaveLength(1);
  });

  it('a reset during a run stops it, frees the backend and posts reset with run 0', async () => {
    let reset = false;
    const t = setup({
      makeBackend: () => Promise.resolve({ backend: losable(), notice: null }),
      onPost: (m) => {
        if (m.type === 'progress' && !reset) {
          reset = true;
          t.session.handle({ type: 'reset' });
        }
      },
    });
    t.start();
    expect(t.session.state).toBe('idle');
    const posted = await t.until('reset');
    expect(posted).toEqual({ type: 'reset', gpu: { buffers: 0, bytes: 0 }, run: 0 });
    expect(t.types().slice(-2)).toEqual(['paused', 'reset']);
    expect(t.posted.filter((m) => m.type === 'progress')).toHaveLength(1);
    expect(t.posted.filter((m) => m.type === 'epoch')).toHaveLength(1); // the step in flight ends
    expect(t.session.state).toBe('idle');
    expect(t.backends.map((b) => destroyed(b))).toEqual([true]);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.types().at(-1)).toBe('reset');
  });

  it("a reset in the step that reaches a Step's stopping point stops the run quietly", async () => {
    const t = setup({
      onPost: (m) => {
        if (m.type === 'epoch') t.session.handle({ type: 'reset' });
      },
    });
    t.start(QUERY, 1, 'epoch');
    await t.until('reset');
    expect(t.types().slice(-2)).toEqual(['paused', 'reset']);
    expect(t.types()).not.toContain('error');
    expect(t.session.state).toBe('idle');
  });

  it('labels every message with its run, so a replaced run is recognisably stale', async () => {
    let replaced = false;
    const t = setup({
      onPost: (m) => {
        if (m.type === 'progress' && !replaced) {
          replaced = true;
          t.start(QUERY, 2);
        }
      },
    });
    t.start(QUERY, 1);
    await t.until('done', 2);
    const first = t.posted.findIndex((m) => m.run === 2);
    expect(t.posted.slice(0, first).map((m) => `${m.type}:${m.run}`)).toEqual([
      'samples:1',
      'ready:1',
      'masks:1',
      'subsetEval:1',
      'progress:1',
      // The step in flight when run 2 was asked for ends its epoch, then the loop stops.
      'masks:1',
      'maskUpdate:1',
      'epoch:1',
      'checkpoint:1',
      'paused:1',
    ]);
    expect(t.posted.slice(first).every((m) => m.run === 2)).toBe(true);
    expect(t.loads()).toBe(1); // the second start reuses the datasets
  });

  it('refuses a configuration that does not fit before allocating anything', async () => {
    const big = 'model=mlp&hidden=4096,4096,4096,4096,4096,4096&method=dense&batch=300&train=300';
    const config = trainingPart(decode(big).config);
    const [train, test] = [toyData(300, 1), toyData(200, 2)];
    const layers = buildModel(config.model, train, config.hidden, train.classes);
    const estimate = estimateMemory(layers, config, train, test, evalBatchSize(layers, 32));
    const cpu = new CpuBackend();
    const limits = {
      ...cpu.limits(),
      budgetBytes: MEMORY_BUDGET,
      workerBudgetBytes: WORKER_MEMORY_BUDGET,
    };
    const expected = (() => {
      try {
        checkFits(estimate, limits);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(expected).toMatch(/does not fit the CPU backend/);
    let tensors = 0;
    const counting = new Proxy(cpu, {
      get: (target, key) =>
        key === 'tensor'
          ? (...a: Parameters<CpuBackend['tensor']>) => (tensors++, target.tensor(...a))
          : (Reflect.get(target, key) as unknown),
    });
    const t = setup({
      makeBackend: () => Promise.resolve({ backend: counting, notice: null }),
      loadData: () => Promise.resolve({ train, test }),
    });
    t.start(big);
    // A refusal says so in its reason, for a driver that does not read the words.
    expect(await t.until('error')).toEqual({
      type: 'error',
      message: expected,
      reason: 'too-big',
      run: 1,
    });
    expect(tensors).toBe(0);
    expect(t.types()).toEqual(['samples', 'error']);
    expect(t.session.state).toBe('idle');
  });

  it('reports a diverged run with its reason', async () => {
    const t = setup();
    t.start('hidden=16,8&density=0.25&epochs=3&batch=20&train=300&lr=50');
    expect(await t.until('error')).toMatchObject({
      message: expect.stringContaining('Training diverged'),
      reason: 'diverged',
    });
  });

  it('falls back to the CPU with a notice for auto, and reports the failure for webgpu', async () => {
    const t = setup();
    t.start(`${QUERY}&backend=webgpu`);
    expect(await t.until('error')).toEqual({
      type: 'error',
      message: 'no GPU in node',
      reason: 'failed',
      run: 1,
    });
    expect(t.types()).not.toContain('ready');
    const cpu = setup();
    cpu.start(`${QUERY}&backend=cpu`);
    expect(await cpu.until('ready')).toMatchObject({ backend: 'cpu', notice: null });
  });

  it('a new start cancels a pending CIFAR-10 question without an error', async () => {
    const asked: (string | null)[] = [];
    const t = setup({
      loadData: async (config, _base, hooks) => {
        if (config.dataset !== 'cifar10') return toyLoader(config, _base, hooks);
        asked.push(null);
        await hooks.askForCifar(null);
        throw new Error('unreachable: the question was cancelled');
      },
    });
    t.start('dataset=cifar10&train=300', 1);
    await t.until('needCifar');
    expect(t.session.state).toBe('loading');
    t.start(QUERY, 2);
    await t.until('done', 2);
    expect(asked).toHaveLength(1);
    expect(t.types()).not.toContain('error');
  });

  it('recovers from a lost device from the last checkpoint, at most three times', async () => {
    let losses = 0;
    const t = setup({
      makeBackend: () => Promise.resolve({ backend: losable(), notice: null }),
      onPost: (m) => {
        // Lose the device in the last step of epoch 2, every time it is reached again.
        if (m.type === 'progress' && m.epoch === 2) {
          losses++;
          t.session.handle({ type: 'loseDevice' });
        }
      },
    });
    t.start();
    const error = await t.until('error');
    const recovered = t.posted.filter((m) => m.type === 'recovered');
    expect(recovered).toHaveLength(MAX_RECOVERIES);
    expect(recovered[0]).toMatchObject({ epoch: 1, run: 1 });
    expect(recovered[0]).toHaveProperty('message', expect.stringMatching(/lost \(destroyed\)/));
    expect(losses).toBe(MAX_RECOVERIES + 1);
    // Past the limit the run stops saying so (not with the failing call's raw message).
    const message = (error as { message: string }).message;
    expect(message).toContain(
      `The GPU device was lost ${MAX_RECOVERIES + 1} times in this run (last: destroyed)`,
    );
    expect(message).toContain(`after ${MAX_RECOVERIES} recoveries`);
    expect(message).toMatch(/close other GPU-heavy tabs/i);
    expect(message).toMatch(/smaller experiment/);
    expect(message).toContain('backend=cpu');
    expect(t.backends).toHaveLength(MAX_RECOVERIES + 1);
    expect(t.backends.slice(0, MAX_RECOVERIES).every((b) => destroyed(b))).toBe(true);
    expect(t.session.state).toBe('paused');
  });

  it('trains to the end after a single device loss', async () => {
    let lost = false;
    const t = setup({
      makeBackend: () => Promise.resolve({ backend: losable(), notice: null }),
      onPost: (m) => {
        if (m.type === 'progress' && m.epoch === 2 && !lost) {
          lost = true;
          t.session.handle({ type: 'loseDevice' });
        }
      },
    });
    t.start();
    await t.until('done');
    expect(t.posted.filter((m) => m.type === 'recovered')).toMatchObject([{ epoch: 1 }]);
    const epochs = t.posted.filter((m) => m.type === 'epoch').map((m) => m.metrics.epoch);
    expect(epochs).toEqual([1, 2, 3]);
  });

  it('posts a checkpoint after each epoch but the last; a new session resumes it exactly', async () => {
    const strip = (m: Posted) =>
      m.type === 'epoch' ? { ...m.metrics, seconds: 0, samplesPerSec: 0 } : null;
    const full = setup();
    full.start();
    await full.until('done');
    const epochs = full.posted.filter((m) => m.type === 'epoch').map(strip);
    const kept = full.posted.filter((m) => m.type === 'checkpoint');
    expect(kept.map((m) => m.checkpoint.epoch)).toEqual([1, 2]);

    // A run stopped after epoch 1 (the page reloaded), resumed by a fresh worker from the
    // checkpoint as the page stored it.
    const again = setup();
    again.start(QUERY, 1, null, await checkpointAfterEpoch1());
    await again.until('done');
    const resumed = again.posted.filter((m) => m.type === 'epoch').map(strip);
    expect(resumed).toEqual(epochs.slice(1));
    // The step counter goes on from the checkpoint: 15 steps an epoch, read at epoch ends.
    const progress = again.posted.find((m) => m.type === 'progress');
    expect(progress).toMatchObject({ epoch: 2, step: 15, globalStep: 30, totalSteps: 45 });
  });

  it('refuses a checkpoint of another experiment with a message, and stays usable', async () => {
    const t = setup();
    t.start(QUERY.replace('hidden=16,8', 'hidden=12'), 1, null, await checkpointAfterEpoch1());
    const error = await t.until('error');
    expect(error).toHaveProperty(
      'message',
      'The saved run could not be resumed: the checkpoint belongs to a different model.',
    );
    t.start(QUERY, 2);
    await t.until('done', 2);
  });

  it('crashes on request (the test aid behind the crash page)', () => {
    expect(() => setup().session.handle({ type: 'crash' })).toThrow(/asked to crash/);
  });
});
