/**
 * Hostile and real-shaped tarballs built lazily as streams, for the tests of the bounded
 * CIFAR-10 import: a gzip bomb or a 15x batch is described by its parts, never held in memory.
 */

/** One piece of a synthetic archive: literal bytes, or a run of zero bytes produced on demand. */
export type TarPart = Uint8Array | { zeros: number };

/**
 * A 512-byte ustar header of an entry of `size` bytes (base-256 beyond 8 GB, as GNU tar);
 * `type` '0' is a file, '5' a directory, 'L' a GNU long name, 'x' a pax header.
 */
export function tarHeader(name: string, size: number, type = '0', prefix = ''): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, text: string) => h.set(new TextEncoder().encode(text), at);
  put(0, name);
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  if (size < 8 ** 11) put(124, size.toString(8).padStart(11, '0') + '\0');
  else {
    h[124] = 0x80;
    for (let i = 135, v = size; i > 124; i--, v = Math.floor(v / 256)) h[i] = v % 256;
  }
  put(136, '00000000000\0');
  put(156, type);
  put(345, prefix);
  put(257, 'ustar\0');
  put(263, '00');
  h.fill(32, 148, 156);
  const sum = h.reduce((s, b) => s + b, 0);
  put(148, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** A file entry holding `data`, padded to 512. */
export function fileEntry(name: string, data: Uint8Array): TarPart[] {
  return [tarHeader(name, data.length), data, { zeros: (512 - (data.length % 512)) % 512 }];
}

/** A file entry whose data is `size` zero bytes (labels 0: valid CIFAR-10 records), padded to 512. */
export function zeroEntry(name: string, size: number): TarPart[] {
  return [tarHeader(name, size), { zeros: size + ((512 - (size % 512)) % 512) }];
}

/**
 * The parts as a pull stream of chunks of at most `chunk` bytes. Chunks are views, not copies
 * (all runs of zeros share one buffer), so producing a bomb allocates nothing per chunk;
 * readers must not write to them.
 */
export function partsStream(parts: TarPart[], chunk = 1 << 20): ReadableStream<Uint8Array> {
  let i = 0;
  let left = -1;
  const zero = new Uint8Array(chunk);
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      for (; i < parts.length; i++, left = -1) {
        const p = parts[i];
        if (p instanceof Uint8Array) {
          if (left < 0) left = p.length;
          if (left === 0) continue;
          const n = Math.min(chunk, left);
          ctrl.enqueue(p.subarray(p.length - left, p.length - left + n));
          left -= n;
          return;
        }
        if (left < 0) left = p.zeros;
        if (left === 0) continue;
        const n = Math.min(chunk, left);
        ctrl.enqueue(zero.subarray(0, n));
        left -= n;
        return;
      }
      ctrl.close();
    },
  });
}

/** The parts gzipped (streaming, so a 1 GB bomb costs about its 1 MB compressed size). */
export async function gzipParts(parts: TarPart[]): Promise<Uint8Array[]> {
  const gz = partsStream(parts).pipeThrough(
    new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  const out: Uint8Array[] = [];
  const reader = gz.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

/** The two zero blocks that end a tar archive. */
export const TAR_END: TarPart = { zeros: 1024 };
