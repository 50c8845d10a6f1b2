// The Node runtime's benchmark process (`npm run bench -- --runtime=node`): bench/run.ts on
// Dawn, every section the page runs but the peer. TensorFlow.js's WebGPU backend does not load
// here: under Node, tfjs-core resolves to its CommonJS Node build, and the gradients the peer's
// training step needs register through tfjs-core's ES modules (extensionless imports, which
// Node cannot resolve), a second copy. Its Node route is tfjs-node (CPU/CUDA), not a peer on
// the same adapter. Posts the report, or an error.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { loadDawn, nodeEnvironment } from './dawn.mjs';
import { engineProcess } from './engine.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const post = (event) => process.send(event);
const message = engineProcess(post);
const dawn = await loadDawn();
if (!dawn.gpu) {
  post({ type: 'error', message: dawn.problem });
} else {
  const { module } = await runnerImport(join(root, 'bench/run.ts'), {
    configFile: false,
    logLevel: 'error',
  });
  const { query } = await message;
  const log = (s) => process.stderr.write(`  ${s}\n`);
  const options = module.benchOptions(new URLSearchParams(query));
  if (options.sections.has('peer'))
    log('peer (TensorFlow.js on WebGPU): skipped, it runs only in the browser (npm run bench).');
  const report = await module.runBench(dawn.gpu, nodeEnvironment(), options, log);
  post({ type: 'report', report });
}
