import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page, type Worker } from '@playwright/test';
import { BUILT_PORT } from '../playwright.config';

const BUILT = `http://127.0.0.1:${BUILT_PORT}/`;

/** Collects Content-Security-Policy violations the page reports. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __cspViolation(v: string): void }).__cspViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      ),
    );
  });
  return violations;
}

test('the built site runs under its Content-Security-Policy (no inline script, no eval)', async ({
  page,
}) => {
  const violations = await watchViolations(page);
  await page.goto(`${BUILT}?train=1000&epochs=1&hidden=50&autorun=1`);
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  await expect(page.getByTestId('status')).toHaveText('done', { timeout: 120_000 });
  await expect(page.getByTestId('test-acc')).toContainText('%');
  // The policy is enforced: an injected inline script does not run, and is reported.
  const evalBlocked = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan !== true;
  });
  expect(evalBlocked).toBe(true);
  await expect.poll(() => violations.some((v) => v.startsWith('script-src'))).toBe(true);
  expect(violations.filter((v) => !v.startsWith('script-src'))).toEqual([]);
});

test('markup and script in a URL are shown as text, never run or rendered', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const payloads = [
    ['hidden', '<img src=x onerror="window.__pwned=1">'],
    ['<script>window.__pwned=1</script>', '1'],
    ['density', '"><svg onload=alert(1)>'],
    ['model', 'javascript:alert(1)'],
  ];
  const query = payloads
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  for (const base of [BUILT, '/']) {
    await page.goto(`${base}?${query}&autorun=1`);
    const banner = page.getByTestId('rejected');
    await expect(banner.locator('li')).toHaveCount(4);
    await expect(banner).toContainText('Parameter "hidden=<img src=x onerror="window.__pwned=1">"');
    await expect(banner).toContainText('Parameter "<script>window.__pwned=1</script>=1"');
    await expect(banner.locator('img, svg, script')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBe(
      undefined,
    );
    // The app still starts with a valid configuration (defaults for what was refused).
    await expect(page.getByTestId('config-density')).toHaveText('0.05');
    await expect(page.getByTestId('start')).toBeVisible();
  }
  expect(dialogs).toEqual([]);
});

/** A loopback HTTP server on a free port (127.0.0.1 only), recording the paths asked of it. */
async function loopback(
  body: string,
): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    // Readable from anywhere, so only the page's own policy can stop a request to it.
    res.writeHead(200, { 'Content-Type': 'text/html', 'Access-Control-Allow-Origin': '*' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The `/*` block of the `_headers` file the build wrote (Netlify / Cloudflare Pages format). */
function builtHeadersFile(): Record<string, string> {
  const text = readFileSync('dist-e2e/_headers', 'utf8');
  const block = text.split('\n/*\n')[1] ?? '';
  return Object.fromEntries(
    block
      .split('\n')
      .filter((l) => /^\s+\S/.test(l))
      .map((l) => {
        const at = l.indexOf(':');
        return [l.slice(0, at).trim().toLowerCase(), l.slice(at + 1).trim()];
      }),
  );
}

/** Opens the built app with a small run and trains one mini-batch, so its worker exists. */
async function builtWorker(page: Page): Promise<Worker> {
  const started = page.waitForEvent('worker');
  await page.goto(`${BUILT}?train=1000&epochs=1&hidden=50`);
  await page.getByTestId('step-batch').click();
  const worker = await started;
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 120_000 });
  return worker;
}

