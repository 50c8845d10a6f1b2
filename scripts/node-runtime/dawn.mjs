// Dawn's WebGPU for Node (npm "webgpu"), as the engine processes load it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Dawn's `navigator.gpu` equivalent, its WebGPU globals (GPUBufferUsage…) installed, or why
 * the `webgpu` package could not give one (the engine then says so and uses the CPU).
 */
export async function loadDawn() {
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    return { gpu: create([]), problem: null };
  } catch (e) {
    return {
      gpu: null,
      problem: `Dawn's Node binding (npm package "webgpu") could not be loaded: ${e.message}`,
    };
  }
}

/** What runs the engine, for logs and records: e.g. "node v20.20.0 (Dawn webgpu 0.6.2)". */
export function nodeEnvironment() {
  let dawn = 'no Dawn: the "webgpu" package is not installed';
  try {
    const file = createRequire(import.meta.url).resolve('webgpu/package.json');
    dawn = `Dawn webgpu ${JSON.parse(readFileSync(file, 'utf8')).version}`;
  } catch {
    // not installed: the engine falls back to the CPU and says why
  }
  return `node ${process.version} (${dawn})`;
}
