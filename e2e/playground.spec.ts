import { expect, test } from '@playwright/test';

test('controls write the link; a copied link reopens the same experiment with the same metrics', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?train=1000&epochs=1&hidden=40&seed=5');
  const density = page.getByTestId('control-density');
  await density.fill('0.3');
  await density.press('Enter');
  await expect(page).toHaveURL(/density=0\.3/);
  await page.getByTestId('control-method').selectOption('set');
  await expect(page).toHaveURL(/method=set/);
  await page.getByTestId('control-nesterov').uncheck();
  await expect(page).toHaveURL(/nesterov=0/);
  await expect(page.getByTestId('config-density')).toHaveText('0.3');

  await page.getByTestId('copy-link').click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  await page.getByTestId('start').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  const acc = await page.getByTestId('test-acc').textContent();
  const summary = await page.getByTestId('last-epoch').textContent();

  const fresh = await context.newPage();
  await fresh.goto(link);
  for (const [key, value] of [
    ['density', '0.3'],
    ['method', 'set'],
    ['nesterov', '0'],
    ['seed', '5'],
    ['hidden', '40'],
  ])
    await expect(fresh.getByTestId(`config-${key}`)).toHaveText(value);
  await fresh.getByTestId('start').click();
  await expect(fresh.getByTestId('status')).toHaveText('done');
  expect(await fresh.getByTestId('test-acc').textContent()).toBe(acc);
  expect(await fresh.getByTestId('last-epoch').textContent()).toBe(summary);
});

test('a refused control value says why and changes nothing', async ({ page }) => {
  await page.goto('/?density=0.2');
  const density = page.getByTestId('control-density');
  await density.fill('2');
  await density.press('Enter');
  await expect(page.getByTestId('control-error-density')).toContainText('must be > 0 and <= 1');
  await expect(page.getByTestId('config-density')).toHaveText('0.2');
  await expect(page).toHaveURL(/density=0\.2/);
  await expect(density).toHaveValue('0.2');
});

test('hide hides exactly the controls, groups and panels it names', async ({ page }) => {
  await page.goto('/?hide=controls,momentum');
  await expect(page.getByTestId('start')).toBeVisible();
  await expect(page.getByTestId('controls-panel')).toHaveCount(0);
  await expect(page.getByTestId('chart-momentum')).toHaveCount(0);
  await expect(page.getByTestId('chart-density')).toBeVisible();
  await expect(page.getByTestId('chart-accuracy')).toBeVisible();

  await page.goto('/?hide=sparsity,seed,samples');
  await expect(page.getByTestId('controls-panel')).toBeVisible();
  await expect(page.getByTestId('group-sparsity-settings')).toHaveCount(0);
  await expect(page.getByTestId('control-seed')).toHaveCount(0);
  await expect(page.getByTestId('control-epochs')).toBeVisible();
  await expect(page.getByTestId('group-optimizer-settings')).toBeVisible();
  await expect(page.getByTestId('chart-momentum')).toBeVisible();
});

test('step by epoch and by mask update, space bar play/pause, restart notice', async ({ page }) => {
  await page.goto('/?train=1000&epochs=3&hidden=40&density=0.2');
  await page.getByTestId('step-epoch').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('last-epoch')).toContainText('After epoch 1');
  await expect(page.getByTestId('mask-update')).toContainText('Update 1 at step 10 (epoch 1)');
  await page.getByTestId('step-update').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('mask-update')).toContainText('Update 2 at step 20 (epoch 2)');
  await expect(page.getByTestId('last-epoch')).toContainText('After epoch 2');

  // A setting changed mid-run applies to the next run, and the page says so. (Start folded
  // the settings away; a person opens them again.)
  await page.getByTestId('controls-panel').locator('summary').click();
  const lr = page.getByTestId('control-lr');
  await lr.fill('0.05');
  await lr.press('Enter');
  await expect(page.getByTestId('needs-restart')).toContainText('press Start again');

  await page.locator('h1').click();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('status')).toHaveText('done');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('status')).toHaveText(/loading|running|done/);
  await expect(page.getByTestId('needs-restart')).toHaveCount(0);
});

test('projector layout: large type and high contrast', async ({ page }) => {
  await page.goto('/?projector=1&hide=samples');
  await expect(page.locator('main')).toHaveClass(/projector/);
  const size = await page.locator('main').evaluate((m) => parseFloat(getComputedStyle(m).fontSize));
  expect(size).toBeGreaterThanOrEqual(20);
  await page.screenshot({ path: 'e2e/screenshots/projector.png' });
});

