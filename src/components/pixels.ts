/**
 * Puts one HWC image of bytes on a canvas of its own size (grey when it has one channel): the
 * images as the network sees them, before normalisation.
 */
export function drawPixels(
  canvas: HTMLCanvasElement | null,
  img: { height: number; width: number; channels: number; pixels: Uint8Array },
  base = 0,
): void {
  const ctx = canvas?.getContext('2d');
  if (!ctx) return;
  const { height, width, channels, pixels } = img;
  const image = ctx.createImageData(width, height);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++)
      image.data[p * 4 + c] = pixels[base + p * channels + (channels === 3 ? c : 0)];
    image.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}
