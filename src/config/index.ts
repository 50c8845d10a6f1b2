import type { TrainingConfig } from './training';
import type { ViewConfig } from './view';

export type { BackendChoice, Method, TrainingConfig } from './training';
export type { ViewConfig } from './view';

/** A link's whole content: the training configuration and how to show it. */
export type ExperimentConfig = TrainingConfig & ViewConfig;
