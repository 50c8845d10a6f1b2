import { describe, expect, it } from 'vitest';
import { trainingPart } from '../config';
import { CpuBackend } from '../cpu/backend';
import type { ImageDataset } from '../data/dataset';
import { toyImages } from '../engine/toyData';
import { decode } from '../url/params';
import { NO_NETWORK, PAUSE_FIRST } from './predict';
import type { ToWorker, WorkerPost } from './protocol';
import { TrainingSession } from './session';

type Posted = WorkerPost & { run: number };
type Answer = Posted & { type: 'prediction' };

/** A session on the CPU over 28x28 grey images (MNIST's shape) or 8x8 colour ones. */
function setup(test: ImageDataset = toyImages(40, 2, 28, 1), onPost?: (m: Posted) => void) {
  const posted: Posted[] = [];
  const train = toyImages(60, 1, test.height, test.channels);
  const session = new TrainingSession({
    post: (m) => {
      posted.push(m);
      onPost?.(m);
    },
    makeBackend: () => Promise.resolve({ backend: new CpuBackend(), notice: null }),
    loadData: () => Promise.resolve({ train, test }),
    deviceMemory: () => ({ buffers: 0, bytes: 0 }),
  });
  const until = async (found: (m: Posted) => boolean) => {
    for (let i = 0; i < 2000; i++) {
      const m = posted.find(found);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`not posted; got ${posted.map((p) => p.type).join(' ')}`);
  };
  const start = (query = 'hidden=16&epochs=2&batch=20&lr=0.05') =>
    session.handle({
      type: 'start',
      config: trainingPart(decode(query).config),
      baseUrl: 'http://test/',
      run: 1,
      stopAt: null,
    });
  /** Sends a request and waits for its answer. */
  const ask = async (m: ToWorker & { id: number }) => {
    session.handle(m);
    return (await until((p) => p.type === 'prediction' && p.id === m.id)) as Answer;
  };
  return { session, posted, until, start, ask, test };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('TrainingSession: trying the network', () => {
  it('refuses before any run and while training, saying what to do', async () => {
    const t = setup(undefined, (m) => {
      if (m.type === 'progress') t.session.handle({ type: 'predictTest', id: 2, index: 0 });
    });
    expect(await t.ask({ type: 'predictTest', id: 1, index: 0 })).toMatchObject({
      prediction: null,
      refused: NO_NETWORK,
    });
    t.start();
    expect(await t.until((m) => m.type === 'prediction' && m.id === 2)).toMatchObject({
      prediction: null,
      refused: PAUSE_FIRST,
    });
    await t.until((m) => m.type === 'done');
  });

  it('after the last epoch: a test image with its true label, and the same bytes drawn give the same answer', async () => {
    const t = setup();
    t.start();
    await t.until((m) => m.type === 'done');
    const { prediction, refused } = await t.ask({ type: 'predictTest', id: 3, index: 5 });
    expect(refused).toBeNull();
    const p = prediction!;
    expect(p.test).toMatchObject({ index: 5, count: 40, label: t.test.labels[5], height: 28 });
    expect(p.test!.pixels).toEqual(t.test.pixels.slice(5 * 784, 6 * 784));
    expect(p.probabilities).toHaveLength(4);
    expect(Math.abs(sum(p.probabilities) - 1)).toBeLessThan(1e-6);
    expect(p.globalStep).toBe(6);
    expect(p.classNames).toEqual(t.test.classNames);
    const drawn = await t.ask({ type: 'predict', id: 4, pixels: p.test!.pixels });
    expect(drawn.prediction).toMatchObject({ probabilities: p.probabilities, test: null });
    const random = await t.ask({ type: 'predictTest', id: 5, index: null });
    expect(random.prediction!.test!.index).toBeGreaterThanOrEqual(0);
    expect(random.prediction!.test!.index).toBeLessThan(40);
  });

  it('answers during a pause with the weights of that moment, then trains on to the end', async () => {
    let paused = false;
    const t = setup(undefined, (m) => {
      if (m.type === 'progress' && !paused) {
        paused = true;
        t.session.handle({ type: 'pause' });
      }
    });
    t.start('hidden=16&epochs=3&batch=2&lr=0.05');
    await t.until((m) => m.type === 'paused');
    const progress = t.posted.filter((m) => m.type === 'progress').at(-1)!;
    const answer = await t.ask({ type: 'predictTest', id: 6, index: 1 });
    expect(answer.prediction!.globalStep).toBe(progress.globalStep);
    t.session.handle({ type: 'resume', stopAt: null });
    await t.until((m) => m.type === 'done');
    const later = await t.ask({ type: 'predictTest', id: 7, index: 1 });
    expect(later.prediction!.globalStep).toBe(90);
    expect(later.prediction!.probabilities).not.toEqual(answer.prediction!.probabilities);
  });

  it('refuses a test image that does not exist, a drawing of the wrong size, and after a reset', async () => {
    const t = setup();
    t.start();
    await t.until((m) => m.type === 'done');
    expect((await t.ask({ type: 'predictTest', id: 8, index: 40 })).refused).toBe(
      'There is no test image 40: the test set has 40 images, numbered 0 to 39.',
    );
    expect((await t.ask({ type: 'predictTest', id: 9, index: 1.5 })).refused).toMatch(
      /no test image 1.5/,
    );
    expect((await t.ask({ type: 'predict', id: 10, pixels: new Uint8Array(100) })).refused).toBe(
      'A drawn digit is 784 bytes (28x28); this one has 100.',
    );
    t.session.handle({ type: 'reset' });
    await t.until((m) => m.type === 'reset');
    expect((await t.ask({ type: 'predictTest', id: 11, index: 0 })).refused).toBe(NO_NETWORK);
  });

  it('a colour network takes test images but not drawings', async () => {
    const t = setup(toyImages(20, 2, 8, 3));
    t.start('model=vgg&epochs=1&batch=20&lr=0.05');
    await t.until((m) => m.type === 'done');
    const drawn = await t.ask({ type: 'predict', id: 12, pixels: new Uint8Array(784) });
    expect(drawn.refused).toMatch(/^Drawing is for MNIST's 28x28 grey digits; .* 8x8 colour/);
    const picked = await t.ask({ type: 'predictTest', id: 13, index: 3 });
    expect(picked.prediction!.test).toMatchObject({ index: 3, channels: 3 });
  });
});
