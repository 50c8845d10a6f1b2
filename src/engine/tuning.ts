import type { Backend, Interrupt, KernelArgs } from './backend';
import type { MaterializedStep } from './plan';

/**
 * Autotunes a training step's matmuls on the backend (where it can): each shape's variants are
 * timed once and the fastest kept for every later op of that shape, so the step is then
 * rebuilt to pick the winners up. Returns whether a shape was newly tuned: a step built when
 * its shapes were tuned already has the winners, and rebuilding it (and dropping every other
 * cached step with it) would only cost time. `interrupt` is asked between the variants timed
 * (tuning a wide layer's matmuls takes seconds on a slow device).
 */
export async function tuneStep(
  be: Backend,
  step: MaterializedStep,
  interrupt?: Interrupt,
): Promise<boolean> {
  if (!be.tune || step.tunable.length === 0) return false;
  let changed = false;
  for (const { kernel, args } of step.tunable)
    if (await be.tune(kernel, args as KernelArgs[typeof kernel], interrupt)) changed = true;
  return changed;
}
