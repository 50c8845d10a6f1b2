// Per-kernel breakdown of one training step: each op of the step timed on its own.
import type { Backend } from '../src/engine/backend';
import { timeOps } from './kernels';
import { stepRate } from './train';

export interface ProfileRow {
  query: string;
  ops: { kernel: string; ms: number }[];
}

export async function profileStep(be: Backend, query: string): Promise<ProfileRow> {
  const { trainer } = await stepRate(be, query, 200);
  const sync = be.tensor('f32', 1);
  const ops: ProfileRow['ops'] = [];
  for (const op of trainer.stepOps)
    ops.push({ kernel: op.kernel, ms: await timeOps(be, [op], sync, 30) });
  be.release([sync]);
  trainer.release();
  return { query, ops };
}
