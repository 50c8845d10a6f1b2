/**
 * The experiment's whole configuration as one declarative table. The URL, the UI and
 * `npm run experiment` all go through `decode`/`encode`, so a shared link reproduces a run.
 */

import type { ExperimentConfig } from '../config';

export type ParamKey = keyof ExperimentConfig;

interface Base<T> {
  key: ParamKey;
  default: T;
  /** One plain-language line for tooltips, the README and error messages. */
  help: string;
  /** Older names still accepted when decoding (never written). */
  legacy?: string[];
}
interface NumberParam extends Base<number | string> {
  type: 'int' | 'float';
  min: number;
  max: number;
  /** `min` itself is not allowed (e.g. density must be > 0). */
  minExclusive?: boolean;
  /** Words accepted besides numbers (e.g. 'auto', 'epoch'). */
  words?: readonly string[];
  /** The only numbers allowed, when the range is not enough (e.g. block sizes). */
  only?: readonly number[];
}
interface BoolParam extends Base<boolean> {
  type: 'bool';
}
interface EnumParam extends Base<string> {
  type: 'enum';
  values: readonly string[];
}
interface IntListParam extends Base<number[]> {
  type: 'intList';
  min: number;
  max: number;
  minLength: number;
  maxLength: number;
}
/** A comma-separated list of words from `values` (e.g. what to hide). */
interface EnumListParam extends Base<string[]> {
  type: 'enumList';
  values: readonly string[];
  /** Old words and the current names each stands for. */
  legacyValues?: Readonly<Record<string, readonly string[]>>;
}
export type ParamSpec = NumberParam | BoolParam | EnumParam | IntListParam | EnumListParam;

/** The groups the controls panel shows, in order; every parameter is in exactly one. */
export const GROUPS: readonly { id: string; title: string; keys: readonly ParamKey[] }[] = [
  { id: 'data-settings', title: 'Data', keys: ['dataset', 'train', 'augment'] },
  { id: 'model-settings', title: 'Model', keys: ['model', 'hidden'] },
  {
    id: 'sparsity-settings',
    title: 'Sparsity',
    keys: [
      'method',
      'density',
      'prune_rate',
      'prune',
      'growth',
      'redist',
      'init',
      'schedule',
      'update_every',
      'update_until',
      'block',
    ],
  },
  {
    id: 'optimizer-settings',
    title: 'Optimizer',
    keys: ['lr', 'momentum', 'nesterov', 'wd', 'batch'],
  },
  {
    id: 'run-settings',
    title: 'Run',
    keys: ['epochs', 'seed', 'backend', 'kernels', 'autorun', 'hide', 'projector'],
  },
];

/** Panels `hide` can name, besides any parameter (its control) and any group id. */
export const PANELS = [
  'controls',
  'network',
  'samples',
  'accuracy',
  'loss',
  'density-chart',
  'regrowth-chart',
  'activations',
  'compute',
  'updates',
  'schedule-chart',
  'mask-update',
  'confusion',
  'try',
  'compare',
  'masks',
  'config',
] as const;

