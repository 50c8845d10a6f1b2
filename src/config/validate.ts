/**
 * Checks across parameters that each value alone cannot show: a density so low (or layers so
 * small) that some layer would start with no weight at all, and so train nothing.
 */

import { CIFAR_SIDE } from '../data/cifar';
import { initialLayerCounts } from '../engine/params';
import { buildModel, weightLayers, type Shape } from '../engine/model';
import { resolveSparsity } from '../sparse/methods';
import { decode, defaultConfig, formatValue, type Decoded, type ParamKey } from '../url/params';
import type { TrainingConfig } from './training';

/** Each dataset's image shape and class count, as its loader produces them. */
export const DATASET_SHAPES: Record<TrainingConfig['dataset'], Shape & { classes: number }> = {
  mnist: { height: 28, width: 28, channels: 1, classes: 10 },
  cifar10: { height: CIFAR_SIDE, width: CIFAR_SIDE, channels: 3, classes: 10 },
};

/** The parameters the weight counts depend on, in the order a link's are blamed. */
const COUNT_KEYS: readonly ParamKey[] = ['density', 'hidden', 'init', 'method', 'model', 'dataset'];

/** The first weight layer the run would start with no weight in, or null when every one has some. */
export function emptyLayer(config: TrainingConfig): { name: string; weights: number } | null {
  const { classes, ...input } = DATASET_SHAPES[config.dataset];
  const layers = buildModel(config.model, input, config.hidden, classes);
  const counts = initialLayerCounts(layers, resolveSparsity(config));
  const i = counts.findIndex((n) => n < 1);
  if (i < 0) return null;
  const l = weightLayers(layers)[i];
  return { name: l.name, weights: l.inFeatures * l.outFeatures };
}

/**
 * The smallest density (two significant digits, rounded up) at which every layer of this
 * model starts with at least one weight; 1 (dense) always does.
 */
export function smallestDensity(config: TrainingConfig): number {
  const ok = (density: number) => emptyLayer({ ...config, density }) === null;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  // A short number a person can type; the counts round, so the rounded value is checked too.
  const unit = 10 ** (Math.floor(Math.log10(hi)) - 1);
  for (let d = Math.ceil(hi / unit - 1e-9) * unit; d < 1; d += unit) {
    const nice = Number(d.toPrecision(2));
    if (ok(nice)) return nice;
  }
  return 1;
}

/** Why this configuration cannot train, or null when every layer starts with a weight. */
export function countProblem(config: TrainingConfig): string | null {
  const empty = emptyLayer(config);
  if (!empty) return null;
  const min = smallestDensity(config);
  const init = resolveSparsity(config).init;
  const erk = init === 'erk' ? 1 : smallestDensity({ ...config, init: 'erk' });
  const hint = erk < min ? ` (${erk} with init=erk, which gives small layers more)` : '';
  const weights = `${empty.weights} weight${empty.weights === 1 ? '' : 's'}`;
  return (
    `leaves layer ${empty.name} (${weights}) with no weight at all at density ` +
    `${config.density}: the smallest density for this model is ${min}${hint}`
  );
}

/**
 * `decode` plus the check across parameters: a combination that leaves a layer with no weight
 * is refused as a bad value is (reported, the default kept). The blamed parameter is
 * `blame` (a control's own key, when the counts depend on it), else the first the link set
 * away from its default of density, hidden, init, method, model, dataset; if that one's
 * default does not help, the next too.
 */
export function decodeChecked(search: string, blame?: readonly ParamKey[]): Decoded {
  const { config, rejected } = decode(search);
  const query = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const defaults = defaultConfig();
  // A value that is (or, refused, fell back to) the default: blaming it would change nothing.
  const given = COUNT_KEYS.filter(
    (k) => query.has(k) && formatValue(config[k]) !== formatValue(defaults[k]),
  );
  const suspects = blame ? blame.filter((k) => COUNT_KEYS.includes(k)) : given;
  let checked = config;
  // A structure keeps single weights per row: tiles and a structure do not combine.
  if (checked.structure !== 'none' && checked.block > 1) {
    const reason = `block tiles do not combine with structure=${checked.structure}, which keeps single weights in every row`;
    rejected.push({ key: 'block', value: String(checked.block), reason });
    checked = { ...checked, block: defaults.block };
  }
  for (const key of suspects) {
    const problem = countProblem(checked);
    if (!problem) break;
    const value = query.get(key) ?? formatValue(checked[key]);
    rejected.push({ key, value, reason: problem });
    checked = { ...checked, [key]: defaults[key] };
  }
  return { config: checked, rejected };
}
