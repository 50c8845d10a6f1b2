import type { BackendLimits } from './backend';
import type { BufferEstimate, MemoryEstimate, MemoryShare } from './memory';

/** What a run may use: the device's per-buffer limits and two budgets of the app's own. */
export interface MemoryLimits extends BackendLimits {
  /**
   * Bytes of backend memory (GPU buffers, or the CPU backend's tensors) the app allows itself:
   * WebGPU does not report a device's memory, and a tab that asks too much is killed.
   */
  budgetBytes: number;
  /** Bytes of arrays the training worker allows itself on the CPU (see `estimateMemory`). */
  workerBudgetBytes: number;
}

/**
 * A run refused because it does not fit: thrown before anything is allocated, reported by the
 * worker with the reason `too-big` (so `npm run experiment` exits 2 without reading words).
 */
export class TooBigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooBigError';
  }
}

const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** A size for a person: MiB or GiB with one decimal (kB below a MiB). */
function size(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(2)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${Math.ceil(n / KiB)} KiB`;
}

/**
 * A need and its limit in the same unit (that of the limit), the need rounded up and the limit
 * down at two decimals: a need over its limit never prints as the same number.
 */
export function formatFit(need: number, limit: number): [need: string, limit: string] {
  const [unit, name] = limit >= GiB ? [GiB, 'GiB'] : limit >= MiB ? [MiB, 'MiB'] : [KiB, 'KiB'];
  const up = Math.ceil((need / unit) * 100) / 100;
  const down = Math.floor((limit / unit) * 100) / 100;
  return [`${up.toFixed(2)} ${name}`, `${down.toFixed(2)} ${name}`];
}

/** Each share: what it is, what to change, and the same in a few words. */
const WHAT: Record<Exclude<MemoryShare, 'fixed'>, [what: string, fix: string, short: string]> = {
  model: [
    'the weights and what goes with them',
    'smaller or fewer hidden layers (hidden=), or a density of 0.2 or less (stored sparse)',
    'smaller layers or a lower density',
  ],
  batch: ["the training batch's activations", 'a smaller batch (batch=)', 'a smaller batch'],
  data: ['the training images', 'fewer training images (train=)', 'fewer training images'],
};

/** The worker reads weights back as dense arrays: a lower density does not shrink them. */
const WORKER_WHAT: typeof WHAT = {
  ...WHAT,
  model: [
    'the weights, read back as dense arrays at any density,',
    'smaller or fewer hidden layers (hidden=)',
    'smaller layers',
  ],
};

/** What to reduce, largest share first, with how much of `parts` each share takes. */
function advice(parts: BufferEstimate[], shares = WHAT): string {
  const total = parts.reduce((n, p) => n + p.bytes, 0);
  const by = new Map<Exclude<MemoryShare, 'fixed'>, number>();
  for (const p of parts) if (p.share !== 'fixed') by.set(p.share, (by.get(p.share) ?? 0) + p.bytes);
  const pct = (n: number) => Math.round((100 * n) / total);
  const ranked = [...by].filter(([, n]) => pct(n) >= 1).sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) return 'Most of it is the test set, which no parameter reduces.';
  const [[first, bytes], ...rest] = ranked;
  const [what, fix] = shares[first];
  const others = rest.map(([s, n]) => `${shares[s][2]} (${pct(n)}%)`);
  return (
    `${what[0].toUpperCase()}${what.slice(1)} take ${pct(bytes)}% of it: use ${fix}` +
    (others.length > 0 ? `; ${others.join(' or ')} would help less.` : '.')
  );
}

/**
 * Throws a `TooBigError` naming the limit an experiment breaks, both numbers and what to
 * reduce: a buffer over the device's per-buffer limit, the backend's memory over its budget,
 * or the worker's arrays over theirs. Returns when it fits.
 */
export function checkFits(m: MemoryEstimate, limits: MemoryLimits): void {
  const head = `This experiment does not fit ${limits.device}`;
  const perBuffer = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  if (m.largest.bytes > perBuffer) {
    const which =
      limits.maxStorageBufferBindingSize <= limits.maxBufferSize
        ? 'maxStorageBufferBindingSize'
        : 'maxBufferSize';
    const [need, limit] = formatFit(m.largest.bytes, perBuffer);
    throw new TooBigError(
      `${head}: its largest buffer (${m.largest.name}, ${need}) is larger than the device ` +
        `limit ${which} (${limit}). Use smaller or fewer hidden layers (hidden=), or a ` +
        'density of 0.2 or less (stored sparse).',
    );
  }
  const memory = limits.costs ? 'GPU memory' : 'memory for its tensors';
  if (m.totalBytes > limits.budgetBytes) {
    const [need, budget] = formatFit(m.totalBytes, limits.budgetBytes);
    throw new TooBigError(
      `${head}: it needs ${need} of ${memory}, more than the app's ${budget} budget ` +
        `(largest buffer: ${m.largest.name}, ${size(m.largest.bytes)}). ${advice(m.buffers)}`,
    );
  }
  if (m.workerBytes > limits.workerBudgetBytes) {
    const [need, budget] = formatFit(m.workerBytes, limits.workerBudgetBytes);
    const largest = m.worker.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    throw new TooBigError(
      "This experiment does not fit the training worker's memory: it needs " +
        `${need} of arrays on the CPU, more than the app's ${budget} budget ` +
        `(largest: ${largest.name}, ${size(largest.bytes)}). ${advice(m.worker, WORKER_WHAT)}`,
    );
  }
}
