import type { TrainingConfig } from '../config/training';

/** What the dropped part may be at most, as a fraction of the exact momentum (`auto`). */
export const WINDOW_TOLERANCE = 1e-3;

/**
 * Steps a window lasts for this setting and momentum; null: every step (`all`, the
 * reference's behaviour). `auto` is the smallest K with μ^K <= WINDOW_TOLERANCE (66 at 0.9;
 * 1 without momentum, where only the last gradient counts).
 */
export function resolveWindow(
  setting: TrainingConfig['momentum_window'],
  momentum: number,
): number | null {
  if (setting === 'all') return null;
  if (setting !== 'auto') return setting;
  if (momentum <= 0) return 1;
  let k = Math.max(1, Math.ceil(Math.log(WINDOW_TOLERANCE) / Math.log(momentum)) - 1);
  while (momentum ** k > WINDOW_TOLERANCE) k++;
  return k;
}
