import type { Interrupt } from '../engine/backend';

/**
 * Runs the CPU backend's ops without holding the worker's thread: a Pause or Reset message is
 * only seen when the JavaScript yields, and one matmul of a wide layer can take many seconds.
 * The heavy kernels split into ranges of rows (`Slices`), run in order, so the arithmetic is
 * exactly the unsplit kernel's; after every slice of work the executor yields to the event loop
 * and calls the interrupt, which waits while paused or throws to cancel.
 */

/** One kernel invocation's work as rows run in order: `run(a, b)` then `run(b, c)` is `run(a, c)`. */
export interface Slices {
  readonly rows: number;
  run(from: number, to: number): void;
}

/** Runs all of an invocation's rows at once (the whole kernel, as `Backend.run` does). */
export function runSlices(s: Slices): void {
  s.run(0, s.rows);
}

/**
 * The slices of an invocation whose rows `rowsOf(a, from, to)` computes. The loop stays in a
 * plain function of its arguments (the whole-kernel twin calls it for all rows): V8 runs a hot
 * loop over a closure's captured arrays markedly slower than over its own locals.
 */
export function split<A>(
  a: A,
  rows: number,
  rowsOf: (a: A, from: number, to: number) => void,
): Slices {
  return { rows, run: (from, to) => rowsOf(a, from, to) };
}

/** How work is paced: the time between yields, and the time one chunk of rows aims at (ms). */
export interface Pacing {
  sliceMs: number;
  chunkMs: number;
}

/** About 25 chances a second to see a message, at a few percent of the time. */
export const PACING: Pacing = { sliceMs: 40, chunkMs: 8 };

/**
 * Lets the event loop run queued tasks (the worker's messages) and comes back at once: a
 * message round trip, which (unlike a nested `setTimeout(0)`) is not clamped to 4 ms.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** A unit of work: runs an unsplit op and returns null, or returns the op's rows to run. */
export type Job = () => Slices | null;

/** Rows in the next chunk, so that one takes about `chunkMs` (at least 1, growing at most 8x). */
function nextChunk(rows: number, ms: number, chunkMs: number): number {
  const scaled = Math.round((rows * chunkMs) / Math.max(ms, 0.01));
  return Math.max(1, Math.min(rows * 8, scaled));
}

/**
 * Runs the jobs in order, yielding and asking `interrupt` once at least `sliceMs` of work ran
 * since the last time. A pause (the interrupt waits) resumes at the very row where it stopped;
 * a cancel (it throws) leaves the rest undone and rejects with its error.
 */
export async function runPaced(
  jobs: readonly Job[],
  interrupt: Interrupt | undefined,
  pacing: Pacing = PACING,
): Promise<void> {
  let since = performance.now();
  const breathe = async () => {
    if (performance.now() - since < pacing.sliceMs) return;
    await yieldToEventLoop();
    await interrupt?.();
    since = performance.now();
  };
  for (const job of jobs) {
    const slices = job();
    if (slices) {
      let chunk = 1;
      for (let at = 0; at < slices.rows;) {
        const to = Math.min(slices.rows, at + chunk);
        const t0 = performance.now();
        slices.run(at, to);
        chunk = nextChunk(to - at, performance.now() - t0, pacing.chunkMs);
        at = to;
        await breathe();
      }
    } else await breathe();
  }
}
