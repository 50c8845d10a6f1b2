export declare const EXIT: {
  done: 0;
  failed: 1;
  refused: 2;
  diverged: 3;
  different: 4;
  sigint: 130;
  sigterm: 143;
};
export declare const DEFAULT_TIMEOUT_S: number;
export declare const DEFAULT_MAX_MEMORY_MB: number;
export declare const USAGE: string;
export declare const RUNTIMES: readonly ['chromium', 'node'];
export declare function clip(text: string, max?: number): string;
export interface Args {
  help: boolean;
  query: string;
  timeoutS: number;
  maxMemoryMB: number;
  /** --out=FILE, --export=DIR, --expect=FILE: present only when given. */
  out?: string;
  exportDir?: string;
  expect?: string;
  runtime: 'chromium' | 'node';
  /** An already-built site to serve instead of building (absent: build one). */
  site?: string;
}
export declare function parseArgs(argv: string[]): Args | { error: string };
/** Exit code and message prefix for the worker's `error` by its reason (src/worker/protocol.ts). */
export declare function errorExit(
  reason: 'too-big' | 'diverged' | 'failed' | undefined,
): [code: 1 | 2 | 3, prefix: string];
