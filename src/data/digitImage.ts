/**
 * A drawn digit made to look like an MNIST image, so a network trained on MNIST sees what it
 * was trained on. MNIST's digits were normalised this way: the stroke's bounding box scaled to
 * fit 20x20 keeping its aspect ratio (anti-aliasing gives grey levels), then placed in the
 * 28x28 field so that its centre of mass is at the centre. The result is bytes like MNIST's
 * (0 background, 255 full ink); the mean and standard deviation are applied on the device by
 * the same gather as the test set's, so both are normalised identically.
 */

/** MNIST's field and the box its digits are scaled into. */
export const MNIST_SIDE = 28;
export const MNIST_BOX = 20;

/** How much ink each pixel of a drawing holds, 0 (none) to 255 (full), row by row. */
export interface InkRaster {
  width: number;
  height: number;
  ink: ArrayLike<number>;
}

/** Columns x0 to x1 and rows y0 to y1 (end exclusive) holding all the ink. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export type DigitImage =
  | {
      ok: true;
      /** 28x28 grey bytes, row by row, like an MNIST image. */
      pixels: Uint8Array;
      /** Where the ink was on the drawing, and the factor it was scaled by. */
      box: Box;
      scale: number;
    }
  | { ok: false; message: string };

/** The smallest box holding every pixel with ink, or null for an empty drawing. */
export function boundingBox(r: InkRaster): Box | null {
  let box: Box | null = null;
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) {
      if (r.ink[y * r.width + x] <= 0) continue;
      if (!box) box = { x0: x, y0: y, x1: x + 1, y1: y + 1 };
      else {
        box.x0 = Math.min(box.x0, x);
        box.x1 = Math.max(box.x1, x + 1);
        box.y0 = Math.min(box.y0, y);
        box.y1 = Math.max(box.y1, y + 1);
      }
    }
  return box;
}

/**
 * The ink-weighted mean position, a pixel's centre at (x + 0.5, y + 0.5), so the centre of
 * a 28x28 field is (14, 14); null when there is no ink.
 */
export function centreOfMass(r: InkRaster): { x: number; y: number } | null {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) {
      const m = r.ink[y * r.width + x];
      mass += m;
      sx += m * (x + 0.5);
      sy += m * (y + 0.5);
    }
  return mass > 0 ? { x: sx / mass, y: sy / mass } : null;
}

/**
 * Box-filter weights from source pixels [from, to) onto `out` output pixels, output pixel j
 * covering source [start + j/scale, start + (j+1)/scale): each weight is the overlap times
 * `scale`, so an output pixel wholly inside ink gets the ink's value (area averaging).
 */
function weights(from: number, to: number, start: number, scale: number, out: number) {
  const rows: { first: number; w: number[] }[] = [];
  for (let j = 0; j < out; j++) {
    const a = start + j / scale;
    const b = start + (j + 1) / scale;
    const first = Math.max(from, Math.floor(a));
    const last = Math.min(to, Math.ceil(b));
    const w: number[] = [];
    for (let s = first; s < last; s++)
      w.push(Math.max(0, Math.min(b, s + 1) - Math.max(a, s)) * scale);
    rows.push({ first, w });
  }
  return rows;
}

/**
 * The drawing as MNIST would have it (see the module comment), or why there is none: an empty
 * drawing, or a raster whose ink does not match its size.
 */
export function digitImage(r: InkRaster): DigitImage {
  if (!(r.width > 0 && r.height > 0) || r.ink.length !== r.width * r.height)
    return {
      ok: false,
      message: `The drawing is ${r.ink.length} values for ${r.width}x${r.height} pixels.`,
    };
  const box = boundingBox(r);
  const com = centreOfMass(r);
  if (!box || !com) return { ok: false, message: 'Nothing drawn yet: draw a digit first.' };
  const scale = MNIST_BOX / Math.max(box.x1 - box.x0, box.y1 - box.y0);
  // The source point that lands on each output pixel's edge: the centre of mass at 14.
  const centre = MNIST_SIDE / 2;
  const wx = weights(box.x0, box.x1, com.x - centre / scale, scale, MNIST_SIDE);
  const wy = weights(box.y0, box.y1, com.y - centre / scale, scale, MNIST_SIDE);
  // Columns first (each source row of the box onto 28 columns), then rows.
  const rows = box.y1 - box.y0;
  const across = new Float64Array(rows * MNIST_SIDE);
  for (let y = 0; y < rows; y++) {
    const line = (box.y0 + y) * r.width;
    for (let j = 0; j < MNIST_SIDE; j++) {
      const { first, w } = wx[j];
      let v = 0;
      for (let k = 0; k < w.length; k++) v += w[k] * r.ink[line + first + k];
      across[y * MNIST_SIDE + j] = v;
    }
  }
  const pixels = new Uint8Array(MNIST_SIDE * MNIST_SIDE);
  for (let i = 0; i < MNIST_SIDE; i++) {
    const { first, w } = wy[i];
    for (let j = 0; j < MNIST_SIDE; j++) {
      let v = 0;
      for (let k = 0; k < w.length; k++) v += w[k] * across[(first - box.y0 + k) * MNIST_SIDE + j];
      pixels[i * MNIST_SIDE + j] = Math.min(255, Math.round(v));
    }
  }
  return { ok: true, pixels, box, scale };
}

/** The ink of a drawing made in one colour on a transparent canvas: its alpha channel. */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number): InkRaster {
  const ink = new Uint8Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4 + 3];
  return { width, height, ink };
}
