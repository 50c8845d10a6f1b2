export declare function recordProblems(record: unknown): string[];
export declare function readExpected(path: string): { record: unknown } | { error: string };
export declare function expectLines(comparison: {
  epochs: unknown[];
  [key: string]: unknown;
}): string[];
export declare function readsOtherwise(
  record: { query: string; config: Record<string, unknown> },
  decode: (query: string) => { config: Record<string, unknown> },
): boolean;
