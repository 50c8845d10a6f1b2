import { DatasetError } from '../data/idx';

export type DataProgress = (p: {
  file: string;
  loaded: number;
  total: number;
  phase: 'download' | 'decode';
}) => void;

/** Raised by `readAll` when a stream holds more than its limit. */
class TooLarge extends Error {}

/**
 * Reads a whole stream, refusing (and cancelling it) as soon as it holds more than `limit`
 * bytes: a wrong or hostile file stops at the limit instead of filling the worker's memory.
 */
export async function readAll(
  stream: ReadableStream<Uint8Array>,
  onChunk: (n: number) => void,
  limit = Infinity,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
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

/** Compressed bytes handed to the gunzip at a time: its output between two checks stays small. */
const GZIP_PIECE = 8192;

function inPieces(): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, ctrl) {
      for (let at = 0; at < chunk.length; at += GZIP_PIECE)
        ctrl.enqueue(chunk.subarray(at, at + GZIP_PIECE));
    },
  });
}

/** The most bytes gzip can turn `n` bytes into: stored blocks, header and trailer. */
const gzipBound = (n: number) => n + 5 * Math.ceil(n / 16_383) + 64;

const megabytes = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/**
 * Downloads one asset with progress and gunzips it (unless the server already did).
 * `maxBytes` is the most the decoded asset can hold (what the dataset's file is): a larger
 * Content-Length is refused before reading, and the download and the gunzip are counted as
 * they stream and stopped at the limit, with a message naming the file.
 */
export async function fetchAsset(
  dir: string,
  file: string,
  hint: string,
  onProgress: DataProgress,
  maxBytes: number,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(`${dir}${file}`);
  } catch (e) {
    throw new DatasetError(file, `could not be downloaded (${(e as Error).message})`);
  }
  if (!res.ok || !res.body) {
    throw new DatasetError(file, `could not be downloaded (HTTP ${res.status}). ${hint}`);
  }
  const tooLarge = (what: string) =>
    new DatasetError(
      file,
      `is larger than this file can be (${megabytes(maxBytes)}): ${what}. It is not the ` +
        `expected data set file, so it was not read any further. ${hint}`,
    );
  // Compressed or already decoded by the transport, a download is never larger than this.
  const maxDownload = gzipBound(maxBytes);
  const total = Number(res.headers.get('content-length') ?? 0);
  if (total > maxDownload) {
    await res.body.cancel().catch(() => undefined);
    throw tooLarge(`the server announced ${megabytes(total)}`);
  }
  let raw: Uint8Array;
  try {
    raw = await readAll(
      res.body,
      (loaded) => onProgress({ file, loaded, total, phase: 'download' }),
      maxDownload,
    );
  } catch (e) {
    if (e instanceof TooLarge) throw tooLarge('the download went past that');
    throw new DatasetError(file, `could not be downloaded (${(e as Error).message})`);
  }
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) {
    if (raw.byteLength > maxBytes) throw tooLarge(`it is ${megabytes(raw.byteLength)}`);
    return raw; // already decoded by the transport
  }
  onProgress({ file, loaded: 0, total: raw.byteLength, phase: 'decode' });
  try {
    // In small pieces: Chromium inflates a whole written chunk at once (see loadCifar).
    const stream = new Blob([raw as BlobPart])
      .stream()
      .pipeThrough(inPieces())
      .pipeThrough(
        new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
      );
    return await readAll(stream, () => {}, maxBytes);
  } catch (e) {
    if (e instanceof TooLarge) throw tooLarge('decompressed, it went past that');
    throw new DatasetError(file, `is not a valid gzip file (${(e as Error).message})`);
  }
}

/** Hex sha256 of bytes, to check prepared assets against their manifest. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
