import type { FromWorker } from '../worker/protocol';
import { useStore } from './store';

/** A message as the worker posts it: each carries the run it belongs to (0: none). */
export type WorkerMessage = FromWorker & { run: number };

/**
 * Applies a worker message to the store unless it belongs to a run the page no longer shows
 * (reset or replaced): a slow worker's last words must not land in the next run's charts. A
 * reset's memory report applies whichever run it follows (it is the leak check). Returns true
 * when the message was the shown run's, for the caller to pass on.
 */
export function applyWorkerMessage(m: WorkerMessage, activeRun: number): boolean {
  if (m.type === 'reset') {
    useStore.getState().setGpuMemory(m.gpu);
    return false;
  }
  if (m.run !== activeRun) return false;
  useStore.getState().receive(m);
  return true;
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
 * messages are applied together every FLUSH_MS, in order; the run filter is checked at
 * apply time against `activeRun()`, so what a reset or a new run made stale never lands.
 * `accepted` hears each message the shown run applied, in order.
 */
export function createInbox(
  activeRun: () => number,
  accepted: (m: WorkerMessage) => void,
  apply: (m: WorkerMessage, activeRun: number) => boolean = applyWorkerMessage,
  schedule: (flush: () => void, ms: number) => unknown = setTimeout,
): Inbox {
  let queue: WorkerMessage[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    // The run is read for each message: an accepted 'done' may start the next queued run.
    for (const m of batch) if (apply(m, activeRun())) accepted(m);
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
