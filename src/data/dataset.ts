import { DatasetError, parseIdxImages, parseIdxLabels } from './idx';

/** A labelled image set as bytes, the form it travels in between worker, backend and tests. */
export interface ImageDataset {
  name: string;
  count: number;
  /** Values per sample, height · width · channels (784 for MNIST, 3072 for CIFAR-10). */
  features: number;
  height: number;
  width: number;
  channels: number;
  classes: number;
  classNames: string[];
  /** Pixels of each sample in HWC order (channels last). */
  pixels: Uint8Array;
  labels: Uint8Array;
  /** Per-channel normalisation applied on the device: (x/255 - mean[c]) / std[c]. */
  mean: number[];
  std: number[];
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
    height: img.rows,
    width: img.cols,
    channels: 1,
    classes: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    pixels: img.pixels,
    labels: lab,
    mean: [MNIST_MEAN],
    std: [MNIST_STD],
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
