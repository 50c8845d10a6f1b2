import { expect, test } from '@playwright/test';

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
