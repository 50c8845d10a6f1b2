// The benchmark page: `npm run bench` opens it in headless Chromium and prints what it reports.
// Sections: per-kernel timings, training-step throughput per model and method, and the same
// dense MLP step in TensorFlow.js (WebGPU backend) as the peer.
import { GpuBackend, tuneLog } from '../src/gpu/backend';
import {
  doubleSparsityBench,
  kernelBench,
  type DoubleSparsityRow,
  type KernelRow,
} from './kernels';
import { trainBench, type TrainRow } from './train';
import { epochBench, type EpochRow } from './epoch';
import { tfjsBench, type PeerResult } from './peer';
import { gatherProbe, profileStep, type GatherRow, type ProfileRow } from './profile';

export interface BenchReport {
  adapter: string;
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

declare global {
  interface Window {
    bench: Promise<BenchReport>;
    benchLog: string[];
  }
}

const params = new URLSearchParams(location.search);
const quick = params.has('quick');
const sections = new Set((params.get('sections') ?? 'kernels,train,epoch,peer').split(','));
const EPOCH_DENSITY = 0.05;
const DENSITIES = quick ? [1, 0.1, 0.05] : [1, 0.5, 0.25, 0.1, 0.05, 0.02];

window.benchLog = [];
const log = (s: string) => {
  window.benchLog.push(s);
  console.log(s);
};

async function main(): Promise<BenchReport> {
  const be = await GpuBackend.create(navigator.gpu);
  const kernelShape = { batch: 128, inF: 784, outF: 300 };
  const kernels = sections.has('kernels')
    ? await kernelBench(be, kernelShape, DENSITIES.slice(1), log)
    : [];
  const doubleSparsity = sections.has('kernels')
    ? await doubleSparsityBench(be, kernelShape, log)
    : [];
  const train = sections.has('train') ? await trainBench(be, DENSITIES, quick, log) : [];
  const epochs = sections.has('epoch') ? await epochBench(be, EPOCH_DENSITY, quick, log) : [];
  const profile: ProfileRow[] = [];
  if (sections.has('profile'))
    for (const q of (params.get('profile') ?? '').split('|').filter(Boolean))
      profile.push(await profileStep(be, q));
  const gather = sections.has('profile') ? await gatherProbe(be) : [];
  const adapter = be.adapter;
  be.destroy();
  const peer = sections.has('peer') ? await tfjsBench(kernelShape, log) : null;
  return {
    adapter,
    userAgent: navigator.userAgent,
    kernelShape,
    kernels,
    doubleSparsity,
    train,
    epochs,
    epochDensity: EPOCH_DENSITY,
    peer,
    profile,
    gather,
    autotune: tuneLog,
  };
}

window.bench = main();
window.bench.then(
  (r) => (document.getElementById('out')!.textContent = JSON.stringify(r, null, 2)),
  (e: Error) => (document.getElementById('out')!.textContent = `error: ${e.stack ?? e.message}`),
);