test('the preview server sends the policy and the framing headers with the page and the worker, as _headers says', async ({
  page,
  request,
}) => {
  const worker = await builtWorker(page);
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  const file = builtHeadersFile();
  expect(file['content-security-policy']).toBe(`${meta}; frame-ancestors 'none'`);
  expect(file['x-frame-options']).toBe('DENY');
  for (const url of [BUILT, worker.url()]) {
    const headers = (await request.get(url)).headers();
    expect(headers['content-security-policy'], url).toBe(file['content-security-policy']);
    expect(headers['x-frame-options'], url).toBe('DENY');
  }
  expect(worker.url()).toMatch(/\/assets\/train\.worker-[\w-]+\.js$/);
  // The worker bundle needs no string-compiled code, so the policy costs it nothing.
  const workerCode = await (await request.get(worker.url())).text();
  expect(workerCode).not.toMatch(/\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(/);
});

test('inside the worker, string code and a request to another origin are refused', async ({
  page,
}) => {
  const elsewhere = await loopback('not for the worker');
  try {
    const worker = await builtWorker(page);
    const tried = await worker.evaluate(async (target) => {
      const scope = self as unknown as { __stringTimerRan?: boolean };
      // Chromium lets code that DevTools evaluates call eval itself, so each attempt runs in a
      // task of the worker's own, as code from a hostile file would.
      const attempt = (run: () => unknown) =>
        new Promise<string>((resolve) =>
          setTimeout(() => {
            try {
              run();
              resolve('ran');
            } catch (e) {
              resolve(e instanceof EvalError ? 'refused' : String(e));
            }
          }, 0),
        );
      const evalled = await attempt(() => (0, eval)('1 + 1'));
      const constructed = await attempt(() => new Function('return 1')());
      setTimeout('self.__stringTimerRan = true', 0);
      let crossOrigin = 'sent';
      try {
        await fetch(target, { mode: 'no-cors' });
      } catch {
        crossOrigin = 'refused';
      }
      const ownOrigin = (await fetch(location.href)).ok;
      await new Promise((r) => setTimeout(r, 300));
      return {
        evalled,
        constructed,
        stringTimer: scope.__stringTimerRan === true ? 'ran' : 'refused',
        crossOrigin,
        ownOrigin,
      };
    }, `${elsewhere.origin}/from-the-worker`);
    expect(tried).toEqual({
      evalled: 'refused',
      constructed: 'refused',
      stringTimer: 'refused',
      crossOrigin: 'refused',
      ownOrigin: true,
    });
    expect(elsewhere.hits).toEqual([]);
  } finally {
    await elsewhere.close();
  }
});

test('a page on another origin cannot frame the app', async ({ page }) => {
  const host = await loopback(
    `<!doctype html><title>host</title><iframe id="app" src="${BUILT}" onload="document.title = 'frame loaded'"></iframe>`,
  );
  try {
    const refusals: string[] = [];
    page.on('console', (m) => {
      if (/frame-ancestors|X-Frame-Options/.test(m.text())) refusals.push(m.text());
    });
    await page.goto(`${host.origin}/`);
    await expect(page).toHaveTitle('frame loaded');
    const framed = page.frames().find((f) => f !== page.mainFrame());
    expect(framed?.url()).not.toContain(`127.0.0.1:${BUILT_PORT}`);
    await expect(page.frameLocator('#app').getByTestId('start')).toHaveCount(0);
    await expect.poll(() => refusals.length).toBeGreaterThan(0);
  } finally {
    await host.close();
  }
});

test('the dev server sends its policy (refresh preamble by hash, no eval) and the framing headers', async ({
  page,
  request,
}) => {
  const served = [
    ['/', /^text\/html/],
    ['/src/worker/train.worker.ts?worker_file&type=module', /javascript/],
  ] as const;
  for (const [url, type] of served) {
    const response = await request.get(url);
    expect(response.ok(), url).toBe(true);
    const headers = response.headers();
    expect(headers['content-type'], url).toMatch(type);
    const csp = headers['content-security-policy'] ?? '';
    expect(csp, url).toContain("frame-ancestors 'none'");
    expect(csp, url).toMatch(/script-src 'self' 'sha256-[\w+/=]+'(;|$)/);
    expect(csp, url).not.toContain('unsafe-eval');
    expect(headers['x-frame-options'], url).toBe('DENY');
  }
  // The dev page still starts under it, with nothing refused.
  const violations = await watchViolations(page);
  await page.goto('/');
  await expect(page.getByTestId('start')).toBeVisible();
  await page.waitForTimeout(1000);
  expect(violations).toEqual([]);
});
