// An engine process of the Node runtime (the experiment's or the benchmark's): what the
// browser's worker is to the page. It gets a process of its own because the Vulkan loader
// reads LD_LIBRARY_PATH only when a process starts; a native crash in it is reported here,
// and this process keeps its signals, time and memory limits.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeEnvironment } from './dawn.mjs';
import { vulkanEnv } from './vulkan.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The engine scripts: the experiment (sent `{ query }`) and the benchmark (`{ query }` too). */
export const ENGINES = {
  experiment: join(here, 'experiment-child.mjs'),
  bench: join(here, 'bench-child.mjs'),
};

/**
 * Starts `script` with the Vulkan environment and sends it `message`. `onEvent` hears what it
 * posts back (structured clone, as postMessage), in order; `onExit(why)` hears that it ended
 * (after `close()` as well: the caller tells the two apart). Returns `send(message)`, for
 * later requests, and `close()`, which ends it (SIGTERM, then SIGKILL after `graceMs`) and
 * resolves once it is gone.
 */
export function startEngine({ script, message, onEvent, onExit, log, graceMs = 5000 }) {
  const { env, note } = vulkanEnv();
  log(`Node runtime, ${nodeEnvironment()}; Vulkan: ${note}`);
  const child = spawn(process.execPath, [script], {
    env,
    // Its stdout goes to our stderr: stdout carries only results.
    stdio: ['ignore', 2, 2, 'ipc'],
    serialization: 'advanced',
    // Its own process group: a terminal's Ctrl-C reaches this process, which closes it.
    detached: true,
  });
  let closed = false;
  const gone = new Promise((resolve) =>
    child.on('close', (code, signal) => {
      closed = true;
      resolve();
      onExit(signal ? `was killed by ${signal}` : `exited with code ${code}`);
    }),
  );
  child.on('error', (e) => {
    closed = true;
    onExit(`could not be started (${e.message})`);
  });
  child.on('message', onEvent);
  child.send(message);
  return {
    send(m) {
      if (!closed) child.send(m);
    },
    close() {
      if (closed) return Promise.resolve();
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      return gone.finally(() => clearTimeout(force));
    },
  };
}

/** What an engine process does first: leave when its driver goes, report what kills it. */
export function engineProcess(post) {
  // The driver went away (even killed outright): nothing is left to report to.
  process.on('disconnect', () => process.exit(0));
  // As the page reports a worker that died: an error without a reason (the driver exits 1).
  const crashed = (e) =>
    post({
      type: 'error',
      message: `The Node runtime stopped unexpectedly (${e instanceof Error ? e.message : String(e)}).`,
    });
  process.on('uncaughtException', crashed);
  process.on('unhandledRejection', crashed);
  // Ended by its driver: exit as a process does on SIGTERM, but through exit (profilers, hooks).
  process.on('SIGTERM', () => process.exit(143));
  return new Promise((resolve) => process.once('message', resolve));
}
