/** Workgroup counts of one dispatch, x by y by z. */
export type Workgroups = [number, number, number];

const MAX_GROUPS = 65535;

/** Workgroups for `threads` invocations of a 1-D kernel, folded into y past the x limit. */
export function dispatch1d(threads: number, wg: number): Workgroups {
  const groups = Math.max(1, Math.ceil(threads / wg));
  if (groups <= MAX_GROUPS) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  return [Math.ceil(groups / y), y, 1];
}
