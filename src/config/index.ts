import type { TrainingConfig } from './training';
import type { ViewConfig } from './view';

export type { BackendChoice, Method, TrainingConfig } from './training';
export type { ViewConfig } from './view';

/** A link's whole content: the training configuration and how to show it. */
export type ExperimentConfig = TrainingConfig & ViewConfig;

/** Every view setting; the compiler checks this against `ViewConfig`. */
const VIEW_KEYS: Record<keyof ViewConfig, true> = {
  autorun: true,
  hide: true,
  projector: true,
  compare: true,
};

/**
 * The training part of an experiment: what the worker gets, so no display setting can reach
 * the engine (and the worker's messages stay small).
 */
export function trainingPart(config: ExperimentConfig): TrainingConfig {
  const entries = Object.entries(config).filter(([key]) => !Object.hasOwn(VIEW_KEYS, key));
  return Object.fromEntries(entries) as unknown as TrainingConfig;
}
