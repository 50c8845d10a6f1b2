export declare const MAX_REFUSALS_SHOWN: number;
export declare function refusalLines<R>(
  rejected: R[],
  message: (r: R) => string,
  max?: number,
): string[];
