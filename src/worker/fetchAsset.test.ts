import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchAsset } from './fetchAsset';

const CHUNK = 64 * 1024;

/** A response streaming `bytes` in 64 kB chunks, counting what was pulled from it. */
function serve(bytes: Uint8Array, contentLength: boolean) {
  const served = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(ctrl) {
        if (served.pulled >= bytes.length) return ctrl.close();
        const chunk = bytes.subarray(served.pulled, served.pulled + CHUNK);
        served.pulled += chunk.length;
        ctrl.enqueue(chunk);
      },
      cancel() {
        served.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  const headers = contentLength ? { 'content-length': String(bytes.length) } : undefined;
  vi.stubGlobal('fetch', () => Promise.resolve(new Response(body, { headers })));
  return served;
}

const get = (maxBytes: number) =>
  fetchAsset(
    'http://test/data/',
    'train-images-idx3-ubyte.gz',
    'Run "npm run data".',
    () => {},
    maxBytes,
  );

describe('fetchAsset', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('refuses a download whose Content-Length is over the limit without reading it', async () => {
    const served = serve(new Uint8Array(4e6), true);
    await expect(get(1e6)).rejects.toThrow(
      /^train-images-idx3-ubyte\.gz: is larger than this file can be \(1\.0 MB\): the server announced 4\.0 MB/,
    );
    expect(served.pulled).toBe(0);
  });

  it('stops a download without Content-Length once it passes the limit', async () => {
    const served = serve(new Uint8Array(50e6), false);
    await expect(get(1e6)).rejects.toThrow('the download went past that');
    // Read up to the limit and one chunk more, not the 50 MB.
    expect(served.pulled).toBeLessThanOrEqual(1e6 + 2 * CHUNK);
    expect(served.cancelled).toBe(true);
  });

  it('stops a gzip that inflates past the limit (a gzip bomb) as it decompresses', async () => {
    const bomb = gzipSync(new Uint8Array(200e6));
    expect(bomb.length).toBeLessThan(1e6);
    serve(bomb, true);
    const before = process.memoryUsage().arrayBuffers;
    await expect(get(1e6)).rejects.toThrow('decompressed, it went past that');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100e6);
  });

  it('reads a file within its limit, gzipped or already decoded', async () => {
    const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251);
    serve(gzipSync(data), true);
    expect(await get(data.length)).toEqual(data);
    serve(data, false);
    expect(await get(data.length)).toEqual(data);
  });
});