export const PARAMS: readonly ParamSpec[] = [
  {
    key: 'dataset',
    type: 'enum',
    values: ['mnist', 'cifar10'],
    default: 'mnist',
    help: 'Dataset to train on: MNIST digits or CIFAR-10 colour photos (imported once from its tarball).',
  },
  {
    key: 'model',
    type: 'enum',
    values: ['mlp', 'lenet5', 'vgg'],
    default: 'mlp',
    help: 'Network: an MLP of the hidden widths, LeNet-5 (Caffe), or a small VGG-style CNN with BatchNorm.',
  },
  {
    key: 'hidden',
    type: 'intList',
    min: 1,
    max: 4096,
    minLength: 1,
    maxLength: 6,
    default: [300, 100],
    help: 'Hidden layer widths of the MLP, comma separated (LeNet-300-100 is 300,100).',
  },
  {
    key: 'density',
    type: 'float',
    min: 0,
    minExclusive: true,
    max: 1,
    default: 0.05,
    help: 'Fraction of weights that exist: 0.05 keeps 5% of the connections (1 = dense). Kept exactly during training.',
  },
  {
    key: 'prune_rate',
    type: 'float',
    min: 0,
    minExclusive: true,
    max: 0.99,
    default: 0.5,
    help: 'Fraction of active weights pruned and regrown at the first mask update (cosine-decayed).',
  },
  {
    key: 'method',
    type: 'enum',
    values: ['snfs', 'set', 'rigl', 'static', 'dense'],
    default: 'snfs',
    help: 'Training method: sparse momentum, SET, RigL, a static random mask, or dense.',
  },
  {
    key: 'prune',
    type: 'enum',
    values: ['auto', 'magnitude', 'set', 'global_magnitude'],
    default: 'auto',
    help: "Which weights a mask update removes (auto: the method's choice).",
  },
  {
    key: 'growth',
    type: 'enum',
    values: ['auto', 'momentum', 'gradient', 'random'],
    default: 'auto',
    help: "Where removed weights regrow (auto: the method's choice).",
  },
  {
    key: 'redist',
    type: 'enum',
    values: ['auto', 'momentum', 'magnitude', 'nonzero', 'none'],
    default: 'auto',
    help: "How the freed weights are shared between layers (auto: the method's choice).",
  },
  {
    key: 'init',
    type: 'enum',
    values: ['auto', 'uniform', 'er', 'erk'],
    default: 'auto',
    help: "Initial density per layer: uniform, Erdős–Rényi or ER-Kernel (auto: the method's choice).",
  },
  {
    key: 'schedule',
    type: 'enum',
    values: ['auto', 'cosine', 'linear', 'constant'],
    default: 'auto',
    help: "How the prune rate decays over training (auto: the method's choice).",
  },
  {
    key: 'update_every',
    type: 'int',
    min: 1,
    max: 100000,
    words: ['auto', 'epoch'],
    default: 'auto',
    help: "Mask update at the end of every epoch, or every N steps (auto: the method's choice).",
  },
  {
    key: 'update_until',
    type: 'float',
    min: 0,
    minExclusive: true,
    max: 1,
    words: ['auto'],
    default: 'auto',
    help: "Fraction of training after which the mask freezes (auto: the method's choice).",
  },
  {
    key: 'block',
    type: 'int',
    min: 1,
    max: 32,
    only: [1, 4, 8, 16, 32],
    default: 1,
    help: 'Prune and regrow b x b tiles of weights instead of single weights.',
  },
  {
    key: 'lr',
    type: 'float',
    min: 0,
    minExclusive: true,
    max: 100,
    default: 0.1,
    help: 'SGD learning rate (too large and the run diverges: the page stops it and says so).',
  },
  { key: 'momentum', type: 'float', min: 0, max: 0.999, default: 0.9, help: 'SGD momentum.' },
  {
    key: 'nesterov',
    type: 'bool',
    default: true,
    help: 'Use Nesterov momentum (as the reference does).',
  },
  {
    key: 'wd',
    type: 'float',
    min: 0,
    max: 1,
    default: 0.0005,
    legacy: ['l2', 'weight_decay'],
    help: 'Weight decay (L2), applied to every parameter.',
  },
  { key: 'batch', type: 'int', min: 1, max: 1000, default: 100, help: 'Mini-batch size.' },
  {
    key: 'epochs',
    type: 'int',
    min: 1,
    max: 100,
    default: 5,
    help: 'Passes over the training set.',
  },
  {
    key: 'seed',
    type: 'int',
    min: 0,
    max: 4294967295,
    default: 17,
    help: 'Seed for initialisation, masks and shuffling: same seed, same run.',
  },
  {
    key: 'train',
    type: 'int',
    min: 100,
    max: 60000,
    default: 54000,
    help: 'Use the first N training images (the reference trains on the first 54000).',
  },
  {
    key: 'augment',
    type: 'bool',
    default: false,
    help: 'Random crops (4-pixel padding) and horizontal flips of the training images, seeded.',
  },
  {
    key: 'backend',
    type: 'enum',
    values: ['auto', 'webgpu', 'cpu'],
    default: 'auto',
    help: 'Where the math runs: WebGPU, the CPU reference, or auto (WebGPU when available).',
  },
  {
    key: 'kernels',
    type: 'enum',
    values: ['auto', 'dense', 'sparse'],
    default: 'auto',
    help: 'Matrix kernels of sparse layers: auto (sparse where the density makes them faster), always dense on masked weights, or sparse wherever one exists.',
  },
  {
    key: 'hide',
    type: 'enumList',
    // Filled in below: every parameter, group and panel name.
    values: [],
    default: [],
    help: 'Classroom mode: controls, groups or panels to hide, comma separated (e.g. controls,regrowth-chart).',
  },
  {
    key: 'projector',
    type: 'bool',
    default: false,
    help: 'Projector layout: large type and high contrast for a room.',
  },
  {
    key: 'autorun',
    type: 'bool',
    default: false,
    help: 'Start training as soon as the page opens.',
  },
];

