import { describe, expect, it } from 'vitest';
import {
  boundingBox,
  centreOfMass,
  digitImage,
  inkFromRgba,
  MNIST_BOX,
  MNIST_SIDE,
  type InkRaster,
} from './digitImage';

const SIDE = 280;

/** A blank drawing the size of the page's canvas, with helpers to paint ink on it. */
function drawing(width = SIDE, height = SIDE) {
  const ink = new Uint8Array(width * height);
  const raster: InkRaster = { width, height, ink };
  const rect = (x0: number, y0: number, w: number, h: number, value = 255) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * width + x] = value;
    return raster;
  };
  return { raster, rect };
}

/** The 28x28 result, which must be a prediction-ready image. */
function image(r: InkRaster): Uint8Array {
  const d = digitImage(r);
  if (!d.ok) throw new Error(d.message);
  expect(d.pixels).toHaveLength(MNIST_SIDE * MNIST_SIDE);
  return d.pixels;
}

const field = (pixels: Uint8Array): InkRaster => ({
  width: MNIST_SIDE,
  height: MNIST_SIDE,
  ink: pixels,
});

describe('digitImage: a drawing made like an MNIST digit', () => {
  it('finds the bounding box of the ink', () => {
    const { raster, rect } = drawing();
    expect(boundingBox(raster)).toBeNull();
    rect(30, 50, 10, 120);
    rect(100, 60, 5, 5, 1);
    expect(boundingBox(raster)).toEqual({ x0: 30, y0: 50, x1: 105, y1: 170 });
  });

  it('scales the box to fit 20x20 keeping its aspect ratio: a tall stroke is 20 high, a wide one 20 wide', () => {
    for (const [w, h] of [
      [20, 200],
      [200, 40],
      [100, 100],
    ]) {
      const { rect } = drawing();
      const d = digitImage(rect(40, 30, w, h));
      if (!d.ok) throw new Error(d.message);
      expect(d.scale).toBeCloseTo(MNIST_BOX / Math.max(w, h), 12);
      // The ink's extent, from its mass per row and column (partly covered pixels count partly).
      const out = boundingBox(field(d.pixels))!;
      let rows = 0;
      let cols = 0;
      for (let i = 0; i < MNIST_SIDE; i++)
        for (let j = 0; j < MNIST_SIDE; j++) {
          rows += d.pixels[i * MNIST_SIDE + j] / 255 / (d.scale * w);
          cols += d.pixels[i * MNIST_SIDE + j] / 255 / (d.scale * h);
        }
      expect(rows).toBeCloseTo((h / Math.max(w, h)) * MNIST_BOX, 1);
      expect(cols).toBeCloseTo((w / Math.max(w, h)) * MNIST_BOX, 1);
      // Whole pixels touched: the scaled size, plus at most one for a box not on the grid.
      expect(out.y1 - out.y0 - d.scale * h).toBeGreaterThanOrEqual(-1e-9);
      expect(out.y1 - out.y0 - d.scale * h).toBeLessThanOrEqual(1 + 1e-9);
      expect(out.x1 - out.x0 - d.scale * w).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('puts the centre of mass within half a pixel of the centre, for lopsided digits too', () => {
    const shapes = [
      // A "1": one vertical stroke, far from the drawing's centre.
      (d: ReturnType<typeof drawing>) => d.rect(200, 20, 18, 200),
      // A "7": heavy top bar, thin stem on the right.
      (d: ReturnType<typeof drawing>) => (d.rect(40, 40, 160, 30), d.rect(170, 40, 20, 180)),
      // An "L" in the bottom-left corner, faint in part.
      (d: ReturnType<typeof drawing>) => (d.rect(0, 150, 20, 130), d.rect(0, 260, 120, 20, 90)),
    ];
    for (const shape of shapes) {
      const d = drawing();
      shape(d);
      const com = centreOfMass(field(image(d.raster)))!;
      expect(Math.abs(com.x - MNIST_SIDE / 2)).toBeLessThan(0.5);
      expect(Math.abs(com.y - MNIST_SIDE / 2)).toBeLessThan(0.5);
    }
  });

  it('anti-aliases: grey levels at the edges, full ink inside, the total ink kept in proportion', () => {
    const { raster, rect } = drawing();
    rect(53, 41, 37, 173);
    const pixels = image(raster);
    const values = new Set(pixels);
    expect(Math.max(...pixels)).toBe(255);
    expect([...values].some((v) => v > 0 && v < 255)).toBe(true);
    const scale = MNIST_BOX / 173;
    const total = pixels.reduce((a, b) => a + b, 0);
    expect(total / (255 * 37 * 173 * scale * scale)).toBeCloseTo(1, 2);
  });

  it('gives the same image wherever on the canvas the same digit is drawn', () => {
    const a = drawing();
    a.rect(10, 10, 30, 150);
    a.rect(10, 10, 90, 20, 128);
    const b = drawing();
    b.rect(150, 97, 30, 150);
    b.rect(150, 97, 90, 20, 128);
    expect(image(b.raster)).toEqual(image(a.raster));
  });

  it('an empty canvas gives a clear message and no image', () => {
    const d = digitImage(drawing().raster);
    expect(d).toEqual({ ok: false, message: 'Nothing drawn yet: draw a digit first.' });
  });

  it('refuses a raster whose ink does not match its size', () => {
    expect(digitImage({ width: 10, height: 10, ink: new Uint8Array(99) })).toEqual({
      ok: false,
      message: 'The drawing is 99 values for 10x10 pixels.',
    });
  });

  it('reads the ink from the alpha channel of a canvas drawn in one colour', () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 0, 255, 255, 255, 200, 0, 0, 0, 255]);
    expect(inkFromRgba(rgba, 3, 1)).toEqual({
      width: 3,
      height: 1,
      ink: Uint8Array.of(0, 200, 255),
    });
  });
});
