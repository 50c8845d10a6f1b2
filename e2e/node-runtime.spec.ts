import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { SWIFTSHADER_ICD, vulkanEnv } from '../scripts/node-runtime/vulkan.mjs';

// `npm run experiment -- --runtime=node`: the same engine and kernels in Node on Dawn.

const QUERY = 'density=0.1&epochs=2&train=1000&seed=17';
/** The engine process of this checkout (its path is unique to the worktree). */
const CHILD = `${process.cwd()}/scripts/node-runtime/experiment-child.mjs`;

function experiment(query: string, flags: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ['scripts/experiment.mjs', ...flags, query], {
    encoding: 'utf8',
    timeout: 200_000,
    env,
  });
  const epochs = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.status, stderr: r.stderr, epochs };
}

/** Engine processes of this checkout still alive. */
function enginesAlive(): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(CHILD);
      } catch {
        return false; // ended while listed
      }
    });
}

test('Node on Dawn and Chromium on the same adapter (SwiftShader) train to identical metrics', () => {
  const node = experiment(QUERY, ['--runtime=node']);
  expect(node.code, node.stderr).toBe(0);
  expect(node.stderr).toMatch(/Node runtime, node v\d+.*Dawn webgpu/);
  const browser = experiment(QUERY, []);
  expect(browser.code, browser.stderr).toBe(0);
  expect(node.epochs).toHaveLength(2);
  for (const run of [node, browser])
    for (const e of run.epochs) {
      expect(e.backend).toBe('webgpu');
      expect(JSON.stringify(e.adapter)).toMatch(/swiftshader/i);
    }
  // Everything but the timings and the adapter's wording (Chromium hides its details).
  const figures = (e: Record<string, unknown>) => {
    const { seconds: _s, samplesPerSec: _r, adapter: _a, ...rest } = e;
    return rest;
  };
  expect(node.epochs.map(figures)).toEqual(browser.epochs.map(figures));
  // The mask updates (pruned and regrown per layer) are part of what matched.
  expect(node.epochs.flatMap((e) => e.maskUpdates as unknown[]).length).toBeGreaterThan(0);
});

test('without a WebGPU adapter the Node run trains on the CPU and says why', () => {
  const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/no_icd.json' };
  const r = experiment('epochs=1&train=200&hidden=20', ['--runtime=node'], env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(
    'WebGPU is not available (Dawn found no WebGPU adapter with VK_ICD_FILENAMES=/nonexistent/no_icd.json',
  );
  expect(r.stderr).toContain('Training runs on the CPU reference backend instead');
  expect(r.stderr).toContain('see "Node runtime" in the README');
  expect(r.epochs.map((e) => e.backend)).toEqual(['cpu']);
  // backend=webgpu asks for the GPU or nothing: a failure, as in the browser.
  const strict = experiment('epochs=1&train=200&hidden=20&backend=webgpu', ['--runtime=node'], env);
  expect(strict.code).toBe(1);
  expect(strict.stderr).toContain('experiment: error: Dawn found no WebGPU adapter');
  expect(strict.epochs).toEqual([]);
});

test('SIGTERM and --timeout stop a Node run with their exit codes and end its engine', async () => {
  const long = 'epochs=50&train=5000';
  const child = spawn(process.execPath, ['scripts/experiment.mjs', '--runtime=node', long]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await new Promise<void>((resolve) => {
    const check = () => /epoch 1 step/.test(stderr) && resolve();
    child.stderr.on('data', check);
    void exited.then(() => resolve());
  });
  expect(enginesAlive().length, stderr).toBe(1);
  child.kill('SIGTERM');
  expect(await exited, stderr).toBe(143);
  expect(stderr).toContain('interrupted (SIGTERM)');
  expect(enginesAlive()).toEqual([]);

  const timed = experiment(long, ['--runtime=node', '--timeout=8']);
  expect(timed.code, timed.stderr).toBe(1);
  expect(timed.stderr).toContain('the run reached its time limit of 8 s');
  expect(enginesAlive()).toEqual([]);
});

test('the Node runtime keeps a chosen Vulkan driver, prefers the system one, else SwiftShader', () => {
  const has = (...paths: string[]) => ({ exists: (p: string) => paths.includes(p) });
  const chosen = vulkanEnv({ VK_ICD_FILENAMES: '/opt/icd.json' }, { drivers: [], ...has() });
  expect(chosen.env.VK_ICD_FILENAMES).toBe('/opt/icd.json');
  expect(chosen.env.LD_LIBRARY_PATH).toBeUndefined();
  // A GPU server: its vendor's driver is registered, so Chromium's SwiftShader is not used.
  const gpu = vulkanEnv(
    {},
    { drivers: ['/usr/share/vulkan/icd.d/nvidia_icd.json'], ...has(SWIFTSHADER_ICD) },
  );
  expect(gpu.env.VK_ICD_FILENAMES).toBeUndefined();
  expect(gpu.note).toContain('nvidia_icd.json');
  // No driver: SwiftShader, with Chromium's Vulkan loader beside it.
  const sw = vulkanEnv(
    { LD_LIBRARY_PATH: '/x' },
    { drivers: [], ...has(SWIFTSHADER_ICD, '/usr/lib/chromium/libvulkan.so.1') },
  );
  expect(sw.env.VK_ICD_FILENAMES).toBe(SWIFTSHADER_ICD);
  expect(sw.env.LD_LIBRARY_PATH).toBe('/x:/usr/lib/chromium');
  expect(vulkanEnv({}, { drivers: [], ...has() }).note).toContain('no Vulkan driver found');
});
