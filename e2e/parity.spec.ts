import { expect, test } from '@playwright/test';
import { KERNEL_NAMES } from '../src/engine/backend';
import type { ParityResult } from './parity';

test('every WGSL kernel variant matches its CPU twin on seeded random inputs', async ({ page }) => {
  await page.goto('/e2e/parity.html');
  const results = await page.evaluate(() => window.parity as Promise<ParityResult[]>);
  const variants = await page.evaluate(() => window.parityVariants);
  for (const r of results) {
    console.log(
      `${`${r.kernel}:${r.variant}`.padEnd(26)} ${r.name.padEnd(48)} max |err| ${r.maxAbsErr.toExponential(2)} (bound ${r.bound}) over ${r.compared} values`,
    );
  }
  console.log(`adapter: ${results[0]?.adapter}`);
  const ran = new Set(results.map((r) => `${r.kernel}:${r.variant}`));
  console.log(`variants run: ${ran.size} of ${variants.length}`);
  expect(new Set(results.map((r) => r.kernel))).toEqual(new Set(KERNEL_NAMES));
  // Every source variant of every descriptor ran at least once (none only compiled).
  expect([...ran].sort()).toEqual([...variants].sort());
  for (const r of results) {
    expect(r.compared, r.name).toBeGreaterThan(0);
    expect(r.maxAbsErr, r.name).toBeLessThanOrEqual(r.bound);
  }
});
