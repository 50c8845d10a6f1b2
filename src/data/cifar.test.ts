import { createTar } from 'nanotar';
import { describe, expect, it } from 'vitest';
import { CIFAR_RECORD, cifarDataset, validateBatch } from './cifar';
import { readCifarTar } from './cifarTar';
import { isTarHeader } from './tarStream';
import { DatasetError } from './idx';

/** Records whose pixel values encode (record, channel, position) so layout errors show. */
function records(count: number, labelOf = (r: number) => r % 10): Uint8Array {
  const out = new Uint8Array(count * CIFAR_RECORD);
  for (let r = 0; r < count; r++) {
    out[r * CIFAR_RECORD] = labelOf(r);
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++)
        out[r * CIFAR_RECORD + 1 + c * 1024 + p] = (r + 50 * c + p) % 256;
  }
  return out;
}

function tarOf(files: Record<string, Uint8Array | string>): Uint8Array {
  return createTar(Object.entries(files).map(([name, data]) => ({ name, data })));
}

describe('CIFAR-10 binary batches', () => {
  it('reads any subset of training batches in order, plus the test batch and class names', () => {
    const tar = tarOf({
      'cifar-10-batches-bin/batches.meta.txt': 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n',
      'cifar-10-batches-bin/data_batch_3.bin': records(2, () => 3),
      'cifar-10-batches-bin/data_batch_1.bin': records(3, () => 1),
      'cifar-10-batches-bin/test_batch.bin': records(4),
      'cifar-10-batches-bin/readme.html': 'ignored',
    });
    const b = readCifarTar(tar, 'x.tar.gz');
    expect(b.trainFiles).toEqual(['data_batch_1.bin', 'data_batch_3.bin']);
    expect(b.train.length).toBe(5 * CIFAR_RECORD);
    expect(b.train[0]).toBe(1);
    expect(b.train[4 * CIFAR_RECORD]).toBe(3);
    expect(b.test.length).toBe(4 * CIFAR_RECORD);
    expect(b.classNames[9]).toBe('j');
  });

  it('converts the colour planes to channels-last pixels and normalises per channel', () => {
    const ds = cifarDataset(records(2), 'train', ['x']);
    expect(ds.count).toBe(2);
    expect([ds.height, ds.width, ds.channels, ds.features]).toEqual([32, 32, 3, 3072]);
    // Record 1, pixel 5: red = 1+5, green = 1+50+5, blue = 1+100+5.
    const at = (1 * 1024 + 5) * 3;
    expect(Array.from(ds.pixels.subarray(at, at + 3))).toEqual([6, 56, 106]);
    expect(ds.labels[1]).toBe(1);
    expect(ds.mean).toHaveLength(3);
    let red = 0;
    for (let i = 0; i < ds.pixels.length; i += 3) red += ds.pixels[i] / 255;
    expect(ds.mean[0]).toBeCloseTo(red / 2048, 10);
    expect(ds.std.every((s) => s > 0)).toBe(true);
    const test = cifarDataset(records(1), 'test', ['x'], { mean: ds.mean, std: ds.std });
    expect(test.mean).toBe(ds.mean);
  });

  it('names the file and the problem for bad input', () => {
    expect(() => validateBatch(new Uint8Array(3072), 'data_batch_1.bin')).toThrow(
      /data_batch_1\.bin: has 3072 bytes, not a whole number of 3073-byte/,
    );
    expect(() =>
      validateBatch(
        records(2, () => 12),
        'test_batch.bin',
      ),
    ).toThrow(/test_batch\.bin: record 0 has label 12/);
    expect(() => readCifarTar(new TextEncoder().encode('hello'.repeat(200)), 'notes.tar')).toThrow(
      /notes\.tar: is not a tar archive/,
    );
    const full = tarOf({
      'cifar-10-batches-bin/data_batch_1.bin': records(3),
      'cifar-10-batches-bin/test_batch.bin': records(3),
    });
    expect(isTarHeader(full)).toBe(true);
    expect(() => readCifarTar(full.subarray(0, 2 * CIFAR_RECORD), 'cut.tar.gz')).toThrow(
      /cut\.tar\.gz: is truncated/,
    );
    const noTest = tarOf({ 'cifar-10-batches-bin/data_batch_1.bin': records(1) });
    expect(() => readCifarTar(noTest, 'a.tar')).toThrow(/contains no CIFAR-10 test batch/);
    const noTrain = tarOf({ 'cifar-10-batches-bin/test_batch.bin': records(1) });
    expect(() => readCifarTar(noTrain, 'a.tar')).toThrow(/contains no CIFAR-10 training batch/);
    try {
      readCifarTar(noTrain, 'a.tar');
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
    }
  });
});
