// What `npm run experiment` prints for a refused configuration (epochs: src/record).

/** Refused parameters shown at most; a pasted wall of junk ends with how many more there were. */
export const MAX_REFUSALS_SHOWN = 8;

/**
 * The lines that explain a refused configuration: the UI's own sentence for each parameter
 * (`message`, which clips long keys and values), the first few only.
 */
export function refusalLines(rejected, message, max = MAX_REFUSALS_SHOWN) {
  const lines = rejected.slice(0, max).map(message);
  if (rejected.length > max) lines.push(`… and ${rejected.length - max} more refused parameters.`);
  return lines;
}