test("CSV and JSON exports hold the run's own metrics", async ({ page }) => {
  await page.goto('/?train=1000&epochs=2&hidden=40&density=0.2&autorun=1');
  await expect(page.getByTestId('status')).toHaveText('done');
  const shown = (await page.getByTestId('test-acc').textContent())!;

  const [csvDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  expect(csvDownload.suggestedFilename()).toBe('sparse-playground-mlp-snfs-d0.2-seed17.csv');
  const csv = (await (await csvDownload.createReadStream()).toArray()).join('');
  const [header, ...rows] = csv
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  expect(rows).toHaveLength(2);
  const col = (name: string) => header.indexOf(name);
  expect(`${(Number(rows[1][col('testAcc')]) * 100).toFixed(2)}%`).toBe(shown);
  expect(Number(rows[1][col('density')])).toBeCloseTo(0.2, 4);
  expect(header).toContain('layers.fc1.density');
  expect(header).toContain('config.density');

  const [jsonDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-json').click(),
  ]);
  const run = JSON.parse((await (await jsonDownload.createReadStream()).toArray()).join(''));
  expect(run.config.density).toBe(0.2);
  expect(run.link).toContain('density=0.2');
  expect(run.epochs).toHaveLength(2);
  expect(`${(run.epochs[1].testAcc * 100).toFixed(2)}%`).toBe(shown);
  expect(run.maskUpdates).toHaveLength(1);
  expect(run.runtime.backend).toBe('webgpu');
  expect(run.schema).toBe('sparse-playground/run-record@1');
});

test('each preset runs its experiments (quick) and the compare view overlays them', async ({
  page,
}) => {
  test.slow();
  await page.goto('/?train=500&epochs=1&seed=3');
  const url = page.url();
  const runs = page.getByTestId('runs').locator('li');
  const expected: [string, string[]][] = [
    ['dense-vs-snfs', ['dense', 'SNFS 5%']],
    ['methods', ['SNFS', 'SET', 'RigL', 'static']],
    ['wide-vs-narrow', ['SNFS 5% 300-100', 'dense 16-10']],
    ['blocks', ['block 1', 'block 16']],
  ];
  let total = 0;
  for (const [preset, names] of expected) {
    await page.getByTestId(`preset-${preset}-quick`).click();
    total += names.length;
    await expect(page.getByTestId('comparison-status')).toHaveText(
      `All ${names.length} runs ended.`,
      { timeout: 180_000 },
    );
    const texts = await page.getByTestId('comparison-runs').locator('li').allTextContents();
    expect(texts.map((t) => t.replace(/: \d+\.\d\d%$/, ''))).toEqual(names);
    // A comparison overlays its own runs only.
    await expect(page.getByTestId('chart-compare').locator('.recharts-line')).toHaveCount(
      names.length,
    );
  }
  // After a run of the settings the panel is back in the grid, listing all ten runs.
  await page.getByTestId('start').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(runs).toHaveCount(total + 1);
  const lines = page.getByTestId('chart-compare').locator('.recharts-line');
  await expect(lines).toHaveCount(3); // the last preset's two runs and the settings' run
  await runs.last().locator('input').uncheck();
  await expect(lines).toHaveCount(2);
  await runs.first().locator('input').check();
  await expect(lines).toHaveCount(3);
  await expect(runs.last()).toHaveText(/^ ?#11 SNFS 5% MLP 300-100 seed 3: \d+\.\d\d%$/);
  expect(page.url()).toBe(url); // the presets never touched the settings
});

test('conv layers show their filters in the mask view', async ({ page }) => {
  await page.goto('/?model=lenet5&train=500&epochs=1&density=0.1&autorun=1');
  await expect(page.getByTestId('tiles-conv1')).toBeVisible();
  await expect(page.getByTestId('tiles-conv2')).toBeVisible();
  await expect(page.getByTestId('mask-fc1')).toBeVisible();
  const size = await page
    .getByTestId('mask-conv2')
    .evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  expect(size).toEqual([500, 50]); // 50 filters of 5x5x20
  await page.getByTestId('mask-views').screenshot({ path: 'e2e/screenshots/masks-lenet5.png' });
  await page.getByTestId('reset').click();
});
