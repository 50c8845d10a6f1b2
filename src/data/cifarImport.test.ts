import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTarball } from '../worker/loadCifar';
import { CIFAR_RECORD } from './cifar';
import { TAR_END, fileEntry, gzipParts, zeroEntry, type TarPart } from './tarFixtures';

// The worker's import of a chosen cifar-10-binary.tar.gz (File -> gunzip -> tar -> batches),
// fed hostile files. Node 20 has File, DecompressionStream and CompressionStream globally.

const SUBSET = fileURLToPath(
  new URL('../../../shared/datasets/cifar-10-binary-subset.tar.gz', import.meta.url),
);
const MB = 1e6;
const BATCH = 10_000 * CIFAR_RECORD;

/** Runs `work` while sampling ArrayBuffer memory; resolves to its outcome and the peak growth. */
async function measured<T>(work: () => Promise<T>): Promise<{ error: unknown; growth: number }> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers));
  const timer = setInterval(sample, 2);
  let error: unknown = null;
  try {
    await work();
  } catch (e) {
    error = e;
  }
  sample();
  clearInterval(timer);
  return { error, growth: peak - base };
}

async function gzFile(name: string, parts: TarPart[]): Promise<File> {
  return new File((await gzipParts(parts)) as BlobPart[], name);
}

const records = (n: number, label = 1) => {
  const r = new Uint8Array(n * CIFAR_RECORD);
  for (let i = 0; i < n; i++) r[i * CIFAR_RECORD] = label;
  return r;
};
const smallCifar = (): TarPart[] => [
  ...fileEntry('cifar-10-batches-bin/data_batch_1.bin', records(3)),
  ...fileEntry('cifar-10-batches-bin/test_batch.bin', records(2)),
];

describe('importing a chosen CIFAR-10 tarball (bounded)', () => {
  it.skipIf(!existsSync(SUBSET))('imports the real development subset', async () => {
    const file = new File([readFileSync(SUBSET)], 'cifar-10-binary-subset.tar.gz');
    const b = await readTarball(file, () => {});
    expect(b.trainFiles).toEqual(['data_batch_1.bin']);
    expect(b.train.length).toBe(BATCH);
    expect(b.test.length).toBe(BATCH);
    expect(b.classNames).toHaveLength(10);
  });

  it('refuses a gzip bomb of 300 MB of zeros at once, without holding it', async () => {
    const file = await gzFile('cifar-10-binary.tar.gz', [{ zeros: 300 * MB }]);
    expect(file.size).toBeLessThan(1 * MB);
    const { error, growth } = await measured(() => readTarball(file, () => {}));
    expect(String(error)).toMatch(/cifar-10-binary\.tar\.gz: is not a tar archive/);
    expect(growth).toBeLessThan(100 * MB);
  }, 60_000);

  it('refuses a valid small tarball followed by 300 MB of zeros, without holding them', async () => {
    const file = await gzFile('cifar-10-binary.tar.gz', [
      ...smallCifar(),
      TAR_END,
      { zeros: 300 * MB },
    ]);
    const { error, growth } = await measured(() => readTarball(file, () => {}));
    expect(String(error)).toMatch(
      'cifar-10-binary.tar.gz: goes on for more than 1 MB after the end of its tar archive, unlike the CIFAR-10 tarball; not importing it',
    );
    expect(growth).toBeLessThan(100 * MB);
  }, 60_000);

  it('refuses a tarball of 300 1 MB entries once it passes 200 MB, without holding them', async () => {
    const junk = Array.from({ length: 300 }, (_, i) => zeroEntry(`junk/${i}.txt`, MB)).flat();
    const file = await gzFile('cifar-10-binary.tar.gz', [...smallCifar(), ...junk, TAR_END]);
    const { error, growth } = await measured(() => readTarball(file, () => {}));
    expect(String(error)).toMatch(
      'cifar-10-binary.tar.gz: decompresses to more than 200 MB, more than the CIFAR-10 tarball; not importing it',
    );
    expect(growth).toBeLessThan(100 * MB);
  }, 60_000);

  it('refuses a data_batch_1.bin of 150,000 records (15x a batch) before reading it', async () => {
    const file = await gzFile('cifar-10-binary.tar.gz', [
      ...zeroEntry('cifar-10-batches-bin/data_batch_1.bin', 150_000 * CIFAR_RECORD),
      ...fileEntry('cifar-10-batches-bin/test_batch.bin', records(2)),
      TAR_END,
    ]);
    const { error, growth } = await measured(() => readTarball(file, () => {}));
    expect(String(error)).toMatch(
      'cifar-10-binary.tar.gz: data_batch_1.bin holds more than 10,000 records (a CIFAR-10 batch is 30,730,000 bytes)',
    );
    expect(growth).toBeLessThan(100 * MB);
  }, 60_000);

  it('refuses a tarball with data_batch_1.bin twice instead of joining them', async () => {
    const file = await gzFile('cifar-10-binary.tar.gz', [
      ...fileEntry('cifar-10-batches-bin/data_batch_1.bin', records(3)),
      ...fileEntry('cifar-10-batches-bin/data_batch_1.bin', records(4)),
      ...fileEntry('cifar-10-batches-bin/test_batch.bin', records(2)),
      TAR_END,
    ]);
    await expect(readTarball(file, () => {})).rejects.toThrow(
      'cifar-10-binary.tar.gz: data_batch_1.bin appears twice',
    );
  });
});
