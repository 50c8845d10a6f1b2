import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';

/** Numbers a chart actually drew: the y values of its line points, via recharts' dots. */
async function lineCount(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).locator('.recharts-line-curve').count();
}

test('trains on real MNIST with WebGPU and the charts update with real values', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?train=6000&epochs=2&density=0.1&seed=17');
  await expect(page.getByTestId('config-density')).toHaveText('0.1');
  await page.getByTestId('start').click();
  // Dataset download/decoding progress is shown while the worker loads MNIST.
  await expect(page.getByTestId('status')).toContainText(/loading|running/);
  await expect(page.getByTestId('run-progress')).toContainText('WebGPU');
  await expect(page.getByTestId('status')).toHaveText('done', { timeout: 180_000 });

  const acc = Number((await page.getByTestId('test-acc').textContent())!.replace('%', ''));
  expect(acc).toBeGreaterThan(80); // 2 epochs on 6,000 images; full runs are in the README
  await expect(page.getByTestId('total-density')).toHaveText('0.1000');
  const summary = await page.getByTestId('last-epoch').textContent();
  // Redistribution: the small last layer has filled up while fc1 gave weights away.
  const fc1 = Number(/fc1 ([\d.]+)/.exec(summary!)![1]);
  const fc3 = Number(/fc3 ([\d.]+)/.exec(summary!)![1]);
  expect(fc1).toBeLessThan(0.1);
  expect(fc3).toBeGreaterThan(0.5);
  // Each layer's kernels follow its density: sparse fc1, dense where it filled up.
  await expect(page.getByTestId('layer-kernels')).toContainText('fc1 sparse (CSR)');
  await expect(page.getByTestId('layer-kernels')).toContainText('fc3 dense');

  expect(await lineCount(page, 'chart-accuracy')).toBe(3); // test, train, test on the sample
  expect(await lineCount(page, 'chart-loss')).toBe(3);
  expect(await lineCount(page, 'chart-density')).toBe(4); // fc1, fc2, fc3, total
  expect(await lineCount(page, 'chart-momentum')).toBe(3); // one regrowth share per layer
  // The density chart's y axis spans 0..1 and its fc3 line climbs: its path is not flat.
  const fc3Path = await page
    .getByTestId('chart-density')
    .locator('.recharts-line-curve')
    .nth(2)
    .getAttribute('d');
  const ys = [...fc3Path!.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
  expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(50);
  // The engine's per-update report: pruned and regrown balance, as the table shows them.
  const table = page.getByTestId('mask-update');
  await expect(table).toContainText('Update 1 at step 60 (epoch 1)');
  const cells = await table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) =>
        [...r.querySelectorAll('td')].map((td) => Number(td.textContent!.replace(/,/g, ''))),
      ),
    );
  expect(cells).toHaveLength(3);
  const pruned = cells.reduce((a, c) => a + c[1], 0);
  const regrown = cells.reduce((a, c) => a + c[2], 0);
  expect(pruned).toBeGreaterThan(0);
  expect(regrown).toBe(pruned);
  // Pruned/regrown bars for each layer at the one update, and the schedule with its used rate.
  const bars = page.getByTestId('chart-updates').locator('.recharts-bar-rectangle');
  expect(await bars.count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId('chart-updates')).toContainText('#1 (step 60)');
  const schedule = page.getByTestId('chart-schedule');
  expect(await schedule.locator('.recharts-line-curve').count()).toBe(1);
  expect(await schedule.locator('.recharts-scatter-symbol').count()).toBe(1);
  // Activation sparsity of fc2's and fc3's inputs (ReLU outputs), and the compute estimate.
  expect(await lineCount(page, 'chart-activations')).toBe(2);
  const compute = page.getByTestId('chart-compute');
  expect(await compute.locator('.recharts-bar-rectangle').count()).toBe(8); // 4 bars x 2 epochs
  expect(await compute.locator('.recharts-line-curve').count()).toBe(1);
  // Mask views: every layer, with the update's pruned (red) and regrown (green) weights.
  const colours = await page.getByTestId('mask-fc1').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let red = 0;
    let green = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] === 220 && d[i + 1] === 38) red++;
      if (d[i] === 22 && d[i + 1] === 163) green++;
    }
    return { red, green, size: c.width * c.height };
  });
  expect(colours.size).toBe(784 * 300);
  expect(colours.red).toBe(cells[0][1]); // fc1 pruned, as in the update table
  expect(colours.green).toBe(cells[0][2]); // fc1 regrown
  await expect(page.getByTestId('tiles-fc1')).toBeVisible();
  await expect(page.getByTestId('mask-fc3')).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/app-trained.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('pause stops training and resume finishes it', async ({ page }) => {
  await page.goto('/?train=3000&epochs=2&density=0.2&hidden=100');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  const before = await page.getByTestId('run-progress').textContent();
  await page.waitForTimeout(1500);
  expect(await page.getByTestId('run-progress').textContent()).toBe(before);
  await page.getByTestId('resume').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  await page.getByTestId('reset').click();
  await expect(page.getByTestId('status')).toHaveText('idle');
  await expect(page.getByTestId('chart-accuracy')).toContainText('Appears after the first steps.');
});

