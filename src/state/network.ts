import type { LayerSnapshot, MaskUpdateEvent, MaskView } from '../engine/trainer';
import type { AppState } from './store';

/**
 * The network drawing as plain data: columns of units (the input, then each weight layer's
 * outputs) split into a few groups, and between neighbouring columns one bundle per pair of
 * groups whose weight is the real number of active connections in it. Large layers cannot be
 * drawn weight by weight (LeNet-300-100 has 266,200), so groups aggregate them honestly: the
 * bundles of a layer add up to its active count.
 */
export interface NetworkPicture {
  columns: NetColumn[];
  /** One per weight layer, joining column i to column i + 1. */
  layers: NetLayer[];
  /** The global step of the masks drawn; a new value restarts the update's flash. */
  globalStep: number;
  /**
   * True while mask updates come faster than their flash fades (FLASH_SECONDS of training
   * apart): the removed and regrown connections are then drawn steady, not restarted at every
   * redraw (a flash per update would be a blur, and keep the page repainting).
   */
  steady: boolean;
  /** The largest bundle's active count, so every bundle is drawn on one scale. */
  maxBundle: number;
}

export interface NetColumn {
  /** "input" or the name of the layer whose outputs it holds. */
  name: string;
  units: number;
  /** What a unit is: pixels, units, channels. */
  unitWord: string;
  groups: number;
  /** Per group: true when no unit of it has any incoming weight (an empty output channel). */
  empty: boolean[];
  /** Conv columns: output channels with no weight left (skippable); else null. */
  emptyUnits: number | null;
}

export interface NetLayer {
  name: string;
  size: number;
  active: number;
  density: number;
  /** The layer's share of the mean |momentum|, which decided its regrowth at the last update. */
  momentumShare: number | null;
  /** What the last mask update removed and regrew in this layer (the update table's numbers). */
  pruned: number;
  regrown: number;
  bundles: NetBundle[];
}

export interface NetBundle {
  from: number;
  to: number;
  /** Active connections now (kept and regrown). */
  active: number;
  /** Connections the bundle could hold: its density is active / possible. */
  possible: number;
  /** Connections the last update removed here (drawn red, fading). */
  pruned: number;
  /** Connections the last update added here (drawn green, fading). */
  regrown: number;
}

/** At most this many groups a column: enough to see structure, few enough to read. */
export const MAX_GROUPS = 10;

function groupsOf(units: number): number {
  return Math.max(1, Math.min(units, MAX_GROUPS));
}

const groupOf = (unit: number, units: number, groups: number) =>
  Math.min(groups - 1, Math.floor((unit * groups) / units));

/**
 * Builds the picture from the latest masks (the engine's `masks` event), the layers' latest
 * figures and the last update's report. Inputs of a layer are mapped to units of the column
 * before it by `input % units`: every layer stores its inputs with the channel innermost
 * (dense [out][in], conv [out][ky][kx][in], flatten of NHWC), so this finds the channel.
 */
