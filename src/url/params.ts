/**
 * The experiment's whole configuration as one declarative table. The URL, the UI and
 * `npm run experiment` all go through `decode`/`encode`, so a shared link reproduces a run.
 */

import { trainingPart, type ExperimentConfig } from '../config';
import { formatCompare, parseCompare } from './compare';
import {
  clip,
  formatValue,
  parseValue,
  type EnumListParam,
  type ParamKey,
  type ParamSpec,
  type Parsed,
  type ValueSpec,
} from './values';

export { formatValue, type ParamKey, type ParamSpec, type ValueSpec } from './values';

/**
 * The link format's version, which `encode` writes first (`v=2`), so a record or a saved link
 * says which reading of its parameters it means. Version 2 changed `nm_group`'s default from 16
 * to 8; a `v=1` link reads with 16 (the `before` defaults of the table). A link without `v` reads
 * as the current version: the app has written `v` since before any default changed, so such a
 * link was typed by hand. A newer version is reported as a refused parameter (the rest is read
 * as the current version, as best it can be), never a crash.
 */
export const URL_VERSION = 2;
/** The parameter that holds `URL_VERSION`; not a setting, so it has no control and no default. */
export const VERSION_KEY = 'v';

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
      'momentum_window',
      'block',
      'structure',
      'nm_group',
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
    keys: ['epochs', 'seed', 'backend', 'kernels', 'compare', 'autorun', 'hide', 'projector'],
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
  'compare-runs',
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
    key: 'momentum_window',
    type: 'int',
    min: 1,
    max: 100000,
    words: ['auto', 'all'],
    default: 'auto',
    help: 'Sparse momentum on sparse kernels computes the dense gradient and the momentum of missing weights only in the last K steps before each mask update, stored weights only in between; regrowth then misses at most momentum^K of the exact momentum (auto: the smallest K with momentum^K <= 0.001, 66 at 0.9; all: every step, as the reference).',
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
    key: 'structure',
    type: 'enum',
    values: ['none', 'fanin', 'nm'],
    default: 'none',
    help: 'Sparsity structure: none (any weights), fanin (every output keeps the same number of inputs; ELL kernels), or nm (at most N of every nm_group consecutive inputs of an output; N:M kernels).',
  },
  {
    key: 'nm_group',
    type: 'int',
    min: 2,
    max: 64,
    only: [2, 4, 8, 16, 20, 32, 64],
    default: 8,
    before: { version: 1, default: 16 },
    help: 'M of structure=nm: the inputs of every output come in groups of M consecutive ones (the last one shorter), each holding at most N = the layer count / groups (rounded up) weights. 8 since link format 2 (16 in links with v=1).',
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
    key: 'compare',
    type: 'compare',
    default: '',
    help: 'Runs to compare, each a variation of these settings: parameter:value,value;… zipped (e.g. method:snfs,set,rigl,static). Press Run comparison in the Compare panel.',
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
  compare: ['compare', 'compare-runs'],
};
const hideSpec = PARAMS.find((p) => p.key === 'hide') as EnumListParam;
hideSpec.values = HIDEABLE;
hideSpec.legacyValues = HIDE_LEGACY;

/** What a comparison may vary: every training parameter (never a display setting), in table order. */
const TRAINING_DEFAULTS = trainingPart(defaultConfig());
export const COMPARABLE: readonly ValueSpec[] = PARAMS.filter(
  (p): p is ValueSpec => p.type !== 'compare' && Object.hasOwn(TRAINING_DEFAULTS, p.key),
);

/** Reads one raw value of any parameter: `compare` by its grammar, the rest by their type. */
function parseParam(p: ParamSpec, raw: string): Parsed {
  if (p.type !== 'compare') return parseValue(p, raw);
  const { groups, problems } = parseCompare(raw, COMPARABLE);
  const reason = problems.join('; ');
  if (groups.length === 0 && problems.length > 0) return { ok: false, reason };
  const value = formatCompare(groups);
  return problems.length > 0
    ? { ok: true, value, warning: `${reason} (the rest applies: ${value || 'nothing'})` }
    : { ok: true, value };
}

