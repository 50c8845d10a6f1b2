#!/usr/bin/env node
// A stand-in for `npm run experiment -- --out=FILE`, for e2e/sweep.spec.ts only, while the
// run record is not in this branch: it runs scripts/experiment.mjs without --out and writes
// the least the run-record contract guarantees (query, config, epochs, summary) from the
// epoch lines on its stdout. Same arguments, same exit code, signals passed on.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const out = argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const rest = argv.filter((a) => !a.startsWith('--out='));
const query = rest.filter((a) => !a.startsWith('--')).join('&');
const child = spawn(process.execPath, [join(root, 'scripts/experiment.mjs'), ...rest], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
let stdout = '';
child.stdout.on('data', (d) => {
  stdout += d;
  process.stdout.write(d);
});
child.on('close', (code, signal) => {
  const epochs = stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const last = epochs.at(-1);
  if (out && last) {
    const summary = { testAcc: last.testAcc, density: last.density, epochs: epochs.length };
    const record = {
      schema: 'sparse-playground/run-record@1',
      query: `v=1&${query}`,
      epochs,
      summary,
    };
    writeFileSync(out, JSON.stringify(record));
  }
  process.exit(code ?? (signal === 'SIGINT' ? 130 : 143));
});
