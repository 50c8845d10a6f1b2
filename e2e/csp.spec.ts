import { expect, test, type Page } from '@playwright/test';
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
