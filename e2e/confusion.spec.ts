import { expect, test } from '@playwright/test';

test('the confusion matrix counts every test image once; its diagonal is the test accuracy', async ({
  page,
}) => {
  await page.goto('/?train=2000&epochs=1&hidden=60&seed=2&autorun=1');
  await expect(page.getByTestId('status')).toHaveText('done');
  const acc = Number((await page.getByTestId('test-acc').textContent())!.replace('%', '')) / 100;
  const rows = page.getByTestId('confusion').locator('tbody tr');
  await expect(rows).toHaveCount(10);
  let total = 0;
  let diagonal = 0;
  for (let t = 0; t < 10; t++) {
    const cells = (await rows.nth(t).locator('td').allTextContents()).map(Number);
    expect(cells).toHaveLength(10);
    total += cells.reduce((a, b) => a + b, 0);
    diagonal += cells[t];
  }
  expect(total).toBe(10000);
  expect(diagonal).toBe(Math.round(acc * 10000));
  await expect(page.getByTestId('confused-pairs')).toContainText('taken for');
});
