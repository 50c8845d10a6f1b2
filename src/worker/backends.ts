import type { BackendChoice } from '../config';
import type { Backend } from '../engine/backend';

/** A backend for a run, and what the person should know about the choice (null: nothing). */
export interface MadeBackend {
  backend: Backend;
  notice: string | null;
}

/** Makes the backend a link asks for; the session gets one injected so tests can run without a GPU. */
export type BackendFactory = (choice: BackendChoice) => Promise<MadeBackend>;

/** The fallback notice's last words in a browser: where the GPU would be found. */
export const BROWSER_GPU_HINT = 'A browser with WebGPU (a recent Chrome or Edge) uses the GPU.';

/**
 * The policy for `backend=`: `cpu` is the CPU, `webgpu` is the GPU or an error, and `auto`
 * prefers the GPU but falls back to the CPU with a notice saying why and what it costs.
 * The constructors are passed in so this stays free of WebGPU (the worker wires them);
 * `gpuHint` tells how to get the GPU where this runs (the Node runtime has its own).
 */
export function fallbackFactory(
  createGpu: () => Promise<Backend>,
  createCpu: () => Backend,
  gpuHint: string = BROWSER_GPU_HINT,
): BackendFactory {
  return async (choice) => {
    if (choice === 'cpu') return { backend: createCpu(), notice: null };
    try {
      return { backend: await createGpu(), notice: null };
    } catch (e) {
      if (choice === 'webgpu') throw e;
      return {
        backend: createCpu(),
        notice:
          `WebGPU is not available (${(e as Error).message}). Training runs on the CPU reference ` +
          'backend instead: the same math in plain JavaScript, so the same results, but far ' +
          'slower than a GPU (on a laptop, minutes per MNIST epoch). Small experiments ' +
          `(e.g. train=5000, hidden=100) stay quick. ${gpuHint}`,
      };
    }
  };
}
