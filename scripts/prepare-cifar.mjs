#!/usr/bin/env node
// npm run data:cifar10 -- <path or URL of cifar-10-binary.tar.gz>
// Converts the official CIFAR-10 binary tarball (any subset of its batch files) into the
// app's assets under public/data/cifar10/ (gitignored): train.bin.gz and test.bin.gz (the
// 3073-byte records, concatenated), batches.meta.txt and manifest.json with sha256 sums.
// The tarball is parsed, bounded and validated by the same code the browser import uses.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, gzipSync } from 'node:zlib';
import { runnerImport } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'data', 'cifar10');
const source = process.argv[2];
const fail = (msg) => {
  console.error(`data:cifar10: ${msg}`);
  process.exit(1);
};
if (!source) {
  fail(
    'give the path or URL of cifar-10-binary.tar.gz, e.g. npm run data:cifar10 -- ~/Downloads/cifar-10-binary.tar.gz',
  );
}

async function download(url) {
  const res = await fetch(url).catch((e) => fail(`could not download ${url} (${e.message})`));
  if (!res.ok || !res.body) fail(`could not download ${url} (HTTP ${res.status})`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const chunks = [];
  let loaded = 0;
  let shown = -1;
  for await (const chunk of res.body) {
    chunks.push(chunk);
    loaded += chunk.length;
    const pct = total ? Math.floor((100 * loaded) / total) : -1;
    if (pct !== shown && pct % 10 === 0) {
      console.log(`data:cifar10: downloaded ${pct}% (${(loaded / 2 ** 20).toFixed(1)} MB)`);
      shown = pct;
    }
  }
  return Buffer.concat(chunks);
}

const name = source.split(/[\\/]/).pop();
const raw = /^https?:\/\//.test(source)
  ? await download(source)
  : (() => {
      try {
        return readFileSync(resolve(source));
      } catch (e) {
        return fail(`cannot read ${source} (${e.code ?? e.message})`);
      }
    })();
console.log(`data:cifar10: read ${name} (${(raw.length / 2 ** 20).toFixed(1)} MB), decompressing…`);
if (raw[0] !== 0x1f || raw[1] !== 0x8b) fail(`${name}: is not a gzip file (expected a .tar.gz)`);
const { module: cifar } = await runnerImport(join(root, 'src/data/cifar.ts'), {
  configFile: false,
  logLevel: 'error',
});
const { module: cifarTar } = await runnerImport(join(root, 'src/data/cifarTar.ts'), {
  configFile: false,
  logLevel: 'error',
});
// Gunzipped as a stream into the bounded reader the browser import uses: a gzip bomb or an
// oversized batch is refused as soon as it passes the CIFAR-10 limits, before memory grows.
const reader = new cifarTar.CifarTarReader(name);
const gunzip = createGunzip({ chunkSize: 1 << 20 });
gunzip.end(raw);
try {
  for await (const chunk of gunzip) reader.push(chunk);
} catch (e) {
  fail(e.name === 'DatasetError' ? e.message : `${name}: is truncated or corrupt (${e.message})`);
}
console.log(`data:cifar10: read the tar archive (${(reader.bytesRead / 2 ** 20).toFixed(1)} MB)`);
let batches;
try {
  batches = reader.finish();
} catch (e) {
  fail(e.message);
}
mkdirSync(outDir, { recursive: true });
const files = {};
const record = cifar.CIFAR_RECORD;
for (const [split, bytes] of [
  ['train', batches.train],
  ['test', batches.test],
]) {
  const file = `${split}.bin.gz`;
  writeFileSync(join(outDir, file), gzipSync(bytes, { level: 6 }));
  files[split] = {
    file,
    records: bytes.length / record,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  console.log(`data:cifar10: wrote ${file} (${bytes.length / record} images)`);
}
writeFileSync(join(outDir, 'batches.meta.txt'), batches.classNames.join('\n') + '\n');
writeFileSync(
  join(outDir, 'manifest.json'),
  JSON.stringify(
    { source: name, trainFiles: batches.trainFiles, classNames: batches.classNames, ...files },
    null,
    2,
  ) + '\n',
);
console.log(
  `data:cifar10: done: ${batches.trainFiles.join(', ')} + test_batch.bin in public/data/cifar10/`,
);
