// `npm run bench -- --runtime=node`: the benchmark's report from an engine process on Dawn.
import { ENGINES, startEngine } from './engine.mjs';

/** Runs bench/run.ts in Node with the page's `query` (quick, sections, profile); the report. */
export function benchInNode(query, log) {
  return new Promise((resolve, reject) => {
    let engine = null;
    let settled = false;
    // The first outcome counts: closing the engine afterwards reports its exit too.
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      void (engine?.close() ?? Promise.resolve()).then(() => fn(value));
    };
    engine = startEngine({
      script: ENGINES.bench,
      message: { query: query.toString() },
      log,
      onEvent: (e) =>
        e.type === 'report' ? settle(resolve, e.report) : settle(reject, new Error(e.message)),
      onExit: (why) => settle(reject, new Error(`the Node runtime ${why}`)),
    });
  });
}
