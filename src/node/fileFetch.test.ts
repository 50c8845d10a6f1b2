import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fileFetch } from './fileFetch';

describe('fileFetch (the Node runtime reads the prepared assets from disk)', () => {
  const root = mkdtempSync(join(tmpdir(), 'file-fetch-'));
  mkdirSync(join(root, 'data'));
  writeFileSync(join(root, 'data', 'a.bin'), new Uint8Array([1, 2, 3, 4, 5]));
  writeFileSync(join(root, 'secret.txt'), 'no');
  const dir = `${pathToFileURL(root).href}/data/`;
  const seen: string[] = [];
  const f = fileFetch(dir, async (input) => {
    seen.push(String(input));
    return new Response('from the network');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers a file with its bytes and Content-Length, as a static server would', async () => {
    const res = await f(`${dir}a.bin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('5');
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([1, 2, 3, 4, 5]);
  });

  it('answers 404 for a missing file and 403 outside the data folder', async () => {
    expect((await f(`${dir}missing.json`)).status).toBe(404);
    expect((await f(`${dir}`)).status).toBe(404);
    expect((await f(`${dir}../secret.txt`)).status).toBe(403);
  });

  it('leaves every other URL to the fetch it wraps', async () => {
    expect(await (await f('http://127.0.0.1:1/x')).text()).toBe('from the network');
    expect(seen).toEqual(['http://127.0.0.1:1/x']);
  });
});
