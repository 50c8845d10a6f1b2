import { DatasetError } from '../data/idx';

export type DataProgress = (p: {
  file: string;
  loaded: number;
  total: number;
  phase: 'download' | 'decode';
}) => void;

export async function readAll(
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
export async function fetchAsset(
  dir: string,
  file: string,
  hint: string,
  onProgress: DataProgress,
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

/** Hex sha256 of bytes, to check prepared assets against their manifest. */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
