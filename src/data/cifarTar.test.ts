import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createTar } from 'nanotar';
import { describe, expect, it } from 'vitest';
import { CIFAR_BATCH_BYTES, CIFAR_RECORD, type CifarBatches } from './cifar';
import {
  CIFAR_TAR_LIMIT,
  CifarTarReader,
  isCifarBatches,
  readCifarStream,
  readCifarTar,
} from './cifarTar';
import { TAR_END, fileEntry, partsStream, tarHeader, zeroEntry, type TarPart } from './tarFixtures';

const SUBSET = fileURLToPath(
  new URL('../../../shared/datasets/cifar-10-binary-subset.tar.gz', import.meta.url),
);
const MB = 1e6;
const DIR = 'cifar-10-batches-bin/';

/** `parts` gzipped and gunzipped again, as the import sees them, counting what comes out. */
function throughGzip(parts: TarPart[]) {
  const seen = { out: 0, biggest: 0 };
  const out = new TransformStream<Uint8Array, Uint8Array>({
    transform(c, ctrl) {
      seen.out += c.length;
      seen.biggest = Math.max(seen.biggest, c.length);
      ctrl.enqueue(c);
    },
  });
  const stream = partsStream(parts)
    .pipeThrough(
      new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    .pipeThrough(
      new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
    )
    .pipeThrough(out);
  return { stream, seen };
}

/** Byte equality without a deep compare of millions of elements. */
const same = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.length).equals(
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

const records = (n: number) => {
  const r = new Uint8Array(n * CIFAR_RECORD);
  for (let i = 0; i < n; i++) r[i * CIFAR_RECORD] = i % 10;
  return r;
};
/** A tiny valid CIFAR-10 archive without its end blocks (nanotar's createTar adds them). */
const small = (): TarPart[] => [
  ...fileEntry(`${DIR}data_batch_1.bin`, records(3)),
  ...fileEntry(`${DIR}test_batch.bin`, records(2)),
];

describe('the bounded CIFAR-10 tar reader', () => {
  it('refuses 300 MB of gunzipped zeros at the first block and stops the stream', async () => {
    const { stream, seen } = throughGzip([{ zeros: 300 * MB }]);
    const base = process.memoryUsage().arrayBuffers;
    expect(await refusal(readCifarStream(stream, 'bomb.tar.gz'))).toMatch(
      /^bomb\.tar\.gz: is not a tar archive/,
    );
    expect(seen.out).toBeLessThanOrEqual(512 + seen.biggest);
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(100 * MB);
  }, 60_000);

  it('refuses a tar stream past 200 MB once it passes, with memory kept small', async () => {
    const junk = Array.from({ length: 300 }, (_, i) => zeroEntry(`junk/${i}.txt`, MB)).flat();
    const { stream, seen } = throughGzip([...small(), ...junk, TAR_END]);
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 2);
    const problem = await refusal(readCifarStream(stream, 'cifar-10-binary.tar.gz'));
    clearInterval(timer);
    expect(problem).toBe(
      'cifar-10-binary.tar.gz: decompresses to more than 200 MB, more than the CIFAR-10 tarball; not importing it',
    );
    expect(seen.out).toBeGreaterThan(CIFAR_TAR_LIMIT);
    expect(seen.out).toBeLessThanOrEqual(CIFAR_TAR_LIMIT + seen.biggest);
    expect(peak - base).toBeLessThan(100 * MB);
  }, 60_000);

  it('refuses more than 1 MB after the end of the archive, as soon as it passes', async () => {
    const { stream, seen } = throughGzip([...small(), TAR_END, { zeros: 300 * MB }]);
    expect(await refusal(readCifarStream(stream, 'x.tar.gz'))).toBe(
      'x.tar.gz: goes on for more than 1 MB after the end of its tar archive, unlike the CIFAR-10 tarball; not importing it',
    );
    expect(seen.out).toBeLessThanOrEqual(2 * MB + seen.biggest);
  }, 60_000);
  it('cancels the stream it reads at the first refusal', async () => {
    let pulled = 0;
    const source = partsStream([...small(), TAR_END, { zeros: 300 * MB }]).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>(
        {
          transform(c, ctrl) {
            pulled += c.length;
            ctrl.enqueue(c);
          },
        },
        { highWaterMark: 1 },
        { highWaterMark: 0 },
      ),
    );
    expect(await refusal(readCifarStream(source, 'x.tar.gz'))).toMatch(/after the end of its tar/);
    // Read up to the limit, then nothing more was produced (a chunk or two in flight at most).
    expect(pulled).toBeLessThan(4 * MB);
  }, 60_000);

  it('refuses a batch declared larger than 10,000 records from its header alone', async () => {
    for (const [name, size] of [
      ['data_batch_3.bin', 150_000 * CIFAR_RECORD],
      ['test_batch.bin', CIFAR_BATCH_BYTES + CIFAR_RECORD],
      ['data_batch_1.bin', 2 ** 40], // base-256 size field, as GNU tar writes past 8 GB
    ] as const) {
      const reader = new CifarTarReader('x.tar.gz');
      expect(() => reader.push(tarHeader(DIR + name, size))).toThrow(
        `x.tar.gz: ${name} holds more than 10,000 records (a CIFAR-10 batch is 30,730,000 bytes)`,
      );
    }
    const { stream, seen } = throughGzip(
      zeroEntry(`${DIR}data_batch_1.bin`, 150_000 * CIFAR_RECORD),
    );
    expect(await refusal(readCifarStream(stream, 'x.tar.gz'))).toMatch(/holds more than 10,000/);
    expect(seen.out).toBeLessThanOrEqual(seen.biggest);
  }, 60_000);

  it('refuses a text entry over 1 MB and any batch or class list given twice', () => {
    const big = new CifarTarReader('x.tar.gz');
    expect(() => big.push(tarHeader(`${DIR}readme.html`, 2 * MB))).toThrow(
      'x.tar.gz: readme.html is larger than 1 MB; the CIFAR-10 tarball holds nothing that large besides its batches',
    );
    for (const [a, b] of [
      ['data_batch_1.bin', 'data_batch_1.bin'],
      ['test_batch.bin', 'copy/test_batch.bin'],
      ['batches.meta.txt', 'batches.meta.txt'],
    ]) {
      const tar = createTar([
        { name: DIR + a, data: a.endsWith('.bin') ? records(1) : 'x' },
        { name: DIR + b, data: b.endsWith('.bin') ? records(2) : 'y' },
      ]);
      const name = b.split('/').pop();
      expect(() => readCifarTar(tar, 'x.tar.gz')).toThrow(`x.tar.gz: ${name} appears twice`);
    }
  });

  it('reads chunks of any size, long names (ustar prefix, GNU and pax) and skips the rest', () => {
    const long = `${'d'.repeat(120)}/data_batch_2.bin`;
    const pax = new TextEncoder().encode(`42 path=${DIR}${'e'.repeat(14)}/test_batch.bin\n`);
    const gnu = new TextEncoder().encode(`${long}\0`);
    const pad = (n: number): TarPart => ({ zeros: (512 - (n % 512)) % 512 });
    const parts: TarPart[] = [
      tarHeader('././@LongLink', gnu.length, 'L'),
      gnu,
      pad(gnu.length),
      tarHeader('data_batch_2.bin', CIFAR_RECORD), // named by the long name above
      records(1),
      pad(CIFAR_RECORD),
      tarHeader('data_batch_4.bin', 2 * CIFAR_RECORD, '0', 'cifar-10-batches-bin'),
      records(2),
      pad(2 * CIFAR_RECORD),
      tarHeader('PaxHeader', pax.length, 'x'),
      pax,
      pad(pax.length),
      tarHeader('ignored', 3 * CIFAR_RECORD),
      records(3),
      pad(3 * CIFAR_RECORD),
      tarHeader(`${DIR}readme.html`, 5),
      new TextEncoder().encode('hello'),
      pad(5),
      TAR_END,
    ];
    const whole: number[] = [];
    for (const p of parts) whole.push(...(p instanceof Uint8Array ? p : new Uint8Array(p.zeros)));
    const bytes = new Uint8Array(whole);
    for (const step of [1, 7, 512, 100_000]) {
      const reader = new CifarTarReader('x.tar');
      for (let i = 0; i < bytes.length; i += step) reader.push(bytes.subarray(i, i + step));
      const b = reader.finish();
      expect(b.trainFiles).toEqual(['data_batch_2.bin', 'data_batch_4.bin']);
      expect(b.train.length).toBe(3 * CIFAR_RECORD);
      expect(b.test.length).toBe(3 * CIFAR_RECORD);
    }
    const damaged = bytes.slice();
    damaged[1024 + 3] ^= 1; // inside the second header's name
    expect(() => readCifarTar(damaged, 'x.tar')).toThrow(
      'x.tar: is not a readable tar archive (the header at byte 1024 is damaged)',
    );
  });

  it.skipIf(!existsSync(SUBSET))(
    'reads a full-size tarball (5 batches, 184 MB of tar)',
    async () => {
      const subset = readCifarTar(gunzipSync(readFileSync(SUBSET)), 'subset.tar.gz');
      const entry = (name: string, data: Uint8Array) => fileEntry(DIR + name, data);
      const parts: TarPart[] = [
        tarHeader(DIR, 0, '5'),
        ...entry('data_batch_4.bin', subset.train),
        ...entry('readme.html', new TextEncoder().encode('<meta HTTP-EQUIV="REFRESH" content="0;')),
        ...entry('test_batch.bin', subset.test),
        ...[1, 2, 3, 5].flatMap((n) => entry(`data_batch_${n}.bin`, subset.train)),
        ...entry('batches.meta.txt', new TextEncoder().encode(subset.classNames.join('\n'))),
        TAR_END,
        { zeros: 9 * 1024 }, // tar pads to whole 10 KiB records
      ];
      const b: CifarBatches = await readCifarStream(
        partsStream(parts, 65536),
        'cifar-10-binary.tar.gz',
      );
      expect(b.trainFiles).toEqual([1, 2, 3, 4, 5].map((n) => `data_batch_${n}.bin`));
      expect(b.train.length).toBe(5 * CIFAR_BATCH_BYTES);
      expect(same(b.train.subarray(4 * CIFAR_BATCH_BYTES), subset.train)).toBe(true);
      expect(same(b.test, subset.test)).toBe(true);
      expect(b.classNames).toEqual(subset.classNames);
      expect(isCifarBatches(b)).toBe(true);
    },
    60_000,
  );

  it('tells stored batches an import would accept from those it would refuse', () => {
    const ok = {
      train: records(3),
      test: records(2),
      classNames: 'abcdefghij'.split(''),
      trainFiles: ['data_batch_1.bin'],
    };
    expect(isCifarBatches(ok)).toBe(true);
    expect(isCifarBatches({ ...ok, train: new Uint8Array(CIFAR_BATCH_BYTES + CIFAR_RECORD) })).toBe(
      false,
    );
    expect(isCifarBatches({ ...ok, test: new Uint8Array(CIFAR_RECORD - 1) })).toBe(false);
    expect(isCifarBatches({ ...ok, classNames: [] })).toBe(false);
    expect(isCifarBatches(undefined)).toBe(false);
  });
});
