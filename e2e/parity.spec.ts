import { expect, test } from '@playwright/test';
import { KERNEL_NAMES } from '../src/engine/backend';
import type { ParityResult } from './parity';

test('every WGSL kernel matches its CPU twin on seeded random inputs', async ({ page }) => {
  await page.goto('/e2e/parity.html');
  const results = await page.evaluate(() => window.parity as Promise<ParityResult[]>);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(36)} max |err| ${r.maxAbsErr.toExponential(2)} (bound ${r.bound}) over ${r.compared} values`,
    );
  }
  console.log(`adapter: ${results[0]?.adapter}`);
  expect(new Set(results.map((r) => r.kernel))).toEqual(new Set(KERNEL_NAMES));
  for (const r of results) {
    expect(r.compared, r.name).toBeGreaterThan(0);
    expect(r.maxAbsErr, r.name).toBeLessThanOrEqual(r.bound);
  }
});
