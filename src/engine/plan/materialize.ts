import type { Backend, KernelArgs, KernelName, Op, Tensor } from '../backend';
import type { PlannedOp, StepPlan, TensorSpecs } from './types';

/** Allocates every tensor of `specs` on the backend, by name. */
export function allocate(be: Backend, specs: TensorSpecs): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, s] of Object.entries(specs)) out.set(name, be.tensor(s.dtype, s.length));
  return out;
}

/** A plan made real: its prepared ops, its own tensors, and every tensor it names. */
export interface MaterializedStep {
  plan: StepPlan;
  ops: Op[];
  /** The tensors the step allocated (freed with it). */
  owned: Tensor[];
  tensors: Map<string, Tensor>;
  /** The matmuls to autotune, with their arguments resolved. */
  tunable: { [K in KernelName]: { kernel: K; args: KernelArgs[K] } }[KernelName][];
}

/** Replaces every tensor name in a plan's arguments by the tensor (sparse matrices too). */
function resolve(args: object, lookup: (name: string) => Tensor): object {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(args)) {
    if (typeof v === 'string') out[key] = lookup(v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      out[key] = resolve(v, lookup);
    else out[key] = v;
  }
  return out;
}

/**
 * Allocates the plan's own tensors and prepares its ops, binding the names it shares with the
 * run (data, parameters) from `bound`.
 */
export function materialize(
  plan: StepPlan,
  be: Backend,
  bound: ReadonlyMap<string, Tensor> = new Map(),
): MaterializedStep {
  const own = allocate(be, plan.tensors);
  const tensors = new Map([...bound, ...own]);
  const lookup = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`the plan names a tensor it has not got: ${name}`);
    return t;
  };
  const tunable: MaterializedStep['tunable'] = [];
  const ops = plan.ops.map((o: PlannedOp) => {
    const args = resolve(o.args, lookup) as KernelArgs[typeof o.kernel];
    if (o.tune) tunable.push({ kernel: o.kernel, args } as MaterializedStep['tunable'][number]);
    return be.op(o.kernel, args);
  });
  return { plan, ops, owned: [...own.values()], tensors, tunable };
}
