import { mnistFromIdx, takeFirst, type ImageDataset } from '../data/dataset';
import { DatasetError } from '../data/idx';
import { fetchAsset, sha256, type DataProgress } from './fetchAsset';

const HINT = 'Run "npm run data" to generate the MNIST assets under public/data/.';

const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};

/** Bytes of each decoded file: the IDX header, then 60,000 or 10,000 images or labels. */
const SIZES: Record<string, number> = {
  [FILES.trainImages]: 16 + 60_000 * 784,
  [FILES.trainLabels]: 8 + 60_000,
  [FILES.testImages]: 16 + 10_000 * 784,
  [FILES.testLabels]: 8 + 10_000,
};

type Manifest = Record<string, { sha256: string } | undefined>;

/** The checksums `npm run data` recorded for the assets. */
async function fetchManifest(dir: string): Promise<Manifest> {
  try {
    const res = await fetch(`${dir}manifest.json`);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return (await res.json()) as Manifest;
  } catch (e) {
    throw new DatasetError('manifest.json', `could not be read (${(e as Error).message}). ${HINT}`);
  }
}

/** Loads, decompresses and validates MNIST in the worker; `train` keeps the first N images. */
export async function loadMnist(
  base: string,
  train: number,
  onProgress: DataProgress,
): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const dir = `${base}data/mnist/`;
  const manifest = await fetchManifest(dir);
  const [ti, tl, vi, vl] = await Promise.all(
    [FILES.trainImages, FILES.trainLabels, FILES.testImages, FILES.testLabels].map(async (file) => {
      const bytes = await fetchAsset(dir, file, HINT, onProgress, SIZES[file]);
      const want = manifest[file.replace(/\.gz$/, '')]?.sha256;
      if (!want || (await sha256(bytes)) !== want) {
        throw new DatasetError(
          file,
          `does not match the checksum recorded in manifest.json (damaged or replaced). ${HINT}`,
        );
      }
      return bytes;
    }),
  );
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
