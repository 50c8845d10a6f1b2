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
/** Records in each batch file of the official tarball (data_batch_1..5, test_batch). */
export const CIFAR_BATCH_RECORDS = 10_000;
/** Bytes of one batch file: what a .bin entry of an import may hold at most. */
export const CIFAR_BATCH_BYTES = CIFAR_BATCH_RECORDS * CIFAR_RECORD;

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

/** The batches of a CIFAR-10 binary tarball, validated (read by ./cifarTar). */
export interface CifarBatches {
  /** Training records (data_batch_1..5 present, in order), concatenated. */
  train: Uint8Array;
  test: Uint8Array;
  classNames: string[];
  trainFiles: string[];
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
