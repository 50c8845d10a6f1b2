import { expect, test } from '@playwright/test';

test('the mask view names the constant fan-in structure and every layer’s fan-in', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?structure=fanin&train=500&epochs=1&autorun=1');
  const caption = page.getByTestId('mask-structure');
  // 5% of LeNet-300-100 in whole rows: round(11760 / 300), 1500 / 100, 50 / 10.
  await expect(caption).toContainText('fc1 39 · fc2 15 · fc3 5 inputs per output');
  await expect(page.getByTestId('mask-views')).toContainText(
    '11,700 of 235,200 weights, fan-in 39 × 300 outputs',
  );
  await page.getByTestId('mask-views').screenshot({ path: 'e2e/screenshots/masks-fanin.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await caption.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/masks-fanin-phone.png' });
});

test('the mask view names the N:M structure and every layer’s N', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/?structure=nm&nm_group=16&train=500&epochs=1&autorun=1');
  const caption = page.getByTestId('mask-structure');
  // 5% of LeNet-300-100, exact counts: 11,760 in 300 x 49 groups of 16, 1,500 in 100 x 19,
  // 50 in 10 x 7: at most one weight in every group of every layer.
  await expect(caption).toContainText('at most N of every 16 consecutive inputs');
  await expect(caption).toContainText('fc1 1:16 · fc2 1:16 · fc3 1:16');
  await expect(page.getByTestId('mask-views')).toContainText('11,760 of 235,200 weights, N:M 1:16');
  await page.getByTestId('mask-views').screenshot({ path: 'e2e/screenshots/masks-nm.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await caption.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/screenshots/masks-nm-phone.png' });
});
