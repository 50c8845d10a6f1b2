import type { FromWorker } from '../worker/protocol';
import { useStore } from './store';

/** A message as the worker posts it: each carries the run it belongs to (0: none). */
export type WorkerMessage = FromWorker & { run: number };

/**
 * Applies worker messages to the store, in order, except those of a run the page no longer
 * shows (reset or replaced): a slow worker's last words must not land in the next run's
 * charts. A reset's memory report applies whichever run it follows (it is the leak check).
 * The shown run's messages go to the store together (`receiveAll`: one update, one render);
 * returns them, for the caller to pass on.
 */
export function applyWorkerMessages(
  messages: readonly WorkerMessage[],
  activeRun: number,
): WorkerMessage[] {
  const shown: WorkerMessage[] = [];
  let pending: WorkerMessage[] = [];
  for (const m of messages) {
    if (m.type === 'reset') {
      // In its place in the order: what came before it lands first.
      useStore.getState().receiveAll(pending);
      pending = [];
      useStore.getState().setGpuMemory(m.gpu);
    } else if (m.run === activeRun) {
      pending.push(m);
      shown.push(m);
    }
  }
  useStore.getState().receiveAll(pending);
  return shown;
}

/** How long worker messages wait to be applied together: the UI redraws 4 times a second. */
export const FLUSH_MS = 250;

/** Messages that end or stop a run: applied at once, with everything queued before them. */
const URGENT = new Set<FromWorker['type']>(['paused', 'done', 'error']);

export interface Inbox {
  /** Queues a message; it is applied, in arrival order, at the next flush. */
  push(m: WorkerMessage): void;
  /** Applies everything queued now, in one synchronous pass (one redraw). */
  flush(): void;
}

/**
 * Coalesces worker messages: a run can post thousands of events a second (a mask update
 * every step), and applying each on arrival redraws every chart for each one. Queued
 * messages are applied together every FLUSH_MS, in order, as one store update; the run
 * filter is checked at apply time against `activeRun()`, so what a reset or a new run made
 * stale never lands. `accepted` hears each message the shown run applied, in order.
 */
export function createInbox(
  activeRun: () => number,
  accepted: (m: WorkerMessage) => void,
  apply: (
    messages: readonly WorkerMessage[],
    activeRun: number,
  ) => WorkerMessage[] = applyWorkerMessages,
  schedule: (flush: () => void, ms: number) => unknown = setTimeout,
): Inbox {
  let queue: WorkerMessage[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    // Applied in runs that end at a 'done': an accepted 'done' may start the next queued run,
    // and the run filter must then see it.
    for (let from = 0; from < batch.length;) {
      let to = from;
      while (to < batch.length - 1 && batch[to].type !== 'done') to++;
      for (const m of apply(batch.slice(from, to + 1), activeRun())) accepted(m);
      from = to + 1;
    }
  };
  return {
    push(m) {
      queue.push(m);
      if (URGENT.has(m.type)) flush();
      else if (!scheduled) {
        scheduled = true;
        schedule(() => {
          if (scheduled) flush();
        }, FLUSH_MS);
      }
    },
    flush,
  };
}
