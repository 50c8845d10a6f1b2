import { expect, test, type Page } from '@playwright/test';

/** True when the element lies wholly inside the viewport, as a person sees it without scrolling. */
async function inViewport(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return (
      r.width > 0 &&
      r.height > 0 &&
      r.top >= 0 &&
      r.left >= 0 &&
      r.bottom <= innerHeight &&
      r.right <= innerWidth
    );
  });
}

const SIZES = [
  { name: 'laptop 1366x768', width: 1366, height: 768, query: '', charts: 2 },
  { name: 'laptop 1280x720', width: 1280, height: 720, query: '', charts: 2 },
  {
    name: 'projector 1024x768',
    width: 1024,
    height: 768,
    query: 'projector=1&hide=controls&autorun=1',
    charts: 2,
  },
  { name: 'phone 390x844', width: 390, height: 844, query: '', charts: 1 },
];

for (const size of SIZES) {
  test(`${size.name}: after Start the network and the charts are on screen, nothing scrolls sideways, the run bar stays`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto(`/?train=2000&epochs=2&${size.query}`);
    if (!size.query.includes('autorun')) await page.getByTestId('start').click();
    await expect(page.getByTestId('run-progress')).toBeVisible();
    // The masks arrive with the first step: the drawing is there, not its placeholder.
    await expect(page.getByTestId('network').getByRole('img')).toBeVisible();
    expect(await inViewport(page, 'network')).toBe(true);
    const charts = ['chart-accuracy', 'chart-density'];
    const shown = [];
    for (const c of charts) if (await inViewport(page, c)) shown.push(c);
    expect(shown.length).toBeGreaterThanOrEqual(size.charts);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);

    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const control = page
      .getByTestId('pause')
      .or(page.getByTestId('resume'))
      .or(page.getByTestId('start'));
    await expect(control).toBeVisible();
    expect(
      await control.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
      }),
    ).toBe(true);
    // Narrow widths down to 360 px never scroll sideways either.
    for (const width of [360, 600, 800]) {
      await page.setViewportSize({ width, height: size.height });
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      ).toBe(true);
    }
  });
}

test('the network drawing counts what the store holds: active per layer, and each update’s pruned and regrown', async ({
  page,
}) => {
  await page.goto('/?train=2000&epochs=2&hidden=60,30&seed=3');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  const table = page.getByTestId('mask-update').locator('tbody tr');
  const rows = await table.count();
  expect(rows).toBe(3);
  for (let i = 0; i < rows; i++) {
    const cells = await table.nth(i).locator('th, td').allTextContents();
    const [name, , pruned, regrown, after] = cells;
    const layer = page.getByTestId('network').locator(`[data-layer="${name}"]`);
    const n = (s: string) => Number(s.replace(/,/g, ''));
    expect(n((await layer.getAttribute('data-active'))!)).toBe(n(after));
    expect(n((await layer.getAttribute('data-pruned'))!)).toBe(n(pruned));
    expect(n((await layer.getAttribute('data-regrown'))!)).toBe(n(regrown));
  }
  // The accessible label names it the network and its layers.
  await expect(
    page.getByRole('img', { name: /The network: input, 784 pixels → fc1, 60 units/ }),
  ).toBeVisible();
});

test('Step trains one mini-batch; a test accuracy on a sample appears within the first 100 steps', async ({
  page,
}) => {
  await page.goto('/?train=20000&epochs=1&hidden=100');
  await page.getByTestId('step-batch').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('run-progress')).toContainText('step 1 of 200');
  await page.getByTestId('step-batch').click();
  await expect(page.getByTestId('run-progress')).toContainText('step 2 of 200');
  await page.getByTestId('resume').click();
  const sample = page.getByTestId('bar-test-acc');
  await expect(sample).toBeVisible();
  await expect(page.getByTestId('run-progress')).toContainText('(sample)');
  const step = Number(
    /step (\d+) of 200/.exec((await page.getByTestId('run-progress').textContent())!)![1],
  );
  expect(step).toBeLessThanOrEqual(100);
  expect(Number((await sample.textContent())!.replace('%', ''))).toBeGreaterThan(10);
  // The accuracy chart draws the sample's curve (dashed) before any epoch ends.
  await expect(page.getByTestId('chart-accuracy').locator('.recharts-line-curve')).not.toHaveCount(
    0,
  );
  await expect(page.getByTestId('last-epoch')).toHaveCount(0);
});
