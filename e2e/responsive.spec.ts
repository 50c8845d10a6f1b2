import { expect, test, type Page } from '@playwright/test';
import { BUILT_PORT } from '../playwright.config';

/** Measured on the built site, as people use it (the dev server runs development React). */
const BUILT = `http://127.0.0.1:${BUILT_PORT}`;

/**
 * Issue 17: two shared links froze the tab and ate gigabytes, because the charts grew with
 * every update and every event re-rendered them. While each trains, the page must keep
 * answering and its heap stay bounded.
 */
const LINKS: [string, string][] = [
  // 600,000 planned steps: the schedule chart looped over every remaining one per event.
  [
    'rigl, 100 epochs of 60,000 at batch 10',
    '/?method=rigl&batch=10&epochs=100&train=60000&autorun=1',
  ],
  // A mask update every step of 60,000: over a hundred updates a second, each a bar, a dot,
  // a network picture and a set of mask views (redrawn at every flush before issue 17).
  [
    'set, a mask update every step',
    '/?method=set&hidden=8&train=60000&batch=1&epochs=1&update_every=1&update_until=1&autorun=1',
  ],
  // Masks of 1.6 and 4.2 million weights, drawn at every mask event (in view: scrolled to).
  [
    'mask views of two 2048-wide layers',
    '/?hidden=2048,2048&density=0.3&train=1000&epochs=5&autorun=1',
  ],
];

const TRAIN_MS = 25_000;
const P95_MS = 200;
/**
 * The JS heap bound while a link trains. Measured peaks: 9 MB (big masks), 48 MB (rigl), 61 MB
 * (every-step SET, 81 MB before issue 17's fix); the store keeps every update's report
 * (a few hundred bytes each) for the export, the charts only a bounded number of marks.
 */
const HEAP_BYTES = 150e6;

/**
 * A probe every 100 ms would wait until the main thread is free: a gap of `g` ms between two
 * ticks of a 100 ms timer stands for probes waiting g - 100, g - 200, ... ms. Installed before the
 * app so nothing it does can hide from it.
 */
function installProbe(): void {
  const w = window as unknown as { __probe: { waits: number[]; on: boolean } };
  w.__probe = { waits: [], on: false };
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (w.__probe.on)
      for (let wait = now - last - 100; ; wait -= 100) {
        w.__probe.waits.push(Math.max(0, wait));
        if (wait < 100) break;
      }
    last = now;
  }, 100);
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

async function measure(page: Page, url: string) {
  await page.addInitScript(installProbe);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url);
  await expect(page.getByTestId('status')).toHaveText(/running/, { timeout: 90_000 });
  await page.getByTestId('mask-views').scrollIntoViewIfNeeded();
  // From here on: page loading (module evaluation in the dev server) is not what is measured.
  await page.evaluate(() => {
    (window as unknown as { __probe: { on: boolean } }).__probe.on = true;
  });
  let heapPeak = 0;
  let nodesPeak = 0;
  const start = Date.now();
  while (Date.now() - start < TRAIN_MS) {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    heapPeak = Math.max(heapPeak, metric('JSHeapUsedSize'));
    nodesPeak = Math.max(nodesPeak, metric('Nodes'));
    await page.waitForTimeout(1000);
  }
  const waits = await page.evaluate(
    () => (window as unknown as { __probe: { waits: number[] } }).__probe.waits,
  );
  const status = await page.getByTestId('status').textContent();
  const updates = await page.getByTestId('chart-momentum').locator('.caption').textContent();
  return { waits, heapPeak, nodesPeak, status, updates: /\((\d+) mask update/.exec(updates!)?.[1] };
}

for (const [name, url] of LINKS) {
  test(`${name}: the page answers within ${P95_MS} ms (p95), heap under ${HEAP_BYTES / 1e6} MB`, async ({
    page,
  }) => {
    test.setTimeout(240_000);
    const { waits, heapPeak, nodesPeak, status, updates } = await measure(page, BUILT + url);
    const p95 = percentile(waits, 0.95);
    console.log(
      `${name}: ${waits.length} probes, p95 wait ${p95.toFixed(0)} ms, longest ${Math.max(...waits).toFixed(0)} ms; ` +
        `JS heap peak ${(heapPeak / 1e6).toFixed(1)} MB, DOM nodes peak ${nodesPeak}; ` +
        `${updates} mask updates, status ${status}`,
    );
    // The run did storm: updates kept arriving while we measured (the big masks: drawn).
    if (url.includes('update_every')) expect(Number(updates)).toBeGreaterThan(500);
    else if (url.includes('rigl')) expect(Number(updates)).toBeGreaterThan(0);
    else await expect(page.getByTestId('mask-fc2')).toBeVisible();
    // 25 s of probes every 100 ms (fewer only if the run ended first).
    expect(waits.length).toBeGreaterThan(50);
    expect(p95).toBeLessThan(P95_MS);
    expect(heapPeak).toBeLessThan(HEAP_BYTES);
  });
}
