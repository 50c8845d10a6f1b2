import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { BUILT_PORT } from '../playwright.config';

test('a diverging run (lr=50) stops, says why and what to change, and keeps the page', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?lr=50&train=3000&epochs=3&hidden=100&autorun=1');
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  const banner = page.getByTestId('error');
  await expect(banner).toContainText('Training diverged: the loss became NaN or infinite');
  await expect(banner).toContainText('Try a smaller learning rate than lr=50');
  await expect(page.getByTestId('status')).toHaveText('error');
  // Nothing is lost: the charts and the configuration stay, and a new run can start.
  await expect(page.getByTestId('chart-loss')).toBeVisible();
  await expect(page.getByTestId('config-lr')).toHaveText('50');
  await expect(page.getByTestId('start')).toHaveText('Start again');
  expect(errors).toEqual([]);
});

test('a lost GPU device is replaced and the run resumes from the last epoch checkpoint', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?train=3000&epochs=3&hidden=64&density=0.2&autorun=1');
  await expect(page.getByTestId('last-epoch')).toContainText('After epoch 1');
  await page.evaluate(() => window.__sparsePlayground!.loseDevice());
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('The GPU device was lost');
  await expect(notice).toContainText('checkpoint at the end of epoch');
  await expect(page.getByTestId('status')).toHaveText('done');
  // The run finishes with the same number of epochs, each reported once.
  await expect(page.getByTestId('last-epoch')).toContainText('After epoch 3');
  await expect(page.getByTestId('error')).toHaveCount(0);
  const points = await page
    .getByTestId('chart-accuracy')
    .locator('.recharts-line-dots')
    .first()
    .locator('circle')
    .count();
  expect(points).toBe(3);
  const acc = Number((await page.getByTestId('test-acc').textContent())!.replace('%', ''));
  expect(acc).toBeGreaterThan(80);
  expect(errors).toEqual([]);
});

test('a device lost a fourth time stops the run, saying it was lost repeatedly and what to try', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let recoveries = 0;
  await page.exposeFunction('__experimentEvent', (e: { type: string }) => {
    if (e.type === 'recovered') recoveries++;
  });
  await page.goto('/?train=3000&epochs=5&hidden=32&density=0.2&autorun=1');
  await expect(page.getByTestId('last-epoch')).toContainText('After epoch 1');
  // Each loss comes once the previous one was recovered from (the new device trains).
  for (let i = 1; i <= 3; i++) {
    await page.evaluate(() => window.__sparsePlayground!.loseDevice());
    await expect.poll(() => recoveries, { timeout: 60_000 }).toBe(i);
  }
  await page.evaluate(() => window.__sparsePlayground!.loseDevice());
  const banner = page.getByTestId('error');
  await expect(banner).toContainText('The GPU device was lost 4 times in this run');
  await expect(banner).toContainText('Close other GPU-heavy tabs');
  await expect(banner).toContainText('backend=cpu');
  await expect(banner).not.toContainText('mapAsync');
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('start')).toBeVisible();
  expect(recoveries).toBe(3);
  expect(errors).toEqual([]);
});

test('a crashed worker is reported and restarts without a page reload', async ({ page }) => {
  await page.goto('/?train=2000&epochs=2&hidden=32&autorun=1');
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await page.evaluate(() => {
    (window as unknown as { __marker: number }).__marker = 42;
    window.__sparsePlayground!.crashWorker();
  });
  await expect(page.getByTestId('error')).toContainText('The training worker stopped unexpectedly');
  await expect(page.getByTestId('status')).toHaveText('error');
  await page.getByTestId('restart').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(page.getByTestId('error')).toHaveCount(0);
  // Same page: nothing was reloaded.
  expect(await page.evaluate(() => (window as unknown as { __marker: number }).__marker)).toBe(42);
});

test('an experiment too big for the device is refused before allocation, naming the limit', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?hidden=4096,4096,4096,4096,4096,4096&train=1000&autorun=1');
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  const error = page.getByTestId('error');
  await expect(error).toContainText('This experiment does not fit this GPU');
  await expect(error).toContainText(
    /needs 1\.\d\d GiB of GPU memory, more than the app's 1\.00 GiB budget|device limit max\w+/,
  );
  await expect(error).toContainText('smaller or fewer hidden layers (hidden=)');
  await expect(page.getByTestId('status')).toHaveText('error');
  await expect(page.getByTestId('start')).toBeVisible();
  const limits = await page.evaluate(async () => {
    const adapter = await navigator.gpu.requestAdapter();
    return {
      maxBufferSize: adapter!.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter!.limits.maxStorageBufferBindingSize,
    };
  });
  console.log(`adapter limits: ${JSON.stringify(limits)}`);
  expect(errors).toEqual([]);
});

test('the test aids exist on the dev server only, never in the built site', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('start')).toBeVisible();
  expect(await page.evaluate(() => typeof window.__sparsePlayground)).toBe('object');
  // The production build the config serves for e2e/csp.spec.ts (built when the tests start).
  await page.goto(`http://127.0.0.1:${BUILT_PORT}/`);
  await expect(page.getByTestId('start')).toBeVisible();
  expect(await page.evaluate(() => typeof window.__sparsePlayground)).toBe('undefined');
  const scripts = readdirSync('dist-e2e/assets').filter((f) => f.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(1); // the page and its worker at least
  for (const file of scripts)
    expect(readFileSync(`dist-e2e/assets/${file}`, 'utf8'), file).not.toContain(
      '__sparsePlayground',
    );
});
