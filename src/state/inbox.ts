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
