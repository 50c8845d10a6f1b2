import {
  CIFAR_BATCH_BYTES,
  CIFAR_BATCH_RECORDS,
  CIFAR_CLASS_NAMES,
  CIFAR_RECORD,
  validateBatch,
  type CifarBatches,
} from './cifar';
import { DatasetError } from './idx';
import { TarStream, type TarEntry } from './tarStream';

/**
 * Reading cifar-10-binary.tar.gz with limits taken from the format, so a hostile file is
 * refused while it is read, before memory grows: the real tarball holds five training batches,
 * a test batch (30,730,000 bytes each) and two small text files, 184.4 MB of tar in all.
 */

/** Most bytes of tar (the gunzipped stream, trailing bytes included) an import reads. */
export const CIFAR_TAR_LIMIT = 200_000_000;
/** Most bytes of any entry other than a batch (batches.meta.txt is 61 bytes, readme.html 88). */
export const CIFAR_TEXT_LIMIT = 1_000_000;

/**
 * Most bytes after the end-of-archive block: tar pads its end to whole records (10 KiB with
 * GNU tar's default), so a megabyte more is a bomb hiding behind a valid archive.
 */
export const CIFAR_TRAIL_LIMIT = 1_000_000;

const TRAIN_FILE = /(^|\/)data_batch_([1-5])\.bin$/;
const TEST_FILE = /(^|\/)test_batch\.bin$/;
const META_FILE = /(^|\/)batches\.meta\.txt$/;
const NOT_TAR =
  'is not a tar archive. Expected the CIFAR-10 binary version, cifar-10-binary.tar.gz';

/** 1-5 for data_batch_N.bin, 0 for test_batch.bin, -1 for batches.meta.txt, else null. */
function kindOf(name: string): number | null {
  const train = TRAIN_FILE.exec(name);
  if (train) return Number(train[2]);
  if (TEST_FILE.test(name)) return 0;
  return META_FILE.test(name) ? -1 : null;
}

interface Kept {
  name: string;
  /** What kindOf says. */
  n: number;
  data: Uint8Array;
}

/**
 * Incremental reader of a gunzipped CIFAR-10 tarball: `push` the chunks as they come, then
 * `finish`. Every limit is checked as soon as the bytes or the header that pass it arrive,
 * so the caller can stop reading; `file` names the tarball in every message.
 */
export class CifarTarReader {
  /** Bytes pushed so far. */
  bytesRead = 0;
  private readonly tar: TarStream;
  private readonly kept: Kept[] = [];

  constructor(private readonly file: string) {
    this.tar = new TarStream(file, (e) => this.entry(e), NOT_TAR);
  }

  push(chunk: Uint8Array): void {
    this.bytesRead += chunk.length;
    if (this.bytesRead > CIFAR_TAR_LIMIT) {
      throw new DatasetError(
        this.file,
        `decompresses to more than ${CIFAR_TAR_LIMIT / 1e6} MB, more than the CIFAR-10 tarball; not importing it`,
      );
    }
    this.tar.push(chunk);
    if (this.tar.ended && this.bytesRead - this.tar.endAt > CIFAR_TRAIL_LIMIT) {
      throw new DatasetError(
        this.file,
        `goes on for more than ${CIFAR_TRAIL_LIMIT / 1e6} MB after the end of its tar archive, unlike the CIFAR-10 tarball; not importing it`,
      );
    }
  }

  private entry(e: TarEntry): Uint8Array | null {
    const base = e.name.split('/').pop() ?? e.name;
    const n = kindOf(e.name);
    if (n !== null && e.type !== '5' && this.kept.some((k) => k.n === n)) {
      throw new DatasetError(this.file, `${base} appears twice`);
    }
    if (n !== null && n >= 0 && e.size > CIFAR_BATCH_BYTES) {
      throw new DatasetError(
        this.file,
        `${base} holds more than ${CIFAR_BATCH_RECORDS.toLocaleString('en-US')} records (a CIFAR-10 batch is ${CIFAR_BATCH_BYTES.toLocaleString('en-US')} bytes)`,
      );
    }
    if ((n === null || n < 0) && e.size > CIFAR_TEXT_LIMIT) {
      throw new DatasetError(
        this.file,
        `${base} is larger than ${CIFAR_TEXT_LIMIT / 1e6} MB; the CIFAR-10 tarball holds nothing that large besides its batches`,
      );
    }
    if (n === null || e.type === '5') return null;
    const data = new Uint8Array(e.size);
    this.kept.push({ name: e.name, n, data });
    return data;
  }

  /** The validated batches; throws if the archive was cut short or a batch is malformed. */
  finish(): CifarBatches {
    this.tar.end();
    const train: Kept[] = [];
    let test: Uint8Array | null = null;
    let classNames = CIFAR_CLASS_NAMES;
    for (const k of this.kept) {
      if (k.n > 0) {
        validateBatch(k.data, k.name);
        train.push(k);
      } else if (k.n === 0) {
        validateBatch(k.data, k.name);
        test = k.data;
      } else {
        const names = new TextDecoder()
          .decode(k.data)
          .split('\n')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
        if (names.length === 10) classNames = names;
      }
    }
    if (train.length === 0) {
      throw new DatasetError(
        this.file,
        'contains no CIFAR-10 training batch (data_batch_1.bin … data_batch_5.bin)',
      );
    }
    if (!test)
      throw new DatasetError(this.file, 'contains no CIFAR-10 test batch (test_batch.bin)');
    train.sort((a, b) => a.n - b.n);
    const joined = new Uint8Array(train.reduce((s, t) => s + t.data.length, 0));
    let o = 0;
    for (const t of train) {
      joined.set(t.data, o);
      o += t.data.length;
    }
    return {
      train: joined,
      test,
      classNames,
      trainFiles: train.map((t) => t.name.split('/').pop()!),
    };
  }
}

/**
 * Reads the batch files out of an uncompressed tar archive held in memory (the data script's
 * path), with the same limits as a streamed import. Accepts any subset of data_batch_1..5
 * (at least one) plus test_batch.bin.
 */
export function readCifarTar(tar: Uint8Array, file: string): CifarBatches {
  const reader = new CifarTarReader(file);
  reader.push(tar);
  return reader.finish();
}

/**
 * Reads a gunzipped tarball stream chunk by chunk and cancels it at the first refusal, so a
 * bomb stops decompressing there. Errors of the stream itself (bad gzip) are rethrown as they
 * are, for the caller to word; refusals are DatasetErrors.
 */
export async function readCifarStream(
  stream: ReadableStream<Uint8Array>,
  file: string,
): Promise<CifarBatches> {
  const tar = new CifarTarReader(file);
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    try {
      tar.push(value);
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    }
  }
  return tar.finish();
}

/**
 * True when a value read back from storage has the shape and sizes an accepted import has,
 * so batches stored before these limits existed (or damaged) are not used.
 */
export function isCifarBatches(value: unknown): value is CifarBatches {
  const b = value as Partial<CifarBatches> | null;
  const whole = (a: unknown, most: number): a is Uint8Array =>
    a instanceof Uint8Array && a.length > 0 && a.length % CIFAR_RECORD === 0 && a.length <= most;
  return (
    !!b &&
    Array.isArray(b.trainFiles) &&
    b.trainFiles.length >= 1 &&
    b.trainFiles.length <= 5 &&
    whole(b.train, b.trainFiles.length * CIFAR_BATCH_BYTES) &&
    whole(b.test, CIFAR_BATCH_BYTES) &&
    Array.isArray(b.classNames) &&
    b.classNames.length === 10 &&
    b.classNames.every((c) => typeof c === 'string')
  );
}
