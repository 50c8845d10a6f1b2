import type { ExperimentConfig, Method } from '../config';
import { COMPARABLE, formatValue, type ParamKey } from '../url/params';

/** The methods as the paper and the presets name them. */
export const METHOD_NAMES: Record<Method, string> = {
  snfs: 'SNFS',
  set: 'SET',
  rigl: 'RigL',
  static: 'static',
  dense: 'dense',
};

const MODEL_NAMES: Record<ExperimentConfig['model'], string> = {
  mlp: 'MLP',
  lenet5: 'LeNet-5',
  vgg: 'VGG',
};

/** 0.05 as "5%", 0.005 as "0.5%": how a class says a density. */
const percent = (d: number) => `${Number((d * 100).toPrecision(3))}%`;

/**
 * How one parameter of a run reads in its label, or null when it says nothing there (the
 * density of a dense run, the widths of a CNN).
 */
function part(key: ParamKey, c: ExperimentConfig): string | null {
  switch (key) {
    case 'method':
      return METHOD_NAMES[c.method];
    case 'density':
      return c.method === 'dense' ? null : percent(c.density);
    case 'hidden':
      return c.model === 'mlp' ? c.hidden.join('-') : null;
    case 'model':
      return c.model === 'mlp' ? `MLP ${c.hidden.join('-')}` : MODEL_NAMES[c.model];
    case 'block':
      return `block ${c.block}`;
    case 'seed':
      return `seed ${c.seed}`;
    case 'epochs':
      return `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`;
    case 'train':
      return `${c.train.toLocaleString('en-US')} images`;
    default:
      return `${key}=${formatValue(c[key])}`;
  }
}

const join = (parts: (string | null)[]) => parts.filter((p) => p !== null).join(' ');

/** A run on its own: method, density (unless dense), network, tiles, seed. */
export function fullLabel(c: ExperimentConfig): string {
  const keys: ParamKey[] = ['method', 'density', 'model'];
  if (c.block > 1) keys.push('block');
  return join([...keys, 'seed'].map((k) => part(k as ParamKey, c)));
}

/**
 * The runs of a comparison named by what differs between them, nothing else: "SNFS", "SET",
 * or "SNFS 5% 300-100" against "dense 16-10". Method and density come first, the rest in the
 * table's order; a changed model already names the MLP's widths. Identical runs are numbered.
 */
export function compareLabels(runs: readonly ExperimentConfig[]): string[] {
  const differs = (key: ParamKey) => new Set(runs.map((r) => formatValue(r[key]))).size > 1;
  const order: ParamKey[] = ['method', 'density', ...COMPARABLE.map((p) => p.key)];
  const keys = [...new Set(order)].filter(differs);
  const shown = keys.includes('model') ? keys.filter((k) => k !== 'hidden') : keys;
  return runs.map((r, i) => join(shown.map((k) => part(k, r))) || `run ${i + 1}`);
}