/** The variations of a `compare` value that already passed `decode` (the canonical form). */
export function compareGroups(value: string): ReturnType<typeof parseCompare>['groups'] {
  return parseCompare(value, COMPARABLE).groups;
}

/** Why a `v=` value cannot be read as one of this app's link formats; null when it can. */
function versionProblem(raw: string): string | null {
  if (readableVersion(raw) !== null) return null;
  const s = raw.trim();
  if (/^\d+$/.test(s) && Number(s) > URL_VERSION)
    return (
      `is a link format newer than this app reads (version ${URL_VERSION}): ` +
      `the other parameters were read as version ${URL_VERSION} and may not mean what the link ` +
      'meant; open the link in a newer version of the app'
    );
  return `must be a link format version from 1 to ${URL_VERSION}`;
}

/** The version a `v=` value names, when this app reads it; null otherwise. */
function readableVersion(raw: string): number | null {
  const s = raw.trim();
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  return n >= 1 && n <= URL_VERSION ? n : null;
}

export interface Rejected {
  key: string;
  value: string;
  reason: string;
}

export interface Decoded {
  config: ExperimentConfig;
  rejected: Rejected[];
}

/** Every parameter's default, as link format `version` (the current one unless given) has it. */
export function defaultConfig(version = URL_VERSION): ExperimentConfig {
  const entries = PARAMS.map((p) => {
    const d = p.before && version <= p.before.version ? p.before.default : p.default;
    return [p.key, Array.isArray(d) ? [...d] : d];
  });
  return Object.fromEntries(entries) as ExperimentConfig;
}

/**
 * Decodes an untrusted query string: every valid parameter is restored, every invalid or
 * unknown one keeps its default and is reported, so a broken link still opens.
 */
export function decode(search: string): Decoded {
  const rejected: Rejected[] = [];
  const query = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const version = readableVersion(query.get(VERSION_KEY) ?? '') ?? URL_VERSION;
  const config = defaultConfig(version) as unknown as Record<string, unknown>;
  const seen = new Set<string>();
  for (const [name, raw] of query) {
    if (name === VERSION_KEY) {
      const problem = seen.has(VERSION_KEY) ? 'was given more than once' : versionProblem(raw);
      seen.add(VERSION_KEY);
      if (problem) rejected.push({ key: name, value: raw, reason: problem });
      continue;
    }
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
    const parsed = parseParam(spec, raw);
    if (parsed.ok) {
      config[spec.key] = parsed.value;
      if (parsed.warning) rejected.push({ key: name, value: raw, reason: parsed.warning });
    } else rejected.push({ key: name, value: raw, reason: parsed.reason });
  }
  return { config: config as unknown as ExperimentConfig, rejected };
}

/**
 * Encodes the values that differ from the defaults, so links stay short and readable, after
 * the link format's version (`v=2`), which every link carries.
 */
export function encode(config: ExperimentConfig, options: { full?: boolean } = {}): string {
  const query = new URLSearchParams();
  query.set(VERSION_KEY, String(URL_VERSION));
  const defaults = defaultConfig() as unknown as Record<string, unknown>;
  const values = config as unknown as Record<string, unknown>;
  for (const p of PARAMS) {
    const v = formatValue(values[p.key]);
    if (options.full || v !== formatValue(defaults[p.key])) query.set(p.key, v);
  }
  // Commas, colons and semicolons need no escaping in a query value: links stay readable.
  return query.toString().replaceAll('%2C', ',').replaceAll('%3A', ':').replaceAll('%3B', ';');
}

/** One human sentence per rejected parameter, shared by the UI and the experiment runner. */
export function rejectionMessage(r: Rejected): string {
  return `Parameter "${clip(r.key)}=${clip(r.value)}" was ignored: it ${r.reason}.`;
}
