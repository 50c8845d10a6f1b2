import { expect, test } from '@playwright/test';

// This project launches Chromium without --enable-unsafe-webgpu: there is no adapter.

test('without WebGPU, backend=auto trains on the CPU reference and says so', async ({ page }) => {
  await page.goto('/?train=500&epochs=1&hidden=32&density=0.2&autorun=1');
  await expect(page.getByTestId('notice')).toContainText('WebGPU is not available');
  await expect(page.getByTestId('notice')).toContainText('CPU reference backend');
  await expect(page.getByTestId('notice')).toContainText('far slower than a GPU');
  await expect(page.getByTestId('status')).toHaveText('done');
  await expect(page.getByTestId('run-progress')).toContainText('CPU');
  await expect(page.getByTestId('total-density')).toHaveText('0.2000');
});

test('without WebGPU, backend=webgpu fails with a clear message', async ({ page }) => {
  await page.goto('/?train=500&epochs=1&backend=webgpu&autorun=1');
  await expect(page.getByTestId('error')).toContainText(/WebGPU|GPU adapter/);
  await expect(page.getByTestId('status')).toHaveText('error');
});
