// What `npm run experiment` prints: the JSON line of an epoch, and the refused parameters.

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

/** One epoch as the JSON object printed on stdout (`updates`: that epoch's mask updates). */
export function epochRecord(m, device, updates) {
  return {
    epoch: m.epoch,
    testAcc: m.testAcc,
    trainLoss: m.trainLoss,
    density: m.density,
    layers: m.layers.map((l) => ({
      name: l.name,
      density: l.density,
      meanMomentum: l.meanMomentum,
      ...(l.emptyChannels === null ? {} : { emptyChannels: l.emptyChannels }),
    })),
    pruneRate: m.pruneRate,
    seconds: m.seconds,
    samplesPerSec: m.samplesPerSec,
    backend: device.backend,
    adapter: device.adapter,
    testLoss: m.testLoss,
    trainAcc: m.trainAcc,
    updates,
  };
}
