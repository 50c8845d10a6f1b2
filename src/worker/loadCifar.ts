import { del, get, set } from 'idb-keyval';
import { cifarDataset, type CifarBatches } from '../data/cifar';
import { isCifarBatches, readCifarStream } from '../data/cifarTar';
import { takeFirst, type ImageDataset } from '../data/dataset';
import { DatasetError } from '../data/idx';
import { fetchAsset, sha256, type DataProgress } from './fetchAsset';

/** IndexedDB key of an imported tarball's batches (bump when the stored shape changes). */
const STORE_KEY = 'cifar10-batches-v1';
const HINT =
  'Run "npm run data:cifar10 -- <path of cifar-10-binary.tar.gz>" to prepare the CIFAR-10 assets.';

interface Manifest {
  source: string;
  classNames: string[];
  trainFiles: string[];
  train: { file: string; records: number; sha256: string };
  test: { file: string; records: number; sha256: string };
}

/** Bytes of one CIFAR-10 record (label and 32x32x3 pixels), and records in the larger split. */
const RECORD_BYTES = 3073;
const MAX_RECORDS = 50_000;

/** Compressed bytes handed to the gunzip at a time (see readTarball). */
const GZIP_PIECE = 8192;

/** Where the batches came from, for the UI. */
export type CifarSource = 'assets' | 'stored' | 'file';

/** Prepared assets under public/data/cifar10/, checked against their manifest; null if absent. */
async function fromAssets(base: string, onProgress: DataProgress): Promise<CifarBatches | null> {
  const dir = `${base}data/cifar10/`;
  let res: Response;
  try {
    res = await fetch(`${dir}manifest.json`);
  } catch {
    return null;
  }
  if (!res.ok) return null;
  let manifest: Manifest;
  try {
    manifest = (await res.json()) as Manifest;
  } catch {
    return null; // a dev server's HTML fallback, not a manifest
  }
  const [train, test] = await Promise.all(
    [manifest.train, manifest.test].map(async (entry) => {
      const records = Math.min(MAX_RECORDS, Math.max(0, entry.records) || 0);
      const bytes = await fetchAsset(dir, entry.file, HINT, onProgress, records * RECORD_BYTES);
      if ((await sha256(bytes)) !== entry.sha256) {
        throw new DatasetError(
          entry.file,
          `does not match the checksum in manifest.json (damaged or replaced). ${HINT}`,
        );
      }
      return bytes;
    }),
  );
  return { train, test, classNames: manifest.classNames, trainFiles: manifest.trainFiles };
}

/**
 * Gunzips and reads a tarball the person chose as a stream, within the limits of
 * ../data/cifarTar (a bomb is cancelled where it passes them); every problem names the file.
 */
export async function readTarball(file: File, onProgress: DataProgress): Promise<CifarBatches> {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    throw new DatasetError(
      file.name,
      'is not a gzip file. Choose cifar-10-binary.tar.gz, the "binary version" of CIFAR-10',
    );
  }
  let read = 0;
  // Chromium's DecompressionStream inflates a whole written chunk at once (a 64 KB chunk of a
  // bomb is 64 MB), so the compressed bytes go in small pieces: with backpressure between
  // writes, at most one piece's output (~8 MB at deflate's best ratio) waits to be refused.
  const pieces = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctrl) {
      for (let at = 0; at < chunk.length; at += GZIP_PIECE)
        ctrl.enqueue(chunk.subarray(at, at + GZIP_PIECE));
      read += chunk.byteLength;
      onProgress({ file: file.name, loaded: read, total: file.size, phase: 'decode' });
    },
  });
  const stream = file
    .stream()
    .pipeThrough(pieces)
    .pipeThrough(
      new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  try {
    return await readCifarStream(stream, file.name);
  } catch (e) {
    if (e instanceof DatasetError) throw e;
    throw new DatasetError(
      file.name,
      `is truncated or corrupt: its gzip data ends early or is damaged (${(e as Error).message})`,
    );
  }
}

/**
 * CIFAR-10 for training, from the first source that has it: prepared assets, the batches a
 * previous import stored in IndexedDB, or a tarball the person picks (`askForFile` waits for
 * one; a bad file is reported through it and another is asked for). Nothing half-read is used.
 */
export async function loadCifar(
  base: string,
  train: number,
  onProgress: DataProgress,
  askForFile: (problem: string | null) => Promise<File>,
): Promise<{ train: ImageDataset; test: ImageDataset; source: CifarSource }> {
  let source: CifarSource = 'assets';
  let batches = await fromAssets(base, onProgress);
  if (!batches) {
    source = 'stored';
    const stored = await get<unknown>(STORE_KEY).catch(() => undefined);
    batches = isCifarBatches(stored) ? stored : null;
    // One kept before the import had limits (or damaged) is dropped, not trained on.
    if (stored !== undefined && !batches) await del(STORE_KEY).catch(() => undefined);
  }
  let problem: string | null = null;
  while (!batches) {
    const file = await askForFile(problem);
    try {
      batches = await readTarball(file, onProgress);
      source = 'file';
    } catch (e) {
      problem = (e as Error).message;
      continue;
    }
    // Kept for later visits; a browser that refuses storage just asks again next time.
    await set(STORE_KEY, batches).catch(() => undefined);
  }
  const full = cifarDataset(batches.train, 'cifar10-train', batches.classNames);
  const test = cifarDataset(batches.test, 'cifar10-test', batches.classNames, full);
  return { train: takeFirst(full, train), test, source };
}