export function buildNetworkPicture(
  masks: MaskView,
  lastUpdate: MaskUpdateEvent | null,
  lastEpoch: readonly Pick<LayerSnapshot, 'momentumShare'>[] | null,
): NetworkPicture {
  const first = masks.layers[0];
  const inputUnits = first.inChannels > 0 ? first.inChannels : first.cols;
  const columns: NetColumn[] = [
    {
      name: 'input',
      units: inputUnits,
      unitWord: first.inChannels > 0 ? (inputUnits === 1 ? 'channel' : 'channels') : 'pixels',
      groups: groupsOf(inputUnits),
      empty: new Array<boolean>(groupsOf(inputUnits)).fill(false),
      emptyUnits: null,
    },
  ];
  const netLayers: NetLayer[] = [];
  let maxBundle = 0;
  masks.layers.forEach((m, li) => {
    const prev = columns[li];
    const groupsOut = groupsOf(m.rows);
    const counts = new Float64Array(prev.groups * groupsOut * 3);
    const possible = new Float64Array(prev.groups * groupsOut);
    const unitActive = new Uint8Array(m.rows);
    // One pass over the mask: a state array, no per-weight allocation.
    for (let r = 0; r < m.rows; r++) {
      const to = groupOf(r, m.rows, groupsOut);
      const row = r * m.cols;
      for (let c = 0; c < m.cols; c++) {
        const from = groupOf(c % prev.units, prev.units, prev.groups);
        possible[from * groupsOut + to]++;
        const s = m.state[row + c];
        if (s === 0) continue;
        const at = (from * groupsOut + to) * 3;
        // 1 active, 2 pruned by the last update, 3 regrown by it, 4 pruned and regrown in the
        // same place (see MASK_* in the engine): the update table counts it both ways.
        if (s === 2) counts[at + 1]++;
        else {
          counts[at]++;
          unitActive[r] = 1;
          if (s >= 3) counts[at + 2]++;
          if (s === 4) counts[at + 1]++;
        }
      }
    }
    const bundles: NetBundle[] = [];
    let active = 0;
    for (let from = 0; from < prev.groups; from++) {
      for (let to = 0; to < groupsOut; to++) {
        const at = (from * groupsOut + to) * 3;
        if (counts[at] + counts[at + 1] === 0) continue;
        active += counts[at];
        bundles.push({
          from,
          to,
          active: counts[at],
          possible: possible[from * groupsOut + to],
          pruned: counts[at + 1],
          regrown: counts[at + 2],
        });
        maxBundle = Math.max(maxBundle, counts[at], counts[at + 1]);
      }
    }
    const empty = new Array<boolean>(groupsOut).fill(true);
    for (let r = 0; r < m.rows; r++)
      if (unitActive[r]) empty[groupOf(r, m.rows, groupsOut)] = false;
    const conv = m.kernel > 0;
    const isLast = li === masks.layers.length - 1;
    columns.push({
      name: m.name,
      units: m.rows,
      unitWord: conv ? 'channels' : isLast ? 'classes' : 'units',
      groups: groupsOut,
      empty: conv ? empty : new Array<boolean>(groupsOut).fill(false),
      emptyUnits: conv ? unitActive.reduce((n, a) => n + (a ? 0 : 1), 0) : null,
    });
    // The report belongs to these masks only when it is the update that made them.
    const report = lastUpdate?.globalStep === masks.globalStep ? lastUpdate.layers[li] : undefined;
    const size = m.rows * m.cols;
    netLayers.push({
      name: m.name,
      size,
      active,
      density: active / size,
      momentumShare: report?.momentumShare ?? lastEpoch?.[li]?.momentumShare ?? null,
      pruned: report?.pruned ?? 0,
      regrown: report?.regrown ?? 0,
      bundles,
    });
  });
  return { columns, layers: netLayers, globalStep: masks.globalStep, maxBundle, steady: false };
}

/** How long an update's flash lasts (the `net-flash` animation in styles.css). */
export const FLASH_SECONDS = 3;

/**
 * Whether the last two mask updates came less than FLASH_SECONDS of training apart, at the
 * run's current speed: steps between them over steps a second.
 */
export function updatesOutpaceFlash(
  updates: readonly Pick<MaskUpdateEvent, 'globalStep'>[],
  samplesPerSec: number | undefined,
  batch: number,
): boolean {
  const n = updates.length;
  if (n < 2 || !samplesPerSec || samplesPerSec <= 0) return false;
  const steps = updates[n - 1].globalStep - updates[n - 2].globalStep;
  return (steps * batch) / samplesPerSec < FLASH_SECONDS;
}

let memo: {
  masks: MaskView;
  update: MaskUpdateEvent | null;
  epoch: readonly Pick<LayerSnapshot, 'momentumShare'>[] | null;
  steady: boolean;
  picture: NetworkPicture;
} | null = null;

/**
 * The picture of the masks in the store, rebuilt only when the masks, the last update or the
 * last epoch change (one pass over the masks each time), so re-renders cost nothing; only the
 * latest masks are ever drawn (the inbox applies a batch of them as one store update).
 */
export function selectNetwork(s: AppState): NetworkPicture | null {
  if (!s.masks || s.masks.layers.length === 0) return null;
  const update = s.maskUpdates[s.maskUpdates.length - 1] ?? null;
  const epoch = s.epochs[s.epochs.length - 1]?.layers ?? null;
  const batch = s.runConfig?.batch ?? s.config.batch;
  const steady = updatesOutpaceFlash(s.maskUpdates, s.progress?.samplesPerSec, batch);
  if (memo && memo.masks === s.masks && memo.update === update && memo.epoch === epoch) {
    if (memo.steady !== steady) memo = { ...memo, steady, picture: { ...memo.picture, steady } };
    return memo.picture;
  }
  const picture = { ...buildNetworkPicture(s.masks, update, epoch), steady };
  memo = { masks: s.masks, update, epoch, steady, picture };
  return picture;
}
