import { DatasetError } from '../data/idx';
import { mnistFromIdx, takeFirst, type ImageDataset } from '../data/dataset';

export type DataProgress = (p: {
  file: string;
  loaded: number;
  total: number;
  phase: 'download' | 'decode';
}) => void;

const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};

async function readAll(
  stream: ReadableStream<Uint8Array>,
  onChunk: (n: number) => void,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    onChunk(size);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}

/** Downloads one asset with progress and gunzips it (unless the server already did). */
async function fetchAsset(
  base: string,
  file: string,
  onProgress: DataProgress,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(`${base}data/mnist/${file}`);
  } catch (e) {
    throw new DatasetError(file, `could not be downloaded (${(e as Error).message})`);
  }
  if (!res.ok || !res.body) {
    throw new DatasetError(
      file,
      `could not be downloaded (HTTP ${res.status}). Run "npm run data" to generate the MNIST assets under public/data/.`,
    );
  }
  const total = Number(res.headers.get('content-length') ?? 0);
  const raw = await readAll(res.body, (loaded) =>
    onProgress({ file, loaded, total, phase: 'download' }),
  );
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw; // already decoded by the transport
  onProgress({ file, loaded: 0, total: raw.byteLength, phase: 'decode' });
  try {
    const stream = new Blob([raw as BlobPart])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return await readAll(stream, () => {});
  } catch (e) {
    throw new DatasetError(file, `is not a valid gzip file (${(e as Error).message})`);
  }
}

/** Loads, decompresses and validates MNIST in the worker; `train` keeps the first N images. */
export async function loadMnist(
  base: string,
  train: number,
  onProgress: DataProgress,
): Promise<{ train: ImageDataset; test: ImageDataset }> {
  const [ti, tl, vi, vl] = await Promise.all([
    fetchAsset(base, FILES.trainImages, onProgress),
    fetchAsset(base, FILES.trainLabels, onProgress),
    fetchAsset(base, FILES.testImages, onProgress),
    fetchAsset(base, FILES.testLabels, onProgress),
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
