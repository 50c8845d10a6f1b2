import type { TrainingConfig } from '../../config/training';
import type { BatchNormSpec } from '../model';
import type { StepBuilder, WeightLayer } from './layers';
import { paramName, sparseRef } from './state';

/** SGD's hyper-parameters, as every update kernel takes them. */
export interface Hyper {
  lr: number;
  momentum: number;
  wd: number;
  nesterov: boolean;
}

export const hyperOf = (c: TrainingConfig): Hyper => ({
  lr: c.lr,
  momentum: c.momentum,
  wd: c.wd,
  nesterov: c.nesterov,
});

/**
 * The parameter updates at the end of a training step, layer by layer: dense SGD (masked when
 * the run is sparse), or SGD on the stored weights (after the dense momentum update when the
 * momentum of missing weights is kept), then the biases, then the BatchNorm scales and shifts.
 */
export function optimizerOps(
  b: StepBuilder,
  weights: WeightLayer[],
  norms: BatchNormSpec[],
  hyper: Hyper,
): void {
  for (const { spec, grid, storage: s } of weights) {
    const at = (part: Parameters<typeof paramName>[1]) => paramName(spec.name, part);
    const n = spec.inFeatures * spec.outFeatures;
    if (s.kind === 'dense') {
      const mask = s.masked ? at('mask') : null;
      b.op('sgdUpdate', { w: at('w'), g: at('dw'), v: at('vw'), mask, n, ...hyper });
    } else {
      if (s.denseState)
        b.op('momentumUpdate', { v: at('vw'), g: at('dw'), n, momentum: hyper.momentum });
      // A momentum window's step: missing weights are 0, so no weight decay reaches them.
      if (s.missing && b.denseGrad)
        b.op('momentumUpdate', {
          v: at('missing'),
          g: at('denseGrad'),
          n,
          momentum: hyper.momentum,
        });
      b.op('sparseSgdUpdate', {
        w: sparseRef(spec.name, grid),
        g: at('dw'),
        v: at('vw'),
        denseState: s.denseState,
        inF: spec.inFeatures,
        outF: spec.outFeatures,
        ...hyper,
      });
    }
    const bias = { w: at('b'), g: at('db'), v: at('vb'), mask: null, n: spec.outFeatures };
    b.op('sgdUpdate', { ...bias, ...hyper });
  }
  for (const spec of norms) {
    const at = (part: Parameters<typeof paramName>[1]) => paramName(spec.name, part);
    const n = 2 * spec.shape.channels;
    b.op('sgdUpdate', { w: at('gb'), g: at('dgb'), v: at('vgb'), mask: null, n, ...hyper });
  }
}
