import type { ConvShape } from '../backend';
import type { ConvSpec } from '../model';
import type { LayerIO, StepBuilder } from './layers';
import { paramName, sparseRef } from './state';

/**
 * Convolutions with CSR kernels as implicit GEMMs: the sparse conv kernels read the NHWC
 * activations directly, so such a layer allocates no im2col patches, runs no im2col, transpose
 * or col2im, and its work scales with the stored weights (an empty output channel costs only
 * its bias). Layers that need the dense weight gradient over all positions (sparse momentum's
 * dense state, gradient growth at its updates) keep the patches path, which computes it.
 *
 * Only the model's first layer takes it: its forward and weight gradient beat im2col plus CSR
 * in the per-op profile (VGG conv1 at 0.05: 45 against 94 ms forward, 16 against 25 ms weight
 * gradient), but the gathered input gradient of a later layer is slower than CSR's plus col2im
 * (LeNet-5 conv2: 243 against about 150 ms for the whole backward), which costs more than the
 * forward saves.
 */
export function implicitConv(b: StepBuilder, l: ConvSpec): boolean {
  if (l.name !== b.firstLayer) return false;
  const w = b.weight(l.name);
  const s = w.storage;
  if (s.kind !== 'sparse' || w.grid.block !== 1 || s.denseState) return false;
  return !(b.denseGrad && s.denseGrad);
}

const shapeOf = (l: ConvSpec, shape: ConvShape) => ({ ...shape, outChannels: l.outFeatures });

export function sparseConvForward(
  b: StepBuilder,
  l: ConvSpec,
  shape: ConvShape,
  x: string,
  y: string,
): void {
  const w = sparseRef(l.name, b.weight(l.name).grid, b.weight(l.name).storage);
  const bias = paramName(l.name, 'b');
  b.op('sparseConvForward', { x, w, b: bias, y, ...shapeOf(l, shape) });
}

export function sparseConvBackward(
  b: StepBuilder,
  l: ConvSpec,
  shape: ConvShape,
  io: LayerIO,
): void {
  const w = sparseRef(l.name, b.weight(l.name).grid, b.weight(l.name).storage);
  const s = shapeOf(l, shape);
  b.op('sparseConvGradWeight', { dy: io.dy, x: io.x, w, dw: paramName(l.name, 'dw'), ...s });
  const rows = shape.batch * shape.outHeight * shape.outWidth;
  b.op('biasGrad', { dy: io.dy, db: paramName(l.name, 'db'), batch: rows, outF: l.outFeatures });
  if (!io.first) b.op('sparseConvGradInput', { dy: io.dy, w, dx: io.dx, ...s });
}
