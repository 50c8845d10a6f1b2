import type { ImageDataset } from '../data/dataset';

/**
 * A tiny learnable image set for tests of the session and the store: four classes, each a
 * bright block of 8 of the 32 pixels, with a little per-sample texture.
 */
export function toyData(count: number, seed = 1): ImageDataset {
  const pixels = new Uint8Array(count * 32);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const c = (n * 7 + seed) % 4;
    labels[n] = c;
    for (let f = 0; f < 32; f++)
      pixels[n * 32 + f] = (Math.floor(f / 8) === c ? 170 : 30) + ((n * 31 + f * 17 + seed) % 50);
  }
  return {
    ...{ name: 'toy', count, features: 32, height: 4, width: 8, channels: 1, classes: 4 },
    ...{ classNames: ['a', 'b', 'c', 'd'], pixels, labels, mean: [0.3], std: [0.3] },
  };
}
