// The benchmark itself, wherever it runs: the page (bench/bench.ts, in headless Chromium) and
// `npm run bench -- --runtime=node` (scripts/node-runtime/bench-child.mjs, on Dawn) both call
// runBench with their WebGPU and get the same report.
import { GpuBackend, tuneLog } from '../src/gpu/backend';
import {
  doubleSparsityBench,
  kernelBench,
  type DoubleSparsityRow,
  type KernelRow,
} from './kernels';
import { trainBench, type TrainRow } from './train';
import { epochBench, type EpochRow } from './epoch';
import type { PeerResult } from './peer';
import { gatherProbe, profileStep, type GatherRow, type ProfileRow } from './profile';

export interface BenchReport {
  adapter: string;
  /** The browser's user agent, or "node vX (Dawn webgpu Y)". */
  userAgent: string;
  kernelShape: { batch: number; inF: number; outF: number };
  kernels: KernelRow[];
  doubleSparsity: DoubleSparsityRow[];
  train: TrainRow[];
  /** Whole epochs (training and evaluation) sparse against dense at `epochDensity`. */
  epochs: EpochRow[];
  epochDensity: number;
  peer: PeerResult | null;
  profile: ProfileRow[];
  gather: GatherRow[];
  autotune: typeof tuneLog;
}

/** What to run, as the page's query says it (`quick`, `sections`, `profile`). */
export interface BenchOptions {
  quick: boolean;
  sections: Set<string>;
  /** Queries of the steps to profile op by op. */
  profile: string[];
  /** The train section's models, by name prefix (`models=mlp`); every model when empty. */
  models: string[];
}

export function benchOptions(params: URLSearchParams): BenchOptions {
  return {
    quick: params.has('quick'),
    sections: new Set((params.get('sections') ?? 'kernels,train,epoch,peer').split(',')),
    profile: (params.get('profile') ?? '').split('|').filter(Boolean),
    models: (params.get('models') ?? '').split(',').filter(Boolean),
  };
}

/** The peer section (bench/peer.ts): passed in, as TensorFlow.js loads only in the browser. */
export type PeerBench = (
  shape: BenchReport['kernelShape'],
  log: (s: string) => void,
) => Promise<PeerResult | null>;

/** The density of the whole-epoch section's sparse runs. */
const EPOCH_DENSITY = 0.05;

/** Runs the chosen sections on `gpu`; the peer only where `peer` is given. */
export async function runBench(
  gpu: GPU,
  userAgent: string,
  { quick, sections, profile: queries, models }: BenchOptions,
  log: (s: string) => void,
  peer?: PeerBench,
): Promise<BenchReport> {
  const densities = quick ? [1, 0.1, 0.05] : [1, 0.5, 0.25, 0.1, 0.05, 0.02];
  // Training steps at the densities sparse training is for; the kernel section covers 0.25-0.5.
  const trainDensities = densities.filter((d) => d === 1 || d <= 0.1);
  const be = await GpuBackend.create(gpu);
  const kernelShape = { batch: 128, inF: 784, outF: 300 };
  const kernels = sections.has('kernels')
    ? await kernelBench(be, kernelShape, densities.slice(1), log)
    : [];
  const doubleSparsity = sections.has('kernels')
    ? await doubleSparsityBench(be, kernelShape, log)
    : [];
  const train = sections.has('train')
    ? await trainBench(be, trainDensities, quick, log, models)
    : [];
  const epochs = sections.has('epoch') ? await epochBench(be, EPOCH_DENSITY, quick, log) : [];
  const profile: ProfileRow[] = [];
  if (sections.has('profile')) for (const q of queries) profile.push(await profileStep(be, q));
  const gather = sections.has('profile') ? await gatherProbe(be) : [];
  const adapter = be.adapter;
  be.destroy();
  const peerResult = sections.has('peer') && peer ? await peer(kernelShape, log) : null;
  return {
    adapter,
    userAgent,
    kernelShape,
    kernels,
    doubleSparsity,
    train,
    epochs,
    epochDensity: EPOCH_DENSITY,
    peer: peerResult,
    profile,
    gather,
    autotune: tuneLog,
  };
}
