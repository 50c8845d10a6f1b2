import { parseTar } from 'nanotar';
import type { ImageDataset } from './dataset';
import { DatasetError } from './idx';

/**
 * CIFAR-10 in its official binary layout: records of 1 label byte and 3 x 1024 pixel bytes
 * (red, green, blue planes of a 32x32 image). Pure functions shared by the in-browser import
 * and `npm run data:cifar10`.
 */
export const CIFAR_RECORD = 3073;
export const CIFAR_SIDE = 32;
export const CIFAR_CLASS_NAMES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];
const TRAIN_FILE = /(^|\/)data_batch_([1-5])\.bin$/;
const TEST_FILE = /(^|\/)test_batch\.bin$/;
const META_FILE = /(^|\/)batches\.meta\.txt$/;

/** Checks one batch file's size and labels; returns its record count. */
export function validateBatch(bytes: Uint8Array, file: string): number {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD !== 0) {
    throw new DatasetError(
      file,
      `has ${bytes.length} bytes, not a whole number of ${CIFAR_RECORD}-byte CIFAR-10 records`,
    );
  }
  const count = bytes.length / CIFAR_RECORD;
  for (let r = 0; r < count; r++) {
    const label = bytes[r * CIFAR_RECORD];
    if (label > 9)
      throw new DatasetError(file, `record ${r} has label ${label}; CIFAR-10 labels are 0-9`);
  }
  return count;
}

/** The batches of a CIFAR-10 binary tarball (already gunzipped), validated. */
export interface CifarBatches {
  /** Training records (data_batch_1..5 present, in order), concatenated. */
  train: Uint8Array;
  test: Uint8Array;
  classNames: string[];
  trainFiles: string[];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** True when the 512-byte block at `offset` is a tar header with a valid checksum. */
export function isTarHeader(tar: Uint8Array, offset = 0): boolean {
  if (tar.length < offset + 512) return false;
  const field = new TextDecoder().decode(tar.subarray(offset + 148, offset + 156));
  const stored = parseInt(field.replace(/\0.*$/, '').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : tar[offset + i];
  return sum === stored;
}

/**
 * Reads the batch files out of an uncompressed tar archive. `file` names the archive in
 * messages. Accepts any subset of data_batch_1..5 (at least one) plus test_batch.bin.
 */
export function readCifarTar(tar: Uint8Array, file: string): CifarBatches {
  if (!isTarHeader(tar)) {
    throw new DatasetError(
      file,
      'is not a tar archive. Expected the CIFAR-10 binary version, cifar-10-binary.tar.gz',
    );
  }
  let entries;
  // nanotar reads the whole underlying ArrayBuffer, so hand it exactly the archive's bytes.
  const exact =
    tar.byteOffset === 0 && tar.byteLength === tar.buffer.byteLength ? tar : tar.slice();
  try {
    entries = parseTar(exact);
  } catch (e) {
    if (e instanceof RangeError)
      throw new DatasetError(file, 'is truncated: a file inside runs past the end of the archive');
    throw new DatasetError(file, `is not a readable tar archive (${(e as Error).message})`);
  }
  const train: { n: number; name: string; data: Uint8Array }[] = [];
  let test: Uint8Array | null = null;
  let classNames = CIFAR_CLASS_NAMES;
  for (const entry of entries) {
    const data = entry.data ?? new Uint8Array(0);
    const isTrain = TRAIN_FILE.exec(entry.name);
    const relevant = isTrain || TEST_FILE.test(entry.name) || META_FILE.test(entry.name);
    if (!relevant) continue;
    if (data.length < entry.size) {
      throw new DatasetError(
        file,
        `is truncated: ${entry.name} has ${data.length} of its ${entry.size} bytes`,
      );
    }
    if (isTrain) {
      validateBatch(data, entry.name);
      train.push({ n: Number(isTrain[2]), name: entry.name, data });
    } else if (TEST_FILE.test(entry.name)) {
      validateBatch(data, entry.name);
      test = data;
    } else {
      const names = new TextDecoder()
        .decode(data)
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (names.length === 10) classNames = names;
    }
  }
  if (train.length === 0) {
    throw new DatasetError(
      file,
      'contains no CIFAR-10 training batch (data_batch_1.bin … data_batch_5.bin)',
    );
  }
  if (!test) throw new DatasetError(file, 'contains no CIFAR-10 test batch (test_batch.bin)');
  train.sort((a, b) => a.n - b.n);
  return {
    train: concat(train.map((t) => t.data)),
    test,
    classNames,
    trainFiles: train.map((t) => t.name.split('/').pop()!),
  };
}

/** Per-channel mean and standard deviation of HWC pixels, on the 0-1 scale. */
export function channelStats(
  pixels: Uint8Array,
  channels: number,
): { mean: number[]; std: number[] } {
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] / 255;
    sum[i % channels] += v;
    sq[i % channels] += v * v;
  }
  const n = pixels.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, c) => Math.sqrt(Math.max(1e-12, s / n - mean[c] ** 2)));
  return { mean, std };
}

/**
 * Records (label + CHW planes) to a dataset with HWC pixels. Normalisation uses `stats`
 * (the training set's, for the test set) or this set's own per-channel statistics.
 */
export function cifarDataset(
  records: Uint8Array,
  name: string,
  classNames: string[],
  stats?: { mean: number[]; std: number[] },
): ImageDataset {
  const count = validateBatch(records, name);
  const plane = CIFAR_SIDE * CIFAR_SIDE;
  const pixels = new Uint8Array(count * plane * 3);
  const labels = new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    const src = r * CIFAR_RECORD;
    labels[r] = records[src];
    const dst = r * plane * 3;
    for (let p = 0; p < plane; p++) {
      pixels[dst + p * 3] = records[src + 1 + p];
      pixels[dst + p * 3 + 1] = records[src + 1 + plane + p];
      pixels[dst + p * 3 + 2] = records[src + 1 + 2 * plane + p];
    }
  }
  const { mean, std } = stats ?? channelStats(pixels, 3);
  return {
    name,
    count,
    features: plane * 3,
    height: CIFAR_SIDE,
    width: CIFAR_SIDE,
    channels: 3,
    classes: 10,
    classNames,
    pixels,
    labels,
    mean,
    std,
  };
}
