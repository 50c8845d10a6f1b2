import type { Backend, Interrupt, Tensor } from './backend';
import { materialize, planPredict, planStep, type MaterializedStep, type StepModel } from './plan';
import { tuneStep } from './tuning';

/** A step made real, and whether its matmuls were autotuned already. */
export type Step = MaterializedStep & { tuned: boolean };

/**
 * The run's materialized steps, by training or evaluation, batch size and dense-gradient need:
 * each is planned and allocated once and reused until the parameter buffers change.
 */
export class StepCache {
  private readonly steps = new Map<string, Step>();

  constructor(
    private readonly dev: Backend,
    /** The model and the tensors steps bind to, as they are now (they change at updates). */
    private readonly current: () => { model: StepModel; bound: Map<string, Tensor> },
  ) {}

  get(batch: number, training: boolean, denseGrad = false): Step {
    const key = `${training}:${batch}:${denseGrad}`;
    const cached = this.steps.get(key);
    if (cached) return cached;
    const { model, bound } = this.current();
    const plan = planStep(model, batch, training, denseGrad);
    const step = { ...materialize(plan, this.dev, bound), tuned: !training };
    this.steps.set(key, step);
    return step;
  }

  /** The forward pass on `batch` probe images (a prediction), built like an evaluation step. */
  predict(batch: number): Step {
    const key = `predict:${batch}`;
    const cached = this.steps.get(key);
    if (cached) return cached;
    const { model, bound } = this.current();
    const step = { ...materialize(planPredict(model, batch), this.dev, bound), tuned: true };
    this.steps.set(key, step);
    return step;
  }

  /**
   * The training step, its matmuls autotuned on first use: the tuners run once, then every
   * step is rebuilt with the winners (later rebuilds find every shape tuned already).
   */
  async tuned(batch: number, denseGrad: boolean, interrupt?: Interrupt): Promise<Step> {
    const step = this.get(batch, true, denseGrad);
    if (step.tuned) return step;
    if (!(await tuneStep(this.dev, step, interrupt))) {
      step.tuned = true;
      return step;
    }
    this.drop();
    const tuned = this.get(batch, true, denseGrad);
    tuned.tuned = true;
    return tuned;
  }

  /** Frees every step (ops and the tensors they own); they are rebuilt on demand. */
  drop(): void {
    for (const s of this.steps.values()) this.dev.release([...s.ops, ...s.owned]);
    this.steps.clear();
  }

  /** Forgets the steps whose buffers were released with everything else. */
  clear(): void {
    this.steps.clear();
  }
}
