import type {
  AdapterInfo,
  Backend,
  BackendLimits,
  DType,
  Interrupt,
  KernelArgs,
  KernelName,
  Op,
  Tensor,
} from '../engine/backend';
import { KERNEL_NAMES } from '../engine/backend';
import {
  KERNELS,
  packUniforms,
  tuneCandidates,
  tuneKey,
  type TuneCandidate,
  type Workgroups,
} from './kernels';
import { bufferSize, GPU_COSTS, PLACEHOLDERS } from './costs';

/** Autotuned variants per adapter and kernel shape, shared by every backend of the worker. */
const tuned = new Map<string, TuneCandidate>();
/**
 * Submissions `submit` lets run at once: one on the device and one queued keep it busy, and a
 * reset leaves at most these behind (a queue of a wide MLP's steps kept a core busy for a minute).
 */
const MAX_IN_FLIGHT = 2;
/** A kernel slower than this (ms per run) is tuned over fewer candidates. */
const SLOW_TUNE_MS = 25;
/** What the autotuner measured (ms per candidate), for the benchmark. */
export const tuneLog: { key: string; adapter: string; ms: Record<string, number> }[] = [];

interface GpuTensor extends Tensor {
  buffer: GPUBuffer;
}
interface GpuOp extends Op {
  uniform: GPUBuffer;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: Workgroups;
}

const liveTotals = { buffers: 0, bytes: 0 };

/** GPU buffers alive right now across every backend of this worker (for leak checks). */
export function liveGpuBuffers(): { buffers: number; bytes: number } {
  return { ...liveTotals };
}

/** Why WebGPU could not be used, in words a person can act on. */
export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

/** Describes an adapter in one line, e.g. "nvidia ampere" or "google swiftshader". */
function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (s) => s && s.length > 0,
  );
  return parts.length > 0 ? [...new Set(parts)].join(' ') : 'unknown WebGPU adapter';
}

/**
 * The WebGPU backend. Pipelines are compiled once (compilation errors fail loudly), every
 * op gets its bind group and uniform buffer when prepared, and `run` encodes a list of ops
 * into one compute pass and one submission.
 */
