import { expect, test, type Page } from '@playwright/test';

/** What the settings say: the address bar and a few values of Details. */
async function settings(page: Page) {
  const values: Record<string, string | null> = {};
  for (const key of ['method', 'density', 'hidden', 'train', 'epochs', 'seed'])
    values[key] = await page.getByTestId(`config-${key}`).textContent();
  return { url: page.url(), values };
}

/** Every run of the comparison as the panel lists it once all ended: "label: 12.34%". */
async function finishedRuns(page: Page, count: number): Promise<string[]> {
  const runs = page.getByTestId('comparison-runs').locator('li');
  await expect(runs).toHaveCount(count);
  await expect(page.getByTestId('comparison-status')).toHaveText(`All ${count} runs ended.`, {
    timeout: 200_000,
  });
  return runs.allTextContents();
}

test('a comparison leaves the settings alone, and its link replays it with the same accuracies', async ({
  page,
  context,
}) => {
  test.slow();
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?train=500&epochs=1&seed=3&method=set&density=0.2');
  const before = await settings(page);
  await expect(page.getByTestId('preset-dense-vs-snfs-time')).toContainText(
    '2 runs × 5 epochs on 54,000 images, time here not known',
  );

  await page.getByTestId('preset-dense-vs-snfs-quick').click();
  // While it runs, the overlay sits beside the live run, in view (not at the bottom).
  // While it runs, the overlay sits beside the live run, in view (not at the bottom).
  await expect(page.getByTestId('comparison-status')).toContainText('Run 2 of 2', {
    timeout: 200_000,
  });
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  for (const id of ['comparison', 'chart-compare', 'chart-accuracy', 'network', 'start'])
    await expect(page.getByTestId(id)).toBeInViewport();
  await page.screenshot({ path: 'e2e/screenshots/compare-running-1366.png' });

  const texts = await finishedRuns(page, 2);
  expect(texts[0]).toMatch(/^dense: \d+\.\d\d%$/);
  expect(texts[1]).toMatch(/^SNFS 5%: \d+\.\d\d%$/);
  await expect(page.getByTestId('chart-compare').locator('.recharts-line')).toHaveCount(2);

  // The settings and the address bar are the person's own, before and after.
  expect(await settings(page)).toEqual(before);
  await expect(page.getByTestId('needs-restart')).toHaveCount(0);

  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-compare-csv').click(),
  ]);
  const csv = (await (await csvDownload.createReadStream()).toArray()).join('');
  const [header, ...rows] = csv
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  expect(header.slice(0, 4)).toEqual(['run', 'label', 'epoch', 'testAcc']);
  expect(rows.map((r) => `${r[1]}: ${(Number(r[3]) * 100).toFixed(2)}%`)).toEqual(texts);

  const link = (await page.getByTestId('compare-link').getAttribute('href'))!;
  expect(link).toContain('compare=method:dense,snfs;density:1,0.05');
  expect(new URL(link).searchParams.get('method')).toBe('set');
  expect(new URL(link).searchParams.get('density')).toBe('0.2');

  const fresh = await context.newPage();
  await fresh.setViewportSize({ width: 390, height: 844 });
  await fresh.goto(link);
  await expect(fresh.getByTestId('rejected')).toHaveCount(0);
  await expect(fresh.getByTestId('linked-comparison')).toContainText(
    'This link holds a comparison of 2 runs: dense, SNFS 5%',
  );
  await fresh.getByTestId('run-comparison').click();
  // On a phone the comparison comes first under the run bar, the live run's figures in it.
  await expect(fresh.getByTestId('comparison-status')).toContainText('Run 2 of 2', {
    timeout: 200_000,
  });
  await expect.poll(() => fresh.evaluate(() => window.scrollY)).toBe(0);
  await expect(fresh.getByTestId('comparison-runs')).toBeInViewport();
  await expect(fresh.getByTestId('chart-compare')).toBeInViewport();
  await fresh.screenshot({ path: 'e2e/screenshots/compare-running-390.png' });
  expect(await fresh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await finishedRuns(fresh, 2)).toEqual(texts);
  expect(fresh.url()).toBe(link);
});