test('invalid URL parameters keep their defaults and the page says which and why', async ({
  page,
}) => {
  await page.goto('/?density=7&lr=fast&hidden=300,abc&backend=tpu&epochs=2&autorun=1');
  const banner = page.getByTestId('rejected');
  await expect(banner).toContainText('Training did not start by itself');
  await expect(banner).toContainText('Parameter "density=7" was ignored: it must be > 0 and <= 1.');
  await expect(banner).toContainText('Parameter "lr=fast" was ignored: it is not a number.');
  await expect(banner).toContainText('"hidden=300,abc"');
  await expect(banner).toContainText('must be one of auto, webgpu, cpu');
  await expect(page.getByTestId('config-density')).toHaveText('0.05');
  await expect(page.getByTestId('config-lr')).toHaveText('0.1');
  await expect(page.getByTestId('config-epochs')).toHaveText('2');
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('status')).toHaveText('idle');
});

test('the address bar shows only the accepted experiment from the start, and Copy link copies it', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?density=7&lr=fast&epochs=2&nope=1&l2=0.001');
  const banner = page.getByTestId('rejected');
  await expect(banner).toContainText('Parameter "density=7" was ignored');
  await expect(banner).toContainText('Parameter "lr=fast" was ignored');
  await expect(banner).toContainText('Parameter "nope=1" was ignored');
  // Refused parameters are dropped, the legacy l2 is written as wd, before any change.
  await expect(page).toHaveURL(/\/\?v=2&wd=0\.001&epochs=2$/);
  await page.getByTestId('copy-link').click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  await expect(page.getByTestId('config-density')).toHaveText('0.05');
  await expect(page.getByTestId('config-wd')).toHaveText('0.001');
});

test('a density or widths that leave a layer with no weight are refused, naming the smallest density', async ({
  page,
}) => {
  await page.goto('/?density=1e-9&epochs=2&autorun=1');
  const banner = page.getByTestId('rejected');
  await expect(banner).toContainText(
    'Parameter "density=1e-9" was ignored: it leaves layer fc1 (235200 weights) with no weight at all',
  );
  await expect(banner).toContainText(/the smallest density for this model is 0\.000\d+/);
  await expect(page.getByTestId('config-density')).toHaveText('0.05');
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('status')).toHaveText('idle');

  await page.goto('/?hidden=1,1,1,1,1,1');
  await expect(page.getByTestId('rejected')).toContainText(
    'Parameter "hidden=1,1,1,1,1,1" was ignored: it leaves layer fc2 (1 weight) with no weight at all at density 0.05',
  );
  await expect(page.getByTestId('config-hidden')).toHaveText('300,100');
  // At density 1 every width-1 layer has its weight: nothing is refused.
  await page.goto('/?hidden=1,1,1,1,1,1&density=1');
  await expect(page.getByTestId('config-hidden')).toHaveText('1,1,1,1,1,1');
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  // A control is checked the same way: the value is refused, the experiment stays.
  const density = page.getByTestId('control-density');
  await density.fill('0.01');
  await density.press('Enter');
  await expect(page.getByTestId('control-error-density')).toContainText(
    'leaves layer fc2 (1 weight) with no weight at all at density 0.01',
  );
  await expect(page.getByTestId('config-density')).toHaveText('1');
});

test('a corrupt or truncated dataset file gives a clear message naming the file', async ({
  page,
}) => {
  const real = readFileSync('public/data/mnist/t10k-images-idx3-ubyte.gz');
  const cases: [string, Buffer, string][] = [
    [
      't10k-labels-idx1-ubyte.gz',
      Buffer.from('this is not gzip data'),
      'does not match the checksum recorded in manifest.json',
    ],
    ['t10k-images-idx3-ubyte.gz', real.subarray(0, real.length >> 1), 'is not a valid gzip file'],
  ];
  for (const [file, body, problem] of cases) {
    await page.unrouteAll();
    await page.route(`**/${file}`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/gzip', body }),
    );
    await page.goto('/?train=1000&epochs=1&autorun=1');
    await expect(page.getByTestId('error')).toContainText(`${file}: ${problem}`);
    await expect(page.getByTestId('status')).toHaveText('error');
  }
});

test('a dataset file that decodes but differs from its recorded checksum is refused', async ({
  page,
}) => {
  // A well-formed IDX label file with one label changed: only the checksum can tell.
  const labels = gunzipSync(readFileSync('public/data/mnist/t10k-labels-idx1-ubyte.gz'));
  labels[8] = (labels[8] + 1) % 10;
  await page.route('**/t10k-labels-idx1-ubyte.gz', (route) =>
    route.fulfill({ status: 200, contentType: 'application/gzip', body: gzipSync(labels) }),
  );
  await page.goto('/?train=1000&epochs=1&autorun=1');
  await expect(page.getByTestId('error')).toContainText(
    't10k-labels-idx1-ubyte.gz: does not match the checksum recorded in manifest.json',
  );
  await expect(page.getByTestId('status')).toHaveText('error');
});

test('a missing dataset file says how to generate it', async ({ page }) => {
  await page.route('**/train-images-idx3-ubyte.gz', (route) =>
    route.fulfill({ status: 404, body: 'nope' }),
  );
  await page.goto('/?train=1000&epochs=1&autorun=1');
  await expect(page.getByTestId('error')).toContainText(
    'train-images-idx3-ubyte.gz: could not be downloaded (HTTP 404)',
  );
  await expect(page.getByTestId('error')).toContainText('npm run data');
});
