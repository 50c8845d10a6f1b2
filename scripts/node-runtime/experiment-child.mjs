// The Node runtime's experiment process (started by scripts/node-runtime/engine.mjs with the
// Vulkan environment set): it loads Dawn and the app's TypeScript through Vite's module runner,
// runs the experiment it is sent and posts every event back. It never exits by itself.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { loadDawn } from './dawn.mjs';
import { engineProcess } from './engine.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const post = (event) => process.send(event);
const message = engineProcess(post);
const dawn = await loadDawn();
const { module } = await runnerImport(join(root, 'src/node/experiment.ts'), {
  configFile: false,
  logLevel: 'error',
});
const run = module.runExperiment((await message).query, dawn, join(root, 'public'), post);
// Later requests of the driver: `exportModel` (--export) is answered by one `modelBytes`.
process.on('message', (m) => {
  if (m?.type !== 'exportModel') return;
  run.modelBytes(m.link, m.stamp).then(
    (bytes) => post({ type: 'modelBytes', bytes }),
    (e) => post({ type: 'modelBytes', error: e instanceof Error ? e.message : String(e) }),
  );
});
