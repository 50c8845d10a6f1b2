#!/usr/bin/env node
// npm run gen:wgsl [-- --check]
// Writes the generated WGSL kernels (templates in src/gpu/wgsl/) into shaders/. With --check it
// writes nothing and exits 1, naming the files, when a generated file differs from what it
// would write, is missing, or is marked generated but no longer produced by the generator.
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shaders = join(root, 'shaders');
const check = process.argv.includes('--check');

const { module } = await runnerImport(join(root, 'src/gpu/wgsl/index.ts'), {
  configFile: false,
  logLevel: 'error',
});
const want = module.generatedShaders();
const have = Object.fromEntries(
  readdirSync(shaders)
    .filter((f) => f.endsWith('.wgsl'))
    .map((f) => [f, readFileSync(join(shaders, f), 'utf8')]),
);
const stale = Object.keys(have).filter(
  (f) => have[f].startsWith(module.GENERATED_MARK) && !(f in want),
);
const changed = Object.keys(want).filter((f) => have[f] !== want[f]);

if (check) {
  for (const f of changed)
    console.error(
      `gen:wgsl: shaders/${f} ${f in have ? 'differs from' : 'is missing from'} its template`,
    );
  for (const f of stale)
    console.error(`gen:wgsl: shaders/${f} is marked generated but no template produces it`);
  if (changed.length + stale.length > 0) {
    console.error('gen:wgsl: run `npm run gen:wgsl` (and edit the templates, not the files)');
    process.exit(1);
  }
  console.log(`gen:wgsl: ${Object.keys(want).length} generated shaders are up to date`);
} else {
  for (const f of changed) writeFileSync(join(shaders, f), want[f]);
  for (const f of stale) unlinkSync(join(shaders, f));
  console.log(
    `gen:wgsl: wrote ${changed.length} of ${Object.keys(want).length} generated shaders` +
      (stale.length ? `, removed ${stale.join(', ')}` : ''),
  );
}
