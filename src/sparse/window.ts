import { isUpdateStep, type SparseSettings } from './methods';

export { resolveWindow, WINDOW_TOLERANCE } from './windowSize';

/**
 * The momentum window of sparse momentum (`momentum_window`). Regrowth ranks missing weights
 * by |momentum|; with momentum μ that momentum is, up to μ^K of it, the decayed sum of the
 * weight's last K gradients. So the dense weight gradient and the missing weights' momentum are
 * needed only in the K steps before each mask update: a missing weight's momentum starts from 0
 * at the window's start, and what that drops is exactly μ^K times the momentum the exact run
 * had there. Stored weights keep their momentum on every step (stored-only state), so
 * redistribution (mean |momentum| of stored weights) is not affected at all.
 */

/** Whether this run keeps sparse layers on stored-only state with a momentum window. */
export function windowed(s: Pick<SparseSettings, 'dynamic' | 'growth' | 'momentumWindow'>) {
  return s.dynamic && s.growth === 'momentum' && s.momentumWindow !== null;
}

/**
 * The mask update the step at `step` (0-based: steps done before it) feeds, as a count of steps
 * done (see `isUpdateStep`), or null when no update follows (the mask is frozen or training
 * ends first). Updates fall on multiples of the interval, and once one is refused every later
 * one is too, so only the next multiple needs checking.
 */
export function nextUpdate(
  s: SparseSettings,
  step: number,
  stepsPerEpoch: number,
  totalSteps: number,
): number | null {
  const every = s.updateEvery === 'epoch' ? stepsPerEpoch : s.updateEvery;
  const next = Math.ceil((step + 1) / every) * every;
  return isUpdateStep(s, next, stepsPerEpoch, totalSteps) ? next : null;
}

/**
 * Where the step at `step` stands: `off` (stored weights only), `start` (the first step of a
 * window: the missing momentum is set to 0 first) or `on` (inside one). A step is in the
 * window of update u when it is one of the K steps before it (u − K <= step < u); when updates
 * are K steps apart or closer, windows join and the missing momentum is never reset, which is
 * exactly the reference's dense momentum. A run that is not windowed is always `off`.
 */
export function windowAt(
  s: SparseSettings,
  step: number,
  stepsPerEpoch: number,
  totalSteps: number,
): 'off' | 'start' | 'on' {
  if (!windowed(s)) return 'off';
  const inWindow = (t: number) => {
    const u = nextUpdate(s, t, stepsPerEpoch, totalSteps);
    return u !== null && u - t <= s.momentumWindow!;
  };
  if (!inWindow(step)) return 'off';
  return step === 0 || !inWindow(step - 1) ? 'start' : 'on';
}

/** Whether any step of the run is in a window (the window's steps get built at all). */
export function anyWindow(s: SparseSettings, stepsPerEpoch: number, totalSteps: number): boolean {
  return windowed(s) && nextUpdate(s, 0, stepsPerEpoch, totalSteps) !== null;
}

/** How many of the steps `from` to `to` (0-based, `to` excluded) are in a window. */
export function windowSteps(
  s: SparseSettings,
  from: number,
  to: number,
  stepsPerEpoch: number,
  totalSteps: number,
): number {
  let n = 0;
  for (let t = from; t < to; t++) if (windowAt(s, t, stepsPerEpoch, totalSteps) !== 'off') n++;
  return n;
}

/**
 * A layer's dense momentum from its two parts: the stored weights' (dense [out][in], 0 where
 * missing) and the missing weights' (tracked in the windows), by the element mask.
 */
export function joinMomentum(
  stored: Float32Array,
  missing: Float32Array,
  mask: Uint8Array,
): Float32Array {
  const out = stored.slice();
  for (let i = 0; i < out.length; i++) if (!mask[i]) out[i] = missing[i];
  return out;
}
