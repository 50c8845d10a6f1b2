import { mnistFromIdx, takeFirst, type ImageDataset } from '../data/dataset';
import { fetchAsset, type DataProgress } from './fetchAsset';

const HINT = 'Run "npm run data" to generate the MNIST assets under public/data/.';

const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};

/** Loads, decompresses and validates MNIST in the worker; `train` keeps the first N images. */
export async function loadMnist(
  base: string,
  train: number,
  onProgress: DataProgress,
): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const [ti, tl, vi, vl] = await Promise.all([
    fetchAsset(`${base}data/mnist/`, FILES.trainImages, HINT, onProgress),
    fetchAsset(`${base}data/mnist/`, FILES.trainLabels, HINT, onProgress),
    fetchAsset(`${base}data/mnist/`, FILES.testImages, HINT, onProgress),
    fetchAsset(`${base}data/mnist/`, FILES.testLabels, HINT, onProgress),
  ]);
  const full = mnistFromIdx(
    ti,
    tl,
    { images: FILES.trainImages, labels: FILES.trainLabels },
    'mnist-train',
  );
  const test = mnistFromIdx(
    vi,
    vl,
    { images: FILES.testImages, labels: FILES.testLabels },
    'mnist-test',
  );
  return { train: takeFirst(full, train), test };
}
