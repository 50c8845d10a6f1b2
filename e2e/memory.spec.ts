import { expect, test, type Page } from '@playwright/test';

interface Figures {
  /** What the worker estimated before allocating anything (its `ready` message). */
  estimate: number;
  /** What the WebGPU backend counted live at the end of the last epoch (`epoch` message). */
  live: number;
  /** The most it held at once during the run, by then. */
  peak: number;
  /** The kernels the weight layers run on. */
  kernels: string[];
}

interface Event {
  type: string;
  memory?: { deviceBytes: number };
  layers?: { kernel: string }[];
  gpu?: { bytes: number; peakBytes?: number } | null;
  message?: string;
}

/** Runs `query` to its end and returns the estimate and the live GPU bytes after it. */
async function figures(page: Page, query: string): Promise<Figures> {
  const seen: {
    estimate?: number;
    live?: number;
    peak?: number;
    kernels?: string[];
    error?: string;
  } = {};
  await page.exposeFunction('__experimentEvent', (e: Event) => {
    if (e.type === 'ready') {
      seen.estimate = e.memory?.deviceBytes;
      seen.kernels = e.layers?.map((l) => l.kernel);
    }
    if (e.type === 'epoch') [seen.live, seen.peak] = [e.gpu?.bytes, e.gpu?.peakBytes];
    if (e.type === 'error') seen.error = e.message;
  });
  await page.goto(`/?${query}&autorun=1`);
  await expect(page.getByTestId('status')).toHaveText(/done|error/, { timeout: 480_000 });
  expect(seen.error).toBeUndefined();
  return {
    estimate: seen.estimate ?? NaN,
    live: seen.live ?? NaN,
    peak: seen.peak ?? NaN,
    kernels: seen.kernels ?? [],
  };
}

const MiB = 2 ** 20;

const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)}%`;

// The budget check is only as good as the estimate: it must count what the GPU backend
// really holds (the plan's tensors, each op's uniforms, the readback staging buffer, every
// buffer's alignment), so a configuration is refused or accepted for what it needs. At the
// end every step is live (the first shape has a last partial batch: two training steps).
for (const [name, query, kernel] of [
  ['a dense 1024-1024 MLP', 'hidden=1024,1024&density=1&train=250&epochs=2', 'dense'],
  ['a dense 2048-2048 MLP', 'hidden=2048,2048&density=1&train=200&epochs=1', 'dense'],
  ['a sparse (CSR) MLP', 'hidden=300,100&density=0.05&train=200&epochs=1', 'csr'],
  ['a block-sparse MLP', 'hidden=512,256&density=0.2&block=16&train=200&epochs=1', 'block16'],
  ['LeNet-5', 'model=lenet5&density=1&train=200&epochs=1', 'dense'],
] as const) {
  test(`the memory estimate of ${name} is within 5% of the live GPU memory`, async ({ page }) => {
    test.setTimeout(600_000);
    const { estimate, live, peak, kernels } = await figures(page, query);
    console.log(
      `${query}: estimated ${(estimate / MiB).toFixed(2)} MiB, live ${(live / MiB).toFixed(2)} ` +
        `MiB (${pct(estimate, live)}), peak ${(peak / MiB).toFixed(2)} MiB (${pct(estimate, peak)})`,
    );
    expect(kernels).toContain(kernel);
    expect(live).toBeGreaterThan(MiB);
    expect(Math.abs(estimate - peak) / peak).toBeLessThanOrEqual(0.05);
    expect(Math.abs(estimate - live) / live).toBeLessThanOrEqual(0.05);
  });
}
