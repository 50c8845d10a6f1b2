/**
 * Masks in the model's metadata: one bit per weight, base64. A pruned weight and a trained one
 * that happens to be 0 (regrown weights start at 0) look alike in the weights; the mask tells.
 */

/** Bit i (byte i >> 3, least significant bit first) set where mask[i] is non-zero. */
export function maskBits(mask: Uint8Array): string {
  const bytes = new Uint8Array(Math.ceil(mask.length / 8));
  for (let i = 0; i < mask.length; i++) if (mask[i]) bytes[i >> 3] |= 1 << (i & 7);
  return base64(bytes);
}

/** Bytes as base64 text (a mask in the metadata; the model file for a headless driver). */
export function base64(bytes: Uint8Array): string {
  let text = '';
  // String.fromCharCode takes its arguments on the stack: a chunk at a time.
  for (let i = 0; i < bytes.length; i += 8192)
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return btoa(text);
}

/** The mask of `length` weights a `maskBits` string holds (1: trained, 0: pruned). */
export function maskFromBits(bits: string, length: number): Uint8Array {
  const raw = atob(bits);
  if (raw.length !== Math.ceil(length / 8))
    throw new Error(
      `a mask of ${length} weights has ${Math.ceil(length / 8)} bytes, not ${raw.length}`,
    );
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) mask[i] = (raw.charCodeAt(i >> 3) >> (i & 7)) & 1;
  return mask;
}
