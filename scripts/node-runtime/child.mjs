// The Node runtime's engine process (what the browser's worker is to the page): started by
// scripts/node-runtime/run.mjs with the Vulkan environment already set (the loader reads
// LD_LIBRARY_PATH only at start-up), it loads Dawn and the app's TypeScript through Vite's
// module runner, runs the experiment it is sent and posts every event back over IPC
// (structured clone, as postMessage does). It never exits by itself: the driver ends it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const post = (event) => process.send(event);

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

const query = new Promise((resolve) => process.once('message', (m) => resolve(m.query)));

/** Dawn's `navigator.gpu`, or why the `webgpu` package could not give one. */
async function loadDawn() {
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    return { gpu: create([]), problem: null };
  } catch (e) {
    return {
      gpu: null,
      problem: `Dawn's Node binding (npm package "webgpu") could not be loaded: ${e.message}`,
    };
  }
}

const dawn = await loadDawn();
const { module } = await runnerImport(join(root, 'src/node/experiment.ts'), {
  configFile: false,
  logLevel: 'error',
});
module.runExperiment(await query, dawn, join(root, 'public'), post);
