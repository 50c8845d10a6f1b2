import { DatasetError, parseIdxImages, parseIdxLabels } from './idx';

/** A labelled image set as bytes, the form it travels in between worker, backend and tests. */
export interface ImageDataset {
  name: string;
  count: number;
  /** Values per sample (28·28 = 784 for MNIST). */
  features: number;
  classes: number;
  pixels: Uint8Array;
  labels: Uint8Array;
  /** Per-feature normalisation applied on the device: (x/255 - mean) / std. */
  mean: number;
  std: number;
}

/** torchvision's MNIST normalisation, as the reference uses. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export function mnistFromIdx(
  images: Uint8Array,
  labels: Uint8Array,
  names: { images: string; labels: string },
  name: string,
): ImageDataset {
  const img = parseIdxImages(images, names.images);
  const lab = parseIdxLabels(labels, names.labels);
  if (img.rows !== 28 || img.cols !== 28)
    throw new DatasetError(names.images, `images are ${img.rows}x${img.cols}, expected 28x28`);
  if (lab.length !== img.count) {
    throw new DatasetError(
      names.labels,
      `${lab.length} labels for ${img.count} images in ${names.images}`,
    );
  }
  return {
    name,
    count: img.count,
    features: img.rows * img.cols,
    classes: 10,
    pixels: img.pixels,
    labels: lab,
    mean: MNIST_MEAN,
    std: MNIST_STD,
  };
}

/** The first `n` samples (the reference trains on the first 54,000 MNIST images). */
export function takeFirst(ds: ImageDataset, n: number): ImageDataset {
  const count = Math.min(n, ds.count);
  return {
    ...ds,
    count,
    pixels: ds.pixels.subarray(0, count * ds.features),
    labels: ds.labels.subarray(0, count),
  };
}

/** Packs bytes four to a u32 (little-endian), the layout the gather kernel reads. */
export function packBytes(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
