import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/**
 * A `fetch` that also answers `file:` URLs inside `dir` (a folder URL ending in "/"), from
 * disk, with the Content-Length a static server would send; every other URL goes to `inner`.
 * Node 20's fetch has no `file:` scheme, and the app's loaders (src/worker/loadMnist.ts,
 * loadCifar.ts) read their assets with `fetch`: this lets them run unchanged, checksums and
 * size limits included, without a server. A missing file answers 404, as a server would.
 */
export function fileFetch(dir: string, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const href = input instanceof Request ? input.url : String(input);
    if (!href.startsWith('file:')) return inner(input, init);
    const url = new URL(href);
    if (!url.href.startsWith(dir)) return new Response(null, { status: 403 });
    const path = fileURLToPath(url);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return new Response(null, { status: 404 });
    const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    return new Response(body, { headers: { 'content-length': String(info.size) } });
  };
}
