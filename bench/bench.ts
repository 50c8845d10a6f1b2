// The benchmark page: `npm run bench` opens it in headless Chromium and prints what it reports.
// Sections: per-kernel timings, training-step throughput per model and method, and the same
// dense MLP step in TensorFlow.js (WebGPU backend) as the peer (bench/run.ts runs them).
import { tfjsBench } from './peer';
import { benchOptions, runBench, type BenchReport } from './run';

declare global {
  interface Window {
    bench: Promise<BenchReport>;
    benchLog: string[];
  }
}

window.benchLog = [];
const log = (s: string) => {
  window.benchLog.push(s);
  console.log(s);
};

window.bench = runBench(
  navigator.gpu,
  navigator.userAgent,
  benchOptions(new URLSearchParams(location.search)),
  log,
  tfjsBench,
);
window.bench.then(
  (r) => (document.getElementById('out')!.textContent = JSON.stringify(r, null, 2)),
  (e: Error) => (document.getElementById('out')!.textContent = `error: ${e.stack ?? e.message}`),
);
