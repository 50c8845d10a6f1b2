/**
 * Parser for the IDX files MNIST ships in: a big-endian header (magic, counts, dims), then
 * unsigned bytes. Every check names the file, so a bad download gets a clear message.
 */

export class DatasetError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DatasetError';
  }
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

function header(bytes: Uint8Array, file: string, length: number): DataView {
  if (bytes.byteLength < length) {
    throw new DatasetError(file, `file is ${bytes.byteLength} bytes, too short for an IDX header`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const view = header(bytes, file, 16);
  const magic = view.getUint32(0);
  if (magic !== IMAGES_MAGIC) {
    throw new DatasetError(
      file,
      `not an IDX image file (magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x00000803)`,
    );
  }
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const expected = 16 + count * rows * cols;
  if (bytes.byteLength !== expected) {
    throw new DatasetError(
      file,
      `expected ${expected} bytes for ${count} images of ${rows}x${cols}, got ${bytes.byteLength} (truncated or corrupt)`,
    );
  }
  return { count, rows, cols, pixels: bytes.subarray(16) };
}

export function parseIdxLabels(bytes: Uint8Array, file: string, classes = 10): Uint8Array {
  const view = header(bytes, file, 8);
  const magic = view.getUint32(0);
  if (magic !== LABELS_MAGIC) {
    throw new DatasetError(
      file,
      `not an IDX label file (magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x00000801)`,
    );
  }
  const count = view.getUint32(4);
  if (bytes.byteLength !== 8 + count) {
    throw new DatasetError(
      file,
      `expected ${8 + count} bytes for ${count} labels, got ${bytes.byteLength} (truncated or corrupt)`,
    );
  }
  const labels = bytes.subarray(8);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= classes)
      throw new DatasetError(
        file,
        `label ${labels[i]} at index ${i} is out of range 0-${classes - 1}`,
      );
  }
  return labels;
}
