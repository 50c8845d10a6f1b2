import { describe, expect, it } from 'vitest';
import { parseIdxImages, parseIdxLabels } from './idx';
import { mnistFromIdx, packBytes, takeFirst } from './dataset';

function idxImages(count: number, rows: number, cols: number, magic = 0x803): Uint8Array {
  const b = new Uint8Array(16 + count * rows * cols);
  const v = new DataView(b.buffer);
  v.setUint32(0, magic);
  v.setUint32(4, count);
  v.setUint32(8, rows);
  v.setUint32(12, cols);
  for (let i = 16; i < b.length; i++) b[i] = i % 256;
  return b;
}
function idxLabels(labels: number[], magic = 0x801): Uint8Array {
  const b = new Uint8Array(8 + labels.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, magic);
  v.setUint32(4, labels.length);
  b.set(labels, 8);
  return b;
}

describe('IDX parsing', () => {
  it('reads images and labels', () => {
    const img = parseIdxImages(idxImages(3, 28, 28), 'a');
    expect(img).toMatchObject({ count: 3, rows: 28, cols: 28 });
    expect(img.pixels.length).toBe(3 * 784);
    expect(Array.from(parseIdxLabels(idxLabels([1, 9, 0]), 'b'))).toEqual([1, 9, 0]);
  });

  it('names the file and the problem for a wrong magic number', () => {
    expect(() => parseIdxImages(idxImages(1, 28, 28, 0x801), 'x.idx')).toThrow(
      /x\.idx: not an IDX image file/,
    );
    expect(() => parseIdxLabels(idxLabels([1], 0x803), 'y.idx')).toThrow(
      /y\.idx: not an IDX label file/,
    );
  });

  it('rejects truncated files and bad labels', () => {
    expect(() => parseIdxImages(idxImages(2, 28, 28).subarray(0, 900), 'img')).toThrow(/truncated/);
    expect(() => parseIdxImages(new Uint8Array(4), 'img')).toThrow(/too short/);
    expect(() => parseIdxLabels(idxLabels([1, 12]), 'lab')).toThrow(/label 12 at index 1/);
  });

  it('checks that images and labels agree', () => {
    expect(() =>
      mnistFromIdx(idxImages(2, 28, 28), idxLabels([1]), { images: 'i', labels: 'l' }, 'm'),
    ).toThrow(/1 labels for 2 images/);
    const ds = mnistFromIdx(
      idxImages(4, 28, 28),
      idxLabels([1, 2, 3, 4]),
      { images: 'i', labels: 'l' },
      'm',
    );
    expect(takeFirst(ds, 2).labels.length).toBe(2);
    expect(takeFirst(ds, 2).pixels.length).toBe(2 * 784);
  });

  it('packs bytes little-endian, four to a word', () => {
    expect(Array.from(packBytes(Uint8Array.of(1, 2, 3, 4, 5)))).toEqual([0x04030201, 5]);
  });
});
