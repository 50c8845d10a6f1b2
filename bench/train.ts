import type { Backend } from '../src/engine/backend';
export interface TrainRow {
  model: string;
}
export async function trainBench(
  be: Backend,
  densities: number[],
  quick: boolean,
  log: (s: string) => void,
): Promise<TrainRow[]> {
  void be;
  void densities;
  void quick;
  log('train: not yet');
  return [];
}
