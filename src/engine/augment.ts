/**
 * The augmentation word the gather kernel reads per sample: a random crop of the zero-padded
 * image (shift -4..4 both ways) and a horizontal flip, drawn on the CPU once per epoch.
 */

/** Packs a crop shift in [-4, 4] both ways and a flip into one augmentation word. */
export function packAug(dx: number, dy: number, flip: boolean): number {
  return (dx + 4) | ((dy + 4) << 4) | (flip ? 0x100 : 0);
}

/** Splits an augmentation word into (shift x, shift y, flip). */
export function unpackAug(word: number): [number, number, boolean] {
  return [(word & 0xf) - 4, ((word >>> 4) & 0xf) - 4, (word & 0x100) !== 0];
}
