/**
 * What the exported model takes: images as NCHW floats in [0, 1], the layout ONNX users feed.
 * The app keeps images as HWC bytes; this is the conversion, for tests and for anyone holding
 * the app's bytes.
 */
export function nchwPixels(
  bytes: Uint8Array,
  shape: { height: number; width: number; channels: number },
): Float32Array {
  const { height, width, channels } = shape;
  const features = height * width * channels;
  const count = bytes.length / features;
  if (!Number.isInteger(count)) throw new Error(`not whole images of ${features} bytes`);
  const out = new Float32Array(bytes.length);
  for (let n = 0; n < count; n++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let c = 0; c < channels; c++)
          out[n * features + (c * height + y) * width + x] =
            bytes[n * features + (y * width + x) * channels + c] / 255;
  return out;
}
