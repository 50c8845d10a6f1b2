import { beforeEach, describe, expect, it } from 'vitest';
import type { MaskUpdateEvent } from '../engine/trainer';
import { createInbox, FLUSH_MS, type WorkerMessage } from './inbox';
import { useStore } from './store';

const progress = (run: number, globalStep: number): WorkerMessage => ({
  ...{ type: 'progress', run, epoch: 1, step: globalStep, stepsPerEpoch: 6000 },
  ...{ globalStep, totalSteps: 6000, trainLoss: 1 / globalStep, samplesPerSec: 100 },
});
const maskUpdate = (run: number, globalStep: number): WorkerMessage => ({
  type: 'maskUpdate',
  run,
  update: { epoch: 1, globalStep, pruneRate: 0.3, layers: [] } as MaskUpdateEvent,
});

/** An inbox whose timer the test fires by hand. */
function manualInbox(activeRun: () => number) {
  const timers: { fire: () => void; ms: number }[] = [];
  const accepted: WorkerMessage[] = [];
  const inbox = createInbox(
    activeRun,
    (m) => accepted.push(m),
    undefined,
    (fire, ms) => timers.push({ fire, ms }),
  );
  return { inbox, timers, accepted };
}

beforeEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  useStore.getState().beginRun();
});

describe('createInbox', () => {
  it('applies a storm of messages in one pass at the next flush, in arrival order', () => {
    const { inbox, timers, accepted } = manualInbox(() => 1);
    let changes = 0;
    const unsubscribe = useStore.subscribe(() => changes++);
    const messages = Array.from({ length: 1000 }, (_, i) =>
      i % 2 ? maskUpdate(1, i + 1) : progress(1, i + 1),
    );
    for (const m of messages) inbox.push(m);
    // Nothing reached the store yet: a thousand events cost one timer, not a thousand redraws.
    expect(changes).toBe(0);
    expect(useStore.getState().steps).toEqual([]);
    expect(timers).toHaveLength(1);
    expect(timers[0].ms).toBe(FLUSH_MS);
    timers[0].fire();
    unsubscribe();
    const s = useStore.getState();
    expect(s.steps.map((p) => p.globalStep)).toEqual(
      messages.flatMap((m) => (m.type === 'progress' ? [m.globalStep] : [])),
    );
    expect(s.maskUpdates.map((u) => u.globalStep)).toEqual(
      Array.from({ length: 500 }, (_, i) => 2 * i + 2),
    );
    expect(s.progress?.globalStep).toBe(999);
    expect(accepted).toEqual(messages);
    // One store update for the whole batch: React renders it once.
    expect(changes).toBe(1);
    // The next message starts the next batch.
    inbox.push(progress(1, 1001));
    expect(timers).toHaveLength(2);
  });

  it('applies "paused", "done" and "error" at once, after everything queued before them', () => {
    const { inbox, timers, accepted } = manualInbox(() => 1);
    inbox.push(progress(1, 1));
    inbox.push(maskUpdate(1, 1));
    inbox.push({ type: 'done', run: 1 });
    expect(accepted.map((m) => m.type)).toEqual(['progress', 'maskUpdate', 'done']);
    expect(useStore.getState().status).toBe('done');
    expect(useStore.getState().steps).toHaveLength(1);
    // The timer set by the first message finds nothing left to do.
    timers[0].fire();
    expect(accepted).toHaveLength(3);
  });

  it('checks the run when it applies: a reset or a new run drops what was queued', () => {
    let run = 1;
    const { inbox, timers, accepted } = manualInbox(() => run);
    inbox.push(progress(1, 1));
    inbox.push({ type: 'reset', run: 0, gpu: { buffers: 0, bytes: 0 } });
    inbox.push(progress(2, 5));
    run = 2;
    timers[0].fire();
    expect(accepted).toEqual([progress(2, 5)]);
    expect(useStore.getState().steps.map((p) => p.globalStep)).toEqual([5]);
    // A reset's memory report applies whichever run it follows.
    expect(useStore.getState().gpuMemory).toEqual({ buffers: 0, bytes: 0 });
  });
});
