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
