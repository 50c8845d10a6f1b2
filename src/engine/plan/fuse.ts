import type { PlannedOp, StepPlan } from './types';

/**
 * Fuses neighbouring ops of a planned step where one kernel can do both in one pass, so a step
 * pays fewer dispatches and fewer passes over its activations (on SwiftShader each dispatch
 * costs ~0.05 ms, and these passes cost the same at any density):
 *
 * - a ReLU after a dense or sparse linear forward (conv or fc, implicit sparse conv), or after a
 *   BatchNorm, is applied as the result is stored (`relu` on the forward op): the
 *   pre-activation is never written;
 * - a ReLU's backward after a max-pool's backward (conv → ReLU → pool) is applied as the
 *   pool's input gradient is stored (`relu` on maxPoolBackward: the pool's output, since a
 *   window's maximum is the ReLU's output at its argmax), and after a dense or sparse linear
 *   input gradient (fc → ReLU → fc) as that is stored (`relu` on the gradInput op);
 * - a bias gradient after the layer's weight gradient (dense or sparse) is summed by it;
 * - the batch gather followed by the transpose of its batch writes the transposed batch too;
 * - im2col followed by the transpose of its patches (the CSR kernels on transposed
 *   activations) writes the transposed patches itself, and only those where no op reads the
 *   row-major ones.
 *
 * Every fused op computes exactly what the pair computed (the same values in the same order),
 * so results do not change. Tensors no op names any more (a pre-activation, a ReLU's input
 * gradient, unread patches) are dropped from the plan and never allocated.
 */
export function fusePlan(plan: StepPlan): StepPlan {
  const ops = plan.ops.map((o) => ({ ...o, args: { ...o.args } }) as PlannedOp);
  const kept: PlannedOp[] = [];
  const dropped = new Set<PlannedOp>();
  for (const op of ops) {
    const prev = kept[kept.length - 1];
    const live = ops.filter((o) => !dropped.has(o));
    if (prev && fuseInto(prev, op, live, plan)) dropped.add(op);
    else kept.push(op);
  }
  const used = new Set(kept.flatMap(names));
  used.add(plan.logits);
  for (const i of plan.inputs) used.add(i.tensor);
  const tensors = Object.fromEntries(Object.entries(plan.tensors).filter(([n]) => used.has(n)));
  return { ...plan, ops: kept, tensors };
}

/** Every tensor name an op's arguments hold (a sparse matrix's too). */
function names(op: PlannedOp): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      Object.values(v as Record<string, unknown>).forEach(walk);
  };
  walk(op.args);
  return out;
}

/** How many of `ops` name tensor `t`. */
const users = (ops: readonly PlannedOp[], t: string) =>
  ops.filter((o) => names(o).includes(t)).length;

/** Whether `t` is only the hand-over from one op to the next: no other op, no reader of the plan. */
function handOver(t: string, ops: readonly PlannedOp[], plan: StepPlan): boolean {
  return users(ops, t) === 2 && t !== plan.logits && !plan.inputs.some((i) => i.tensor === t);
}

/** Makes `prev` also do `op`'s work when it can (then `op` is dropped); returns whether it did. */
function fuseInto(prev: PlannedOp, op: PlannedOp, ops: readonly PlannedOp[], plan: StepPlan) {
  if (op.kernel === 'reluForward') {
    const k = prev.kernel;
    if (
      k !== 'linearForward' &&
      k !== 'sparseForward' &&
      k !== 'sparseConvForward' &&
      k !== 'bnForward'
    )
      return false;
    if (prev.args.y !== op.args.x || !handOver(op.args.x, ops, plan)) return false;
    prev.args.y = op.args.y;
    prev.args.relu = true;
    return true;
  }
  if (
    op.kernel === 'reluBackward' &&
    (prev.kernel === 'linearGradInput' || prev.kernel === 'sparseGradInput')
  ) {
    if (prev.args.relu || prev.args.dx !== op.args.dy || !handOver(op.args.dy, ops, plan))
      return false;
    prev.args.dx = op.args.dx;
    prev.args.relu = op.args.y;
    return true;
  }
  if (op.kernel === 'reluBackward') {
    if (prev.kernel !== 'maxPoolBackward' || prev.args.relu) return false;
    if (prev.args.dx !== op.args.dy || !handOver(op.args.dy, ops, plan)) return false;
    // The pool masks by its own (smaller) output: the ReLU's output at each window's argmax.
    const idx = prev.args.idx;
    const pool = ops.find((o) => o.kernel === 'maxPoolForward' && o.args.idx === idx);
    if (pool?.kernel !== 'maxPoolForward' || pool.args.x !== op.args.y) return false;
    prev.args.dx = op.args.dx;
    prev.args.relu = pool.args.y;
    return true;
  }
  if (op.kernel === 'biasGrad') return fuseBias(prev, op, ops);
  if (op.kernel === 'transpose' && prev.kernel === 'gatherBatch') {
    const a = prev.args;
    const features = a.height * a.width * a.channels;
    if (a.xT || a.x !== op.args.src || op.args.rows !== a.batch || op.args.cols !== features)
      return false;
    a.xT = op.args.dst;
    return true;
  }
  if (op.kernel === 'transpose') {
    if (prev.kernel !== 'im2col' || prev.args.colsT || prev.args.cols !== op.args.src) return false;
    const cols = op.args.src;
    prev.args.colsT = op.args.dst;
    // Row-major patches stay only for the ops that read them (a dense weight gradient).
    if (!ops.some((o) => o !== prev && o !== op && (o.args as { x?: unknown }).x === cols))
      prev.args.cols = null;
    return true;
  }
  return false;
}

/**
 * The bias gradient after the layer's weight gradient is summed by it (`db`), when that reads
 * the same dy or its transpose (the CSR kernels on transposed activations): the same sums.
 */
function fuseBias(
  prev: PlannedOp,
  op: Extract<PlannedOp, { kernel: 'biasGrad' }>,
  ops: readonly PlannedOp[],
): boolean {
  if (prev.kernel !== 'linearGradWeight' && prev.kernel !== 'sparseGradWeight') return false;
  const a = prev.args;
  if (a.db || a.batch !== op.args.batch || a.outF !== op.args.outF) return false;
  const dy = op.args.dy;
  const same =
    a.dy === dy ||
    (prev.kernel === 'sparseGradWeight' &&
      prev.args.transposed === true &&
      ops.some((o) => o.kernel === 'transpose' && o.args.src === dy && o.args.dst === a.dy));
  if (!same) return false;
  a.db = op.args.db;
  return true;
}
