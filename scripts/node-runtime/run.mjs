// `npm run experiment -- --runtime=node`: the experiment in Node on Dawn, no browser. The engine
// runs in a process of its own (scripts/node-runtime/child.mjs), as it runs in a worker in the
// page: the Vulkan loader's environment must be set before that process starts, a native
// crash there is reported here, and this process keeps its signals, time and memory limits.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vulkanEnv } from './vulkan.mjs';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.mjs');

/** What runs the experiment, for the record: e.g. "node v20.20.0 (Dawn webgpu 0.6.2)". */
export function nodeEnvironment() {
  let dawn = 'no Dawn: the "webgpu" package is not installed';
  try {
    const file = createRequire(import.meta.url).resolve('webgpu/package.json');
    dawn = `Dawn webgpu ${JSON.parse(readFileSync(file, 'utf8')).version}`;
  } catch {
    // not installed: the engine falls back to the CPU and says why
  }
  return `node ${process.version} (${dawn})`;
}

/**
 * Starts the engine process on the canonical `query`. `onEvent` hears every event the page
 * would forward to a headless driver, in order; `onExit(why)` hears that the process ended
 * (after the driver's own close as well: the driver tells the two apart). Returns `close()`,
 * which ends it (SIGTERM, then SIGKILL after `graceMs`) and resolves once it is gone.
 */
export function startNodeRuntime({ query, onEvent, onExit, log, graceMs = 5000 }) {
  const { env, note } = vulkanEnv();
  log(`experiment: Node runtime, ${nodeEnvironment()}; Vulkan: ${note}`);
  const child = spawn(process.execPath, [CHILD], {
    env,
    // Its stdout goes to our stderr: stdout carries only the JSON lines.
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
  child.send({ query });
  return {
    close() {
      if (closed) return Promise.resolve();
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      return gone.finally(() => clearTimeout(force));
    },
  };
}
