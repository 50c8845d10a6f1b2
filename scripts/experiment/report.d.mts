export declare const MAX_REFUSALS_SHOWN: number;
export declare function refusalLines<R>(
  rejected: R[],
  message: (r: R) => string,
  max?: number,
): string[];
export declare function epochRecord(
  m: unknown,
  device: { backend: string | null; adapter: string | null },
  updates: unknown[],
): Record<string, unknown>;
