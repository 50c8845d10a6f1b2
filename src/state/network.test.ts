import { describe, expect, it } from 'vitest';
import type { MaskView } from '../engine/trainer';
import { FLASH_SECONDS, buildNetworkPicture, updatesOutpaceFlash } from './network';

describe('updatesOutpaceFlash', () => {
  const at = (...steps: number[]) => steps.map((globalStep) => ({ globalStep }));
  it('is true only when the last two updates came closer than a flash lasts', () => {
    // batch 1 at 100 samples/s: 100 steps a second.
    expect(updatesOutpaceFlash(at(1, 2), 100, 1)).toBe(true);
    expect(updatesOutpaceFlash(at(100, 100 + 100 * FLASH_SECONDS - 1), 100, 1)).toBe(true);
    expect(updatesOutpaceFlash(at(100, 100 + 100 * FLASH_SECONDS), 100, 1)).toBe(false);
    // An update an epoch of 600 steps at batch 10 and 1,000 samples/s: 6 s apart.
    expect(updatesOutpaceFlash(at(600, 1200), 1000, 10)).toBe(false);
    expect(updatesOutpaceFlash(at(5), 100, 1)).toBe(false);
    expect(updatesOutpaceFlash(at(1, 2), undefined, 1)).toBe(false);
  });
});

describe('buildNetworkPicture', () => {
  it('counts active, pruned and regrown connections per bundle from the mask states', () => {
    // 4 inputs -> 2 units: states 0 absent, 1 active, 2 pruned, 3 regrown, 4 both.
    const masks = {
      globalStep: 7,
      layers: [
        {
          ...{ name: 'fc1', rows: 2, cols: 4, kernel: 0, inChannels: 0 },
          state: new Uint8Array([1, 2, 3, 0, 4, 1, 0, 0]),
        },
      ],
    } as unknown as MaskView;
    const p = buildNetworkPicture(masks, null, null);
    expect(p.layers[0]).toMatchObject({ active: 4, size: 8, density: 0.5 });
    const sum = (k: 'active' | 'pruned' | 'regrown') =>
      p.layers[0].bundles.reduce((a, b) => a + b[k], 0);
    expect([sum('active'), sum('pruned'), sum('regrown')]).toEqual([4, 2, 2]);
    expect(p.steady).toBe(false);
  });
});
