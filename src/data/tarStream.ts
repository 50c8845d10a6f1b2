import { DatasetError } from './idx';

/**
 * An incremental tar reader: chunks go in as they arrive (from a gunzip stream), headers are
 * parsed 512 bytes at a time with their checksums checked, and an entry's data is kept only
 * where the caller asks for it. nanotar parses a whole archive held in memory, which is what
 * let a gzip bomb or an oversized entry fill the memory before any check ran.
 */

const BLOCK = 512;
/** GNU long names and pax headers are a few hundred bytes; more is not an archive we read. */
const META_LIMIT = 64 * 1024;

/** One file (or directory, link …) of the archive as its header declares it. */
export interface TarEntry {
  /** Full path inside the archive (ustar prefix, GNU long name or pax path applied). */
  name: string;
  /** Bytes of data that follow the header. */
  size: number;
  /** The typeflag: '0' a regular file, '5' a directory, … */
  type: string;
}

function text(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/** An octal numeric field, or GNU's base-256 form (high bit set) for sizes of 8 GB and more. */
function numberField(bytes: Uint8Array): number {
  if (bytes[0] & 0x80) {
    let v = bytes[0] & 0x7f;
    for (let i = 1; i < bytes.length; i++) v = v * 256 + bytes[i];
    return v;
  }
  return parseInt(text(bytes).trim() || '0', 8);
}

/** True when the 512-byte block at `offset` is a tar header with a valid checksum. */
export function isTarHeader(tar: Uint8Array, offset = 0): boolean {
  if (tar.length < offset + BLOCK) return false;
  const stored = parseInt(text(tar.subarray(offset + 148, offset + 156)).trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : tar[offset + i];
  return sum === stored;
}

/** The path and size a pax extended header sets ("<len> key=value\n" records). */
function paxFields(data: Uint8Array): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  for (const line of new TextDecoder().decode(data).split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/.exec(line);
    if (m?.[1] === 'path') out.path = m[2];
    if (m?.[1] === 'size' && /^\d+$/.test(m[2])) out.size = Number(m[2]);
  }
  return out;
}

interface Current {
  entry: TarEntry;
  /** Where the data goes (exactly `entry.size` long), or null to skip it. */
  target: Uint8Array | null;
  got: number;
  pad: number;
  /** Set for GNU long-name and pax headers, whose data describes the next entry. */
  meta?: 'L' | 'x';
}

/**
 * Reads a tar archive pushed in chunks of any size. `onEntry` sees each header before any of
 * its data and returns a buffer of `entry.size` bytes to fill, or null to skip the data; it
 * may throw to refuse the archive at once. Problems are DatasetErrors naming `file`.
 */
export class TarStream {
  private readonly header = new Uint8Array(BLOCK);
  private fill = 0;
  private cur: Current | null = null;
  private offset = 0;
  private headerAt = 0;
  private headers = 0;
  private next: { path?: string; size?: number } = {};
  /** True once the end-of-archive block was read; later bytes are ignored. */
  ended = false;
  /** Bytes up to and including the end-of-archive block (set when `ended`). */
  endAt = 0;

  constructor(
    private readonly file: string,
    private readonly onEntry: (entry: TarEntry) => Uint8Array | null,
    private readonly notTar = 'is not a tar archive',
  ) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.ended) {
      const c = this.cur;
      let n: number;
      if (!c) {
        if (this.fill === 0) this.headerAt = this.offset;
        n = Math.min(BLOCK - this.fill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.fill);
        this.fill += n;
        if (this.fill === BLOCK) {
          this.fill = 0;
          this.readHeader();
        }
      } else if (c.got < c.entry.size) {
        n = Math.min(c.entry.size - c.got, chunk.length - at);
        c.target?.set(chunk.subarray(at, at + n), c.got);
        c.got += n;
      } else {
        n = Math.min(c.pad, chunk.length - at);
        c.pad -= n;
      }
      at += n;
      this.offset += n;
      if (this.cur && this.cur.got === this.cur.entry.size && this.cur.pad === 0) this.done();
    }
  }

  /**
   * Checks that the archive did not stop inside a header or an entry. Returns nothing; the
   * entries were handed out through `onEntry`. An archive may end without its zero blocks.
   */
  end(): void {
    if (this.headers === 0) throw new DatasetError(this.file, this.notTar);
    const c = this.cur;
    if (c && c.target && !c.meta) {
      throw new DatasetError(
        this.file,
        `is truncated: ${c.entry.name} has ${c.got} of its ${c.entry.size} bytes`,
      );
    }
    if (c || this.fill > 0) {
      throw new DatasetError(
        this.file,
        'is truncated: a file inside runs past the end of the archive',
      );
    }
  }

  private readHeader(): void {
    const h = this.header;
    if (this.headers > 0 && h.every((b) => b === 0)) {
      this.ended = true;
      this.endAt = this.headerAt + BLOCK;
      return;
    }
    if (!isTarHeader(h)) {
      if (this.headers === 0) throw new DatasetError(this.file, this.notTar);
      throw new DatasetError(
        this.file,
        `is not a readable tar archive (the header at byte ${this.headerAt} is damaged)`,
      );
    }
    this.headers++;
    const type = String.fromCharCode(h[156] || 48);
    let size = numberField(h.subarray(124, 136));
    if (!Number.isFinite(size) || size < 0) {
      throw new DatasetError(this.file, 'is not a readable tar archive (a size field is damaged)');
    }
    // Links, devices, directories and FIFOs carry no data whatever their size field says.
    if ('123456'.includes(type)) size = 0;
    let name = text(h.subarray(0, 100));
    const prefix = text(h.subarray(345, 500));
    if (text(h.subarray(257, 263)).startsWith('ustar') && prefix) name = `${prefix}/${name}`;
    if (type === 'L' || type === 'x' || type === 'g' || type === 'K') {
      if (size > META_LIMIT) {
        throw new DatasetError(
          this.file,
          `is not a readable tar archive (an extended header of ${size} bytes)`,
        );
      }
      const keep = type === 'L' || type === 'x';
      this.start({ name, size, type }, keep ? new Uint8Array(size) : null, keep ? type : undefined);
      return;
    }
    if (this.next.path !== undefined) name = this.next.path;
    if (this.next.size !== undefined && !'123456'.includes(type)) size = this.next.size;
    this.next = {};
    const entry = { name, size, type };
    this.start(entry, this.onEntry(entry));
  }

  private start(entry: TarEntry, target: Uint8Array | null, meta?: 'L' | 'x'): void {
    this.cur = { entry, target, got: 0, pad: (BLOCK - (entry.size % BLOCK)) % BLOCK, meta };
    if (entry.size === 0) this.done();
  }

  private done(): void {
    const c = this.cur!;
    this.cur = null;
    if (c.meta === 'L') this.next = { path: text(c.target!) };
    else if (c.meta === 'x') this.next = paxFields(c.target!);
  }
}
