import { expect, test, type Page } from '@playwright/test';

/** An epoch's figures without its timings (the only part two runs may differ in). */
type Metrics = Record<string, unknown>;
const exact = (m: Metrics) => ({ ...m, seconds: 0, samplesPerSec: 0 });

/** Every epoch the page reports (full precision, from the page's experiment hook), in order. */
async function epochEvents(page: Page): Promise<Metrics[]> {
  const epochs: Metrics[] = [];
  await page.exposeFunction('__experimentEvent', (e: { type: string; metrics?: Metrics }) => {
    if (e.type === 'epoch') epochs.push(exact(e.metrics!));
  });
  return epochs;
}

/** The history list as a person reads it: one line per run, with its final accuracy. */
const runLines = async (page: Page) =>
  (await page.getByTestId('runs').locator('li').allTextContents()).map((t) => t.trim());

/** What the page says about the run shown: accuracy, total and per-layer densities. */
async function summary(page: Page) {
  return {
    acc: await page.getByTestId('test-acc').textContent(),
    density: await page.getByTestId('total-density').textContent(),
    text: await page.getByTestId('last-epoch').textContent(),
  };
}

/** The type of the next dialog the page opens; it is accepted (the page may be left). */
const nextDialog = (page: Page) =>
  new Promise<string>((resolve) =>
    page.once('dialog', (d) => {
      resolve(d.type());
      void d.accept();
    }),
  );

test('finished runs are kept in the browser: a reload lists them with curves and accuracies', async ({
  page,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  for (const seed of [1, 2]) {
    await page.goto(`/?train=1000&epochs=2&hidden=32&seed=${seed}`);
    await page.getByTestId('start').click();
    await expect(page.getByTestId('status')).toHaveText('done');
    // Stored (the finished run, and the unfinished copy deleted) before the page is left.
    await expect(page.getByTestId('saved-runs')).toHaveText(
      `Kept in this browser: ${seed} run${seed === 1 ? '' : 's'}. Clear saved runs`,
    );
  }
  const before = await runLines(page);
  expect(before).toHaveLength(2);
  expect(before[0]).toMatch(/^#1 SNFS 5% MLP 32 seed 1: \d+\.\d\d%$/);
  expect(before[1]).toMatch(/^#2 SNFS 5% MLP 32 seed 2: \d+\.\d\d%$/);

  await page.reload();
  await expect(page.getByTestId('runs').locator('li')).toHaveCount(2);
  expect(await runLines(page)).toEqual(before);
  await expect(page.getByTestId('saved-runs')).toContainText('Kept in this browser: 2 runs');
  // Both curves are drawn again, two epochs each.
  const compare = page.getByTestId('chart-compare');
  await expect(compare.locator('.recharts-line-curve')).toHaveCount(2);
  await expect(compare.locator('.recharts-line-dots circle')).toHaveCount(4);
  // No run was on: nothing asked before leaving.
  expect(dialogs).toEqual([]);
  await expect(page.getByTestId('resume-offer')).toHaveCount(0);

  // Clear saved runs forgets them, and a reload shows none.
  await page.getByTestId('clear-saved').click();
  await expect(page.getByTestId('runs')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('saved-runs')).toContainText('Kept in this browser: 0 runs');
  await expect(page.getByTestId('runs')).toHaveCount(0);
});

test('a run interrupted by a reload resumes from its checkpoint and ends exactly as an uninterrupted one', async ({
  page,
}) => {
  const epochs = await epochEvents(page);
  const link = '/?train=1000&epochs=3&hidden=64&density=0.2';
  await page.goto(link);
  // The same link, uninterrupted.
  await page.getByTestId('start').click();
  await expect(page.getByTestId('status')).toHaveText('done');
  const whole = await summary(page);
  const uninterrupted = epochs.splice(0);
  expect(uninterrupted).toHaveLength(3);

  // Again, to the end of epoch 1; its checkpoint is kept, then the page is reloaded.
  await page.getByTestId('step-epoch').click();
  await expect(page.getByTestId('status')).toHaveText('paused');
  await expect(page.getByTestId('saved-checkpoint')).toContainText('up to epoch 1');
  const dialog = nextDialog(page);
  await page.reload();
  // The run was on: the browser asked before leaving.
  expect(await dialog).toBe('beforeunload');

  const offer = page.getByTestId('resume-offer');
  await expect(offer).toContainText('after epoch 1 of 3');
  // Meanwhile the interrupted run is listed as stopped, next to the finished one.
  expect(await runLines(page)).toEqual([
    `#1 SNFS 20% MLP 64 seed 17: ${whole.acc}`,
    expect.stringMatching(/^#2 SNFS 20% MLP 64 seed 17: \d+\.\d\d% \(stopped\)$/),
  ]);
  await page.getByTestId('resume-saved').click();
  await expect(offer).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveText('done');

  // Epoch for epoch the same numbers, and the same final figures on the page.
  expect(epochs).toEqual(uninterrupted);
  expect(await summary(page)).toEqual(whole);
  // One history entry holds the whole run, its curves from epoch 1 on.
  expect(await runLines(page)).toEqual([
    `#1 SNFS 20% MLP 64 seed 17: ${whole.acc}`,
    `#2 SNFS 20% MLP 64 seed 17: ${whole.acc}`,
  ]);
  await expect(
    page.getByTestId('chart-accuracy').locator('.recharts-line-dots').first().locator('circle'),
  ).toHaveCount(3);
  await expect(page.getByTestId('saved-checkpoint')).toHaveCount(0);
});

test('leaving while a run trains asks first', async ({ page }) => {
  await page.goto('/?train=20000&epochs=1&hidden=32');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-progress')).toBeVisible();
  await expect(page.getByTestId('status')).toHaveText('running…');
  const dialog = nextDialog(page);
  await page.reload();
  expect(await dialog).toBe('beforeunload');
  await expect(page.getByTestId('start')).toBeVisible();
});

test('a full storage is reported; training goes on and the finished run is still kept', async ({
  page,
}) => {
  // Every checkpoint is refused as if the disk were full (the runs list is not).
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value: unknown, key?: IDBValidKey) {
      if (key === 'live')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    };
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?train=1000&epochs=2&hidden=32');
  await page.getByTestId('start').click();
  const problem = page.getByTestId('saved-problem');
  await expect(problem).toContainText(
    'This browser refused to keep the runs (QuotaExceededError: The quota has been exceeded.)',
  );
  await expect(problem).toContainText('the run goes on, but a reload could not resume it');
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(page.getByTestId('last-epoch')).toContainText('After epoch 2');
  await expect(page.getByTestId('saved-runs')).toContainText('Kept in this browser: 1 run.');
  const lines = await runLines(page);
  await page.reload();
  // The page shows once it has read what was kept.
  await expect(page.getByTestId('runs').locator('li')).toHaveCount(lines.length);
  expect(await runLines(page)).toEqual(lines);
  expect(errors).toEqual([]);
});
