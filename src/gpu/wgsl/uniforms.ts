// Uniform blocks described once, by name: the WGSL `struct Params` is generated from the same
// list the GPU backend packs values by, so a field can never be added, dropped or reordered on
// one side only, and no kernel needs hand-written padding.

/** The WGSL types a uniform field can have (the ones the kernels use). */
export type UniformType = 'u32' | 'i32' | 'f32' | 'vec4u' | 'vec4f';

/** One field of a uniform struct: its WGSL name and type. */
export type UniformField = readonly [name: string, type: UniformType];

/** The fields of a kernel's `struct Params`, in declaration order. */
export type UniformLayout = readonly UniformField[];

type ValueOf<T extends UniformType> = T extends 'vec4u' | 'vec4f' ? readonly number[] : number;

/** A value for every field of `L`, by name (vec4 fields take 4 numbers). */
export type UniformValues<L extends UniformLayout> = {
  [F in L[number] as F[0]]: ValueOf<F[1]>;
};

/** A layout with its values: what a descriptor's `uniforms(args)` returns for packing. */
export interface UniformBlock {
  layout: UniformLayout;
  values: Readonly<Record<string, number | readonly number[]>>;
}

/** WGSL alignment and size of each type in the uniform address space. */
const TYPE_INFO: Record<UniformType, { align: number; size: number; lanes: number }> = {
  u32: { align: 4, size: 4, lanes: 1 },
  i32: { align: 4, size: 4, lanes: 1 },
  f32: { align: 4, size: 4, lanes: 1 },
  vec4u: { align: 16, size: 16, lanes: 4 },
  vec4f: { align: 16, size: 16, lanes: 4 },
};

const roundUp = (n: number, k: number) => Math.ceil(n / k) * k;

/** Byte offset of every field and the struct's size, by WGSL's layout rules. */
export function uniformOffsets(layout: UniformLayout): { offsets: number[]; size: number } {
  let at = 0;
  let maxAlign = 4;
  const offsets = layout.map(([, type]) => {
    const { align, size } = TYPE_INFO[type];
    maxAlign = Math.max(maxAlign, align);
    const offset = roundUp(at, align);
    at = offset + size;
    return offset;
  });
  return { offsets, size: roundUp(at, maxAlign) };
}

/** Bytes of the uniform buffer for a layout: the struct, rounded up to a 16-byte block. */
export function uniformBytes(layout: UniformLayout): number {
  return Math.max(16, roundUp(uniformOffsets(layout).size, 16));
}

/** The WGSL declaration of a layout, as every generated kernel starts with. */
export function paramsStruct(layout: UniformLayout): string {
  return ['struct Params {', ...layout.map(([n, t]) => `  ${n}: ${t},`), '}'].join('\n');
}

/** A uniform block for `layout`, with the values checked by name at compile time. */
export function uniformBlock<L extends UniformLayout>(
  layout: L,
  values: UniformValues<L>,
): UniformBlock {
  return { layout, values: values as UniformBlock['values'] };
}

/**
 * Packs a uniform block: each field at its WGSL offset, by name. Throws on a missing or unknown
 * field, so a descriptor and its layout cannot drift apart silently.
 */
export function packUniforms(block: UniformBlock): ArrayBuffer {
  const { layout, values } = block;
  const names = new Set(layout.map(([n]) => n));
  for (const key of Object.keys(values))
    if (!names.has(key)) throw new Error(`uniform ${key} is not in the layout`);
  const buf = new ArrayBuffer(uniformBytes(layout));
  const view = new DataView(buf);
  const { offsets } = uniformOffsets(layout);
  layout.forEach(([name, type], f) => {
    const v = values[name];
    if (v === undefined) throw new Error(`uniform ${name} has no value`);
    const lanes = typeof v === 'number' ? [v] : v;
    if (lanes.length !== TYPE_INFO[type].lanes)
      throw new Error(`uniform ${name}: ${type} takes ${TYPE_INFO[type].lanes} values`);
    lanes.forEach((x, i) => {
      const at = offsets[f] + 4 * i;
      if (type === 'f32' || type === 'vec4f') view.setFloat32(at, x, true);
      else if (type === 'i32') view.setInt32(at, x, true);
      else view.setUint32(at, x, true);
    });
  });
  return buf;
}