/** Everything `hide` accepts: any parameter's control, any group, any panel (no name twice). */
export const HIDEABLE: readonly string[] = [
  ...PARAMS.map((p) => p.key),
  ...GROUPS.map((g) => g.id),
  ...PANELS,
];
/**
 * Names older links used in `hide`, and what they hid then: a panel or group that shared its
 * name with a parameter hid both, so the alias still hides both and old links look the same.
 */
export const HIDE_LEGACY: Readonly<Record<string, readonly string[]>> = {
  momentum: ['momentum', 'regrowth-chart'],
  schedule: ['schedule', 'schedule-chart'],
  model: ['model', 'model-settings'],
  data: ['data-settings'],
  sparsity: ['sparsity-settings'],
  optimizer: ['optimizer-settings'],
  run: ['run-settings'],
};
const hideSpec = PARAMS.find((p) => p.key === 'hide') as EnumListParam;
hideSpec.values = HIDEABLE;
hideSpec.legacyValues = HIDE_LEGACY;

export interface Rejected {
  key: string;
  value: string;
  reason: string;
}

export interface Decoded {
  config: ExperimentConfig;
  rejected: Rejected[];
}

export function defaultConfig(): ExperimentConfig {
  const entries = PARAMS.map((p) => [p.key, Array.isArray(p.default) ? [...p.default] : p.default]);
  return Object.fromEntries(entries) as ExperimentConfig;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function describeRange(p: NumberParam | IntListParam): string {
  const lo = 'minExclusive' in p && p.minExclusive ? `> ${p.min}` : `>= ${p.min}`;
  return `${lo} and <= ${p.max}`;
}

/** Parses one raw value; returns the value or the reason it was refused. */
function parseValue(
  p: ParamSpec,
  raw: string,
): { ok: true; value: unknown; warning?: string } | { ok: false; reason: string } {
  const s = raw.trim();
  switch (p.type) {
    case 'bool':
      if (['1', 'true', 'yes', 'on'].includes(s.toLowerCase())) return { ok: true, value: true };
      if (['0', 'false', 'no', 'off'].includes(s.toLowerCase())) return { ok: true, value: false };
      return { ok: false, reason: 'must be 0 or 1' };
    case 'enum':
      return p.values.includes(s)
        ? { ok: true, value: s }
        : { ok: false, reason: `must be one of ${p.values.join(', ')}` };
    case 'int':
    case 'float': {
      if (p.words?.includes(s)) return { ok: true, value: s };
      if (!NUMBER_RE.test(s)) {
        const reason = p.words
          ? `must be a number or one of ${p.words.join(', ')}`
          : 'is not a number';
        return { ok: false, reason };
      }
      const v = Number(s) + 0; // -0 becomes 0, so a link round-trips exactly
      if (!Number.isFinite(v)) return { ok: false, reason: 'is not a finite number' };
      if (p.type === 'int' && !Number.isInteger(v))
        return { ok: false, reason: 'must be a whole number' };
      const tooLow = p.minExclusive ? v <= p.min : v < p.min;
      if (p.only && !p.only.includes(v))
        return { ok: false, reason: `must be one of ${p.only.join(', ')}` };
      if (tooLow || v > p.max) {
        const words = p.words ? ` (or ${p.words.join(', ')})` : '';
        return { ok: false, reason: `must be ${describeRange(p)}${words}` };
      }
      return { ok: true, value: v };
    }
    case 'enumList': {
      if (s === '') return { ok: true, value: [] };
      const words = s.split(',').map((x) => x.trim());
      // The valid words apply even when some are unknown; the unknown ones are reported.
      const legacy = (w: string) =>
        p.legacyValues && Object.hasOwn(p.legacyValues, w) ? p.legacyValues[w] : null;
      const known = words.flatMap((w) => legacy(w) ?? (p.values.includes(w) ? [w] : []));
      const bad = words.filter((w) => !p.values.includes(w) && !legacy(w));
      const value = [...new Set(known)];
      if (bad.length === 0) return { ok: true, value };
      const names = bad.slice(0, 3).map((b) => `"${clip(b, 20)}"`);
      const more = bad.length > 3 ? ` and ${bad.length - 3} more` : '';
      return {
        ok: true,
        value,
        warning: `names ${names.join(', ')}${more}, which ${bad.length === 1 ? 'is' : 'are'} not a control, group or panel (the other names apply)`,
      };
    }
    case 'intList': {
      const parts = s.split(',').map((x) => x.trim());
      if (parts.length < p.minLength || parts.length > p.maxLength) {
        return {
          ok: false,
          reason: `needs ${p.minLength} to ${p.maxLength} comma-separated widths`,
        };
      }
      const out: number[] = [];
      for (const part of parts) {
        if (!/^\d+$/.test(part))
          return {
            ok: false,
            reason: `has a width that is not a whole number ("${clip(part, 20)}")`,
          };
        const v = Number(part);
        if (v < p.min || v > p.max)
          return { ok: false, reason: `must have widths ${describeRange(p)}` };
        out.push(v);
      }
      return { ok: true, value: out };
    }
  }
}

/**
 * Decodes an untrusted query string: every valid parameter is restored, every invalid or
 * unknown one keeps its default and is reported, so a broken link still opens.
 */
export function decode(search: string): Decoded {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const rejected: Rejected[] = [];
  const query = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const seen = new Set<string>();
  for (const [name, raw] of query) {
    const spec = PARAMS.find((p) => p.key === name || p.legacy?.includes(name));
    if (!spec) {
      rejected.push({ key: name, value: raw, reason: 'is not a known parameter' });
      continue;
    }
    if (seen.has(spec.key)) {
      rejected.push({ key: name, value: raw, reason: 'was given more than once' });
      continue;
    }
    seen.add(spec.key);
    const parsed = parseValue(spec, raw);
    if (parsed.ok) {
      config[spec.key] = parsed.value;
      if (parsed.warning) rejected.push({ key: name, value: raw, reason: parsed.warning });
    } else rejected.push({ key: name, value: raw, reason: parsed.reason });
  }
  return { config: config as unknown as ExperimentConfig, rejected };
}

/** A value as the URL writes it (lists comma-separated, booleans 0/1); controls show the same. */
export function formatValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** Encodes the values that differ from the defaults, so links stay short and readable. */
export function encode(config: ExperimentConfig, options: { full?: boolean } = {}): string {
  const query = new URLSearchParams();
  const defaults = defaultConfig() as unknown as Record<string, unknown>;
  const values = config as unknown as Record<string, unknown>;
  for (const p of PARAMS) {
    const v = formatValue(values[p.key]);
    if (options.full || v !== formatValue(defaults[p.key])) query.set(p.key, v);
  }
  return query.toString().replaceAll('%2C', ',');
}

/** One human sentence per rejected parameter, shared by the UI and the experiment runner. */
export function rejectionMessage(r: Rejected): string {
  return `Parameter "${clip(r.key)}=${clip(r.value)}" was ignored: it ${r.reason}.`;
}

/** Keeps a pasted megabyte of junk from filling the page: long text is cut with an ellipsis. */
function clip(text: string, max = 60): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}
