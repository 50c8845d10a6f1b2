import { expect, test, type Page } from '@playwright/test';

/** A dense MLP that passes 90% test accuracy in one short epoch, even on SwiftShader. */
const LINK = '/?train=12000&epochs=1&method=dense&seed=1';

/** A "1" in the drawing's own 280x280 pixels: one slightly slanted stroke, top to bottom. */
const ONE = Array.from({ length: 21 }, (_, i) => ({ x: 150 - i * 0.8, y: 40 + i * 10 }));

/** Where points of the drawing are in the viewport (scrolled into view first). */
async function onPage(page: Page, points: { x: number; y: number }[]) {
  await page.getByTestId('draw-digit').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('draw-digit').boundingBox())!;
  return points.map((p) => ({
    x: box.x + (p.x * box.width) / 280,
    y: box.y + (p.y * box.height) / 280,
  }));
}

async function answered(page: Page) {
  await expect(page.getByTestId('try')).toHaveAttribute('data-pending', 'false');
  await expect(page.getByTestId('try-verdict')).toBeVisible();
  const bars = page.getByTestId('try-bar');
  const p = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-p'))));
  return { predicted: (await page.getByTestId('try-predicted').textContent())!, p };
}

/** Asks about test image `index` by its number. */
async function testImage(page: Page, index: number) {
  await page.getByTestId('try-index').fill(String(index));
  await page.getByTestId('try-show').click();
  await expect(page.getByTestId('try-verdict')).toContainText(`Test image ${index} of 10,000`);
  return answered(page);
}

async function trainToEnd(page: Page, link: string) {
  await page.goto(link);
  await page.getByTestId('start').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  const acc = Number((await page.getByTestId('test-acc').textContent())!.replace('%', ''));
  expect(acc).toBeGreaterThanOrEqual(90);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

test.use({ hasTouch: true });

test('try the network: only while paused or done; a drawn 1 is a 1; test images as on the CPU', async ({
  page,
}) => {
  const pick = page.getByTestId('try-random');
  await page.goto(LINK);
  await expect(page.getByTestId('try-note')).toContainText('Train a network first');
  await expect(pick).toBeDisabled();

  // A pause after one batch answers with the weights of step 1.
  await page.getByTestId('step-batch').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('try-note')).toHaveCount(0);
  await pick.click();
  const early = await answered(page);
  expect(Math.abs(sum(early.p) - 1)).toBeLessThan(1e-4);
  await expect(page.getByTestId('try-verdict')).toContainText('Weights after step 1.');
  await expect(page.getByTestId('try-label')).toHaveText(/^[0-9]$/);

  // While training the controls wait, saying why.
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('try-note')).toContainText('Pause to try the network');
  await expect(pick).toBeDisabled();
  await expect(page.getByTestId('draw-digit')).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('status')).toHaveText('done');
  const acc = Number((await page.getByTestId('test-acc').textContent())!.replace('%', ''));
  expect(acc).toBeGreaterThanOrEqual(90);
  await expect(page.getByTestId('device')).toContainText('Training on WebGPU');

  // A "1" drawn with the mouse, after the run.
  const points = await onPage(page, ONE);
  await page.mouse.move(points[0].x, points[0].y);
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps: 2 });
  await page.mouse.up();
  const drawn = await answered(page);
  expect(drawn.predicted).toBe('1');
  expect(drawn.p).toHaveLength(10);
  expect(Math.abs(sum(drawn.p) - 1)).toBeLessThan(1e-4);
  await expect(page.getByTestId('try-verdict')).toContainText('Weights after step 120.');
  await expect(page.getByTestId('try-seen')).toHaveAttribute(
    'aria-label',
    /as the network sees it/,
  );

  // The same stroke with a finger: it draws, it does not scroll the page.
  await page.getByTestId('try-clear').click();
  await expect(page.getByTestId('try-verdict')).toHaveCount(0);
  const scrollY = await page.evaluate(() => window.scrollY);
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', p?: { x: number; y: number }) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [p] : [] });
  await touch('touchStart', points[0]);
  for (const p of points.slice(1)) await touch('touchMove', p);
  await touch('touchEnd');
  const fingered = await answered(page);
  expect(fingered.predicted).toBe('1');
  expect(await page.evaluate(() => window.scrollY)).toBe(scrollY);

  // Bad input gets a message and keeps the last answer's place.
  await page.getByTestId('try-index').fill('10000');
  await page.getByTestId('try-show').click();
  await expect(page.getByTestId('try-message')).toHaveText(
    'There is no test image 10000: the test set has 10,000 images, numbered 0 to 9999.',
  );

  // Test images: the label shown, and the prediction the CPU backend's network makes too.
  const indices = [0, 1, 2, 3];
  const gpu = [];
  for (const i of indices) gpu.push(await testImage(page, i));
  for (const g of gpu) expect(Math.abs(sum(g.p) - 1)).toBeLessThan(1e-4);
  await expect(page.getByTestId('try-seen')).toHaveAttribute('aria-label', 'Test image 3');

  await trainToEnd(page, `${LINK}&backend=cpu`);
  await expect(page.getByTestId('device')).toContainText('Training on the CPU');
  for (const [k, i] of indices.entries()) {
    const cpu = await testImage(page, i);
    expect(cpu.predicted).toBe(gpu[k].predicted);
    for (let c = 0; c < 10; c++) expect(Math.abs(cpu.p[c] - gpu[k].p[c])).toBeLessThan(0.02);
  }
});
