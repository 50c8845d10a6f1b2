import { activeWeights, expandMask } from '../sparse/blocks';
import { commonFanIn } from '../sparse/fanin';
import { countActive } from '../sparse/momentum';
import { nmBound } from '../sparse/nm';
import type { UpdateResult } from '../sparse/update';
import {
  MASK_ABSENT,
  MASK_ACTIVE,
  MASK_PRUNED,
  MASK_REGROWN,
  MASK_REPLACED,
  type LayerSnapshot,
  type MaskUpdateEvent,
  type MaskView,
} from './events';
import type { LayerKernel } from './kernelPolicy';
import type { WeightSpec } from './model';
import type { Param } from './params';

/**
 * What the UI shows of the parameters (summaries, mask grids, per-epoch and per-update
 * reports), computed on the CPU from the masks the trainer keeps there.
 */

/** Output channels of a conv layer whose whole filter is masked out. */
export function emptyChannels(spec: WeightSpec, mask: Uint8Array | null): number | null {
  if (spec.kind !== 'conv') return null;
  if (!mask) return 0;
  let empty = 0;
  for (let o = 0; o < spec.outFeatures; o++) {
    const row = mask.subarray(o * spec.inFeatures, (o + 1) * spec.inFeatures);
    if (row.every((m) => m === 0)) empty++;
  }
  return empty;
}

const elementMask = (p: Param) => (p.unitMask ? expandMask(p.unitMask, p.grid) : null);
const sizeOf = (p: Param) => p.spec.inFeatures * p.spec.outFeatures;
const activeOf = (p: Param) => (p.unitMask ? activeWeights(p.unitMask, p.grid) : sizeOf(p));

/** Every layer's per-weight mask now (null for a dense run), to diff against after an update. */
export const elementMasks = (params: Param[]) => params.map(elementMask);

/** One row per weight layer: its size, active weights, work per sample and kernel. */
export function layerSummary(params: Param[], kernels: { kernel: LayerKernel }[]) {
  return params.map((p, i) => ({
    name: p.spec.name,
    size: sizeOf(p),
    active: activeOf(p),
    // A conv layer applies its weights at every output position.
    macsPerSample:
      sizeOf(p) * (p.spec.kind === 'conv' ? p.spec.outShape.height * p.spec.outShape.width : 1),
    kernel: kernels[i].kernel,
  }));
}

/**
 * The masks now, marking changes against `before` (the masks before an update). With the
 * unit masks the update kept after pruning (`afterPrune`), a weight pruned and regrown in the
 * same place is marked as such, so the view's counts equal the update report's.
 */
export function maskView(
  params: Param[],
  globalStep: number,
  before: (Uint8Array | null)[] = [],
  afterPrune: (Uint8Array | null)[] = [],
  fanIn = false,
  nmGroup: number | null = null,
): MaskView {
  return {
    globalStep,
    layers: params.map((p, i) => {
      const now = elementMask(p);
      const prev = before[i] ?? now;
      const kept = afterPrune[i] ? expandMask(afterPrune[i], p.grid) : null;
      const state = new Uint8Array(sizeOf(p));
      for (let j = 0; j < state.length; j++) {
        const a = now ? now[j] : 1;
        const b = prev ? prev[j] : 1;
        state[j] =
          a && b
            ? kept && !kept[j]
              ? MASK_REPLACED
              : MASK_ACTIVE
            : a
              ? MASK_REGROWN
              : b
                ? MASK_PRUNED
                : MASK_ABSENT;
      }
      return {
        name: p.spec.name,
        rows: p.spec.outFeatures,
        cols: p.spec.inFeatures,
        kernel: p.spec.kind === 'conv' ? p.spec.kernel : 0,
        inChannels: p.spec.kind === 'conv' ? p.spec.inShape.channels : 0,
        state,
        ...fanInOf(fanIn ? now : null, p.spec.outFeatures, p.spec.inFeatures),
        ...(now && nmGroup !== null
          ? {
              nm: {
                n: nmBound(countActive(now), p.spec.outFeatures, p.spec.inFeatures, nmGroup),
                m: nmGroup,
              },
            }
          : {}),
      };
    }),
  };
}

/** `{ fanIn }` of a constant fan-in mask (the view's caption shows it), else nothing. */
function fanInOf(mask: Uint8Array | null, rows: number, cols: number): { fanIn?: number } {
  const k = mask ? commonFanIn(mask, rows, cols) : null;
  return k === null ? {} : { fanIn: k };
}

/** Each layer's state at the end of an epoch, with the momentum statistics read for it. */
export function epochLayers(
  params: Param[],
  kernels: { kernel: LayerKernel }[],
  meanMomentum: number[],
  shares: number[],
): LayerSnapshot[] {
  return params.map((p, i) => ({
    name: p.spec.name,
    size: sizeOf(p),
    active: activeOf(p),
    density: activeOf(p) / sizeOf(p),
    meanMomentum: meanMomentum[i],
    momentumShare: shares[i],
    emptyChannels: emptyChannels(p.spec, elementMask(p)),
    kernel: kernels[i].kernel,
  }));
}

/** The report of one mask update, with each conv layer's empty channels after it. */
export function updateReport(
  params: Param[],
  update: UpdateResult,
  at: { epoch: number; globalStep: number; pruneRate: number },
): MaskUpdateEvent {
  return {
    ...at,
    layers: update.layers.map((l, i) => ({
      ...l,
      emptyChannels: emptyChannels(params[i].spec, update.masks[i]),
    })),
  };
}
