import type { ImageDataset } from '../data/dataset';
import { Rng } from './rng';

/**
 * Small learnable datasets for the engine's tests (no download, seeded): the trainer, golden
 * and memory tests train on them in milliseconds on the CPU backend.
 */

/** A learnable toy set: the class decides which block of 8 pixels is bright. */
export function toyData(count: number, seed: number): ImageDataset {
  const rng = new Rng(seed);
  const features = 32;
  const pixels = new Uint8Array(count * features);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const c = rng.int(4);
    labels[n] = c;
    for (let f = 0; f < features; f++) {
      const on = Math.floor(f / 8) === c;
      pixels[n * features + f] = Math.min(255, Math.floor((on ? 160 : 20) + rng.next() * 80));
    }
  }
  return {
    name: 'toy',
    count,
    features,
    height: features / 8,
    width: 8,
    channels: 1,
    classes: 4,
    classNames: ['a', 'b', 'c', 'd'],
    pixels,
    labels,
    mean: [0.3],
    std: [0.3],
  };
}

/** Colour images whose class is the brightest channel in one quadrant. */
export function toyImages(
  count: number,
  seed: number,
  side: number,
  channels: number,
): ImageDataset {
  const rng = new Rng(seed);
  const features = side * side * channels;
  const pixels = new Uint8Array(count * features);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const c = rng.int(4);
    labels[n] = c;
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const quadrant = (y < side / 2 ? 0 : 2) + (x < side / 2 ? 0 : 1);
        for (let ch = 0; ch < channels; ch++) {
          const on = quadrant === c && ch === c % channels;
          pixels[n * features + (y * side + x) * channels + ch] = Math.floor(
            (on ? 150 : 30) + rng.next() * 100,
          );
        }
      }
  }
  return {
    name: 'toy-images',
    count,
    features,
    height: side,
    width: side,
    channels,
    classes: 4,
    classNames: ['a', 'b', 'c', 'd'],
    pixels,
    labels,
    mean: new Array<number>(channels).fill(0.4),
    std: new Array<number>(channels).fill(0.3),
  };
}