export class GpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly recoverable = true;
  private nextId = 1;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /**
   * The one buffer every `read` copies through, grown to the largest tensor read so far:
   * reads take turns (`reading`), so what readbacks hold is known in advance (the memory
   * estimate counts it) instead of a pool that grows with every read in flight at once.
   */
  private staging: GPUBuffer | null = null;
  private reading: Promise<unknown> = Promise.resolve();
  private readonly live = new Set<GPUBuffer>();
  /** The most bytes the worker's buffers took at once since this backend was made. */
  private peakBytes = 0;
  /**
   * What an unused binding binds, one per binding index: a kernel may leave several unused,
   * and one buffer bound twice where either is writable is invalid.
   */
  private readonly placeholders: GpuTensor[] = [];
  /** Why the device was lost, once it is (the worker then recovers on a new device). */
  lost: GPUDeviceLostInfo | null = null;
  /** Set when the device reports an error or is lost; the next `run`/`read` throws it. */
  private failure: Error | null = null;
  /** When each of the submissions `submit` made, and not yet seen done, is done (or lost). */
  private inFlight: Promise<void>[] = [];
  /**
   * Compute dispatches encoded since this backend was made: each is a fixed cost (~0.05 ms on
   * SwiftShader), so the benchmark reports dispatches per training step beside its time.
   */
  dispatches = 0;

  private constructor(
    readonly device: GPUDevice,
    readonly adapter: string,
    readonly adapterInfo: AdapterInfo,
  ) {
    // Made up front, so the live buffer count of a run does not grow when a kernel first
    // leaves a binding unused.
    for (let i = 0; i < PLACEHOLDERS; i++)
      this.placeholders.push(this.tensor('f32', 4) as GpuTensor);
    device.addEventListener('uncapturederror', (e) => {
      this.failure ??= new Error(`WebGPU error: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    void device.lost.then((info) => {
      this.lost = info;
      this.failure ??= new Error(`The GPU device was lost (${info.reason}): ${info.message}`);
    });
  }

  limits(): BackendLimits {
    return {
      device: `this GPU (${this.adapter})`,
      maxBufferSize: this.device.limits.maxBufferSize,
      maxStorageBufferBindingSize: this.device.limits.maxStorageBufferBindingSize,
      costs: GPU_COSTS,
    };
  }

  liveMemory(): { buffers: number; bytes: number; peakBytes: number } {
    return { ...liveGpuBuffers(), peakBytes: this.peakBytes };
  }

  lostReason(): string | null {
    return this.lost ? this.lost.message || this.lost.reason : null;
  }

  loseDevice(): void {
    this.device.destroy();
  }

  static async create(gpu: GPU | undefined): Promise<GpuBackend> {
    if (!gpu)
      throw new GpuUnavailableError(
        'This browser does not expose WebGPU (navigator.gpu is missing).',
      );
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      throw new GpuUnavailableError('WebGPU is present but no GPU adapter is available.');
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(
          8,
          adapter.limits.maxStorageBuffersPerShaderStage,
        ),
      },
    });
    const { vendor, architecture, description } = adapter.info;
    const backend = new GpuBackend(device, describeAdapter(adapter), {
      vendor,
      architecture,
      description,
    });
    await backend.compileAll();
    return backend;
  }

  /** Compiles every kernel up front and checks `getCompilationInfo()` for errors. */
  private async compileAll(): Promise<void> {
    for (const name of KERNEL_NAMES) {
      for (const [variant, code] of Object.entries(KERNELS[name].sources)) {
        const label = `${name}:${variant}`;
        const module = this.device.createShaderModule({ label, code });
        const info = await module.getCompilationInfo();
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length > 0) {
          throw new Error(
            `WGSL kernel ${label} failed to compile:\n` +
              errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n'),
          );
        }
        this.modules.set(label, module);
      }
    }
  }

  private readonly modules = new Map<string, GPUShaderModule>();

  private pipeline(label: string, constants: Record<string, number>): GPUComputePipeline {
    const key = `${label}:${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.modules.get(label);
      if (!module) throw new Error(`kernel ${label} was not compiled`);
      p = this.device.createComputePipeline({
        label: key,
        layout: 'auto',
        compute: { module, entryPoint: 'main', constants },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  tensor(dtype: DType, length: number): Tensor {
    const buffer = this.createBuffer({
      size: bufferSize(length),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const t: GpuTensor = { id: this.nextId++, dtype, length, buffer };
    return t;
  }

  write(t: Tensor, data: Float32Array | Uint32Array, offset = 0): void {
    if (data.length + offset > t.length) throw new Error('write out of bounds');
    this.device.queue.writeBuffer(
      (t as GpuTensor).buffer,
      offset * 4,
      data.buffer,
      data.byteOffset,
      data.byteLength,
    );
  }

  read(t: Tensor): Promise<Float32Array | Uint32Array> {
    this.throwIfFailed();
    const next = this.reading.then(() => this.readNow(t));
    this.reading = next.catch(() => {});
    return next;
  }

  private async readNow(t: Tensor): Promise<Float32Array | Uint32Array> {
    this.throwIfFailed();
    const size = bufferSize(t.length);
    if (!this.staging || this.staging.size < size) {
      if (this.staging) this.releaseBuffer(this.staging);
      this.staging = this.createBuffer({
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    }
    const staging = this.staging;
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer((t as GpuTensor).buffer, 0, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ, 0, size);
    const bytes = staging.getMappedRange(0, t.length * 4).slice(0);
    staging.unmap();
    this.throwIfFailed();
    return t.dtype === 'f32' ? new Float32Array(bytes) : new Uint32Array(bytes);
  }

  async tune<K extends KernelName>(
    kernel: K,
    args: KernelArgs[K],
    interrupt?: Interrupt,
  ): Promise<boolean> {
    const candidates = tuneCandidates(kernel, args);
    const key = `${this.adapter}|${tuneKey(kernel, args)}`;
    if (candidates.length < 2 || tuned.has(key)) return false;
    const ms: Record<string, number> = {};
    let best = candidates[0];
    let bestMs = Infinity;
    let slow = false;
    for (const c of candidates) {
      // A slow kernel (a large convolution on a CPU-backed device) tries one workgroup shape
      // per variant only, so tuning stays a small part of the first epoch.
      const shape = `${c.constants.WG_X}x${c.constants.WG_Y}`;
      if (slow && shape !== '8x8') continue;
      // Timing a wide layer's variant takes seconds on a slow device: a reset stops here, and
      // the shape is tuned again by the next run that needs it.
      await interrupt?.().catch((e: unknown) => {
        tuned.delete(key);
        throw e;
      });
      tuned.set(key, c);
      const op = this.op(kernel, args);
      this.run([op]);
      await this.device.queue.onSubmittedWorkDone();
      let reps = 2;
      let t: number;
      // Grow the repetitions until one timing takes ~20 ms (a short start-up cost).
      for (;;) {
        const t0 = performance.now();
        this.run(new Array<Op>(reps).fill(op));
        await this.device.queue.onSubmittedWorkDone();
        t = (performance.now() - t0) / reps;
        if (t * reps >= 20 || reps >= 256) break;
        reps *= 4;
      }
      this.release([op]);
      if (t > SLOW_TUNE_MS) slow = true;
      ms[`${c.variant} ${shape}`] = t;
      if (t < bestMs) [best, bestMs] = [c, t];
    }
    tuned.set(key, best);
    tuneLog.push({ key: tuneKey(kernel, args), adapter: this.adapter, ms });
    return true;
  }

  /** Fixes the variant for these arguments (parity tests run every variant this way). */
  pin<K extends KernelName>(kernel: K, args: KernelArgs[K], choice: TuneCandidate): void {
    tuned.set(`${this.adapter}|${tuneKey(kernel, args)}`, choice);
  }

  /** The variant the autotuner chose for these arguments, or null when none was tuned. */
  tunedVariant<K extends KernelName>(kernel: K, args: KernelArgs[K]): TuneCandidate | null {
    return tuned.get(`${this.adapter}|${tuneKey(kernel, args)}`) ?? null;
  }

  private placeholder(binding: number): GpuTensor {
    const p = this.placeholders[binding];
    if (!p) throw new Error(`no placeholder for binding ${binding + 1}`);
    return p;
  }

  op<K extends KernelName>(kernel: K, args: KernelArgs[K]): Op {
    const desc = KERNELS[kernel];
    const choice = this.tunedVariant(kernel, args);
    const variant = choice?.variant ?? desc.variant(args);
    const constants = { ...desc.constants(args), ...choice?.constants };
    const pipeline = this.pipeline(`${kernel}:${variant}`, constants);
    const uniformData = packUniforms(desc.uniforms(args));
    const uniform = this.createBuffer({
      size: uniformData.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.device.queue.writeBuffer(uniform, 0, uniformData);
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    desc.buffers(args).forEach((t, i) => {
      entries.push({
        binding: i + 1,
        resource: { buffer: ((t ?? this.placeholder(i)) as GpuTensor).buffer },
      });
    });
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries,
    });
    const op: GpuOp = {
      kernel,
      uniform,
      pipeline,
      bindGroup,
      workgroups: desc.dispatch(args, constants, variant),
    };
    return op;
  }

  run(ops: readonly Op[]): void {
    this.throwIfFailed();
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const o of ops as readonly GpuOp[]) {
      pass.setPipeline(o.pipeline);
      pass.setBindGroup(0, o.bindGroup);
      pass.dispatchWorkgroups(...o.workgroups);
    }
    this.dispatches += ops.length;
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  async submit(ops: readonly Op[], interrupt?: Interrupt): Promise<void> {
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    await interrupt?.();
    this.run(ops);
    // A lost device may never report its work done.
    const done = this.device.queue.onSubmittedWorkDone().catch(() => undefined);
    this.inFlight.push(Promise.race([done, this.device.lost.then(() => undefined)]));
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  release(items: readonly (Tensor | Op)[]): void {
    for (const item of items)
      this.releaseBuffer('buffer' in item ? (item as GpuTensor).buffer : (item as GpuOp).uniform);
  }

  private releaseBuffer(buffer: GPUBuffer): void {
    if (!this.live.delete(buffer)) return;
    liveTotals.buffers--;
    liveTotals.bytes -= buffer.size;
    buffer.destroy();
  }

  /** Every buffer goes through here, so the live count and bytes are known (leak tests). */
  private createBuffer(desc: GPUBufferDescriptor): GPUBuffer {
    const buffer = this.device.createBuffer(desc);
    this.live.add(buffer);
    liveTotals.buffers++;
    liveTotals.bytes += desc.size;
    this.peakBytes = Math.max(this.peakBytes, liveTotals.bytes);
    return buffer;
  }

  destroy(): void {
    for (const b of this.live) {
      b.destroy();
      liveTotals.buffers--;
      liveTotals.bytes -= b.size;
    }
    this.live.clear();
    this.staging = null;
    this.inFlight = [];
    this.device.destroy();
  }
}
