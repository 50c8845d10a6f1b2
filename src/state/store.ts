import { create, type StateCreator } from 'zustand';
import type {
  EpochMetrics,
  MaskUpdateEvent,
  MaskView,
  StepProgress,
  SubsetEval,
} from '../engine/trainer';
import type { ExperimentConfig } from '../config';
import type { AdapterInfo } from '../engine/backend';
import type { Comparison } from './compare';
import { fullLabel } from './compareLabels';
import { decodeChecked } from '../config/validate';
import { decode, encode, rejectionMessage, type ParamKey, type Rejected } from '../url/params';
import { receiveBatch, receiveOne } from './receive';
import type { FromWorker, GpuMemory, InitialLayer, SampleImages } from '../worker/protocol';
import { emptyModelExport, type ModelExportSlice } from './modelExport';
import { emptyTry, type TrySlice } from './try';

export type RunStatus = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'error';

export interface ConfigSlice {
  config: ExperimentConfig;
  rejected: Rejected[];
  /** Why the last value typed into a control was refused, per parameter. */
  controlErrors: Partial<Record<ParamKey, string>>;
  /** The configuration the current run was started with (null before any run). */
  runConfig: ExperimentConfig | null;
  loadFromUrl(search: string): void;
  /** Sets one parameter from a control, validated by the same table as the URL. */
  setParam(key: ParamKey, raw: string): void;
}

export interface RunSlice {
  status: RunStatus;
  error: string | null;
  notice: string | null;
  backend: 'webgpu' | 'cpu' | null;
  adapter: string | null;
  /** The adapter field by field, for the run record (null before `ready`). */
  adapterInfo: AdapterInfo | null;
  data: { file: string; loaded: number; total: number; phase: 'download' | 'decode' } | null;
  progress: StepProgress | null;
  initialLayers: InitialLayer[];
  /** Set while the worker waits for a CIFAR-10 tarball; `problem` says why the last one failed. */
  needCifar: { problem: string | null } | null;
  samples: SampleImages | null;
  /** The worker itself died (not a training error): the page offers a restart. */
  crashed: boolean;
  /** The latest masks, for the mask views. */
  masks: MaskView | null;
}

/** A run of this session, kept for comparison. */
export interface RunRecord {
  id: number;
  name: string;
  config: ExperimentConfig;
  epochs: EpochMetrics[];
  /** False when the run was stopped before its last epoch. */
  finished: boolean;
  /** The running train loss and the mask-update reports (kept in the browser with the run). */
  steps?: MetricsSlice['steps'];
  maskUpdates?: MaskUpdateEvent[];
}

export interface HistorySlice {
  history: RunRecord[];
  /** Ids of the runs the compare chart overlays. */
  compared: number[];
  /** Configurations a preset still has to run, in order. */
  queue: ExperimentConfig[];
  /** The last comparison started (a preset or a `compare=` link); null before any. */
  comparison: Comparison | null;
  /** Which of `comparison.runs` the run shown is; null for a run of the settings. */
  comparisonRun: number | null;
  /** Starts showing a comparison: only its runs are overlaid, the others wait in the queue. */
  beginComparison(comparison: Comparison): void;
  toggleCompared(id: number): void;
  setQueue(queue: ExperimentConfig[]): void;
  setConfig(config: ExperimentConfig): void;
}

/** A short label for a run of the settings: its number, method, density, model, blocks, seed. */
export function runName(id: number, c: ExperimentConfig): string {
  return `#${id} ${fullLabel(c)}`;
}

/** What a run trains when it is not the settings': one run of a comparison. */
export interface ComparisonRunRequest {
  config: ExperimentConfig;
  /** Its index in the comparison's runs. */
  index: number;
}

/** Runs kept in this browser (persist.ts writes this; the UI reports it). */
export interface SavedSlice {
  saved: {
    /** Runs in the browser's storage (finished or stopped). */
    runs: number;
    /** Epoch of the checkpoint of the run in progress in storage (null: none). */
    checkpointEpoch: number | null;
    /** After a reload: the run a reload interrupted, offered as "Resume from epoch N". */
    resume: { id: number; name: string; epoch: number; epochs: number } | null;
    /** A run was offered for resuming when the page opened (an autorun link waits then). */
    resumeOffered: boolean;
    /** Why the browser's storage failed; training never waits for it. */
    problem: string | null;
  };
}

export interface MemorySlice {
  /** Live GPU buffers in the worker at the last epoch end or reset (kept across runs). */
  gpuMemory: GpuMemory | null;
}

export interface MetricsSlice {
  epochs: EpochMetrics[];
  steps: { globalStep: number; epoch: number; trainLoss: number; samplesPerSec: number }[];
  maskUpdates: MaskUpdateEvent[];
  /** Accuracy on the fixed sample of test images, every few steps (before any epoch ends). */
  subsetEvals: SubsetEval[];
}

export interface Actions {
  /** Applies one worker message; the only way run state and metrics change. */
  receive(m: FromWorker): void;
  /** Applies a batch of worker messages in order, as one store update (React renders once). */
  receiveAll(messages: readonly FromWorker[]): void;
  /** A fresh run of the settings, or of one comparison run (the settings stay as they are). */
  beginRun(run?: ComparisonRunRequest): void;
  setGpuMemory(gpu: GpuMemory | null): void;
  setStatus(status: RunStatus): void;
  clearRun(): void;
}

export type AppState = ConfigSlice &
  RunSlice &
  MetricsSlice &
  MemorySlice &
  HistorySlice &
  TrySlice &
  ModelExportSlice &
  SavedSlice &
  Actions;

const emptyRun = (): RunSlice & MetricsSlice & TrySlice & ModelExportSlice => ({
  status: 'idle',
  error: null,
  notice: null,
  backend: null,
  adapter: null,
  adapterInfo: null,
  data: null,
  progress: null,
  initialLayers: [],
  needCifar: null,
  samples: null,
  crashed: false,
  masks: null,
  epochs: [],
  steps: [],
  maskUpdates: [],
  subsetEvals: [],
  ...emptyTry(),
  ...emptyModelExport(),
});

const configSlice: StateCreator<AppState, [], [], ConfigSlice> = (set, get) => ({
  ...decode(''),
  controlErrors: {},
  runConfig: null,
  // Checked across parameters too: a link must not train a layer with no weight at all.
  loadFromUrl: (search) => set(decodeChecked(search)),
  setParam: (key, raw) => {
    const query = new URLSearchParams(encode(get().config, { full: true }));
    query.set(key, raw);
    const { config, rejected } = decodeChecked(query.toString(), [key]);
    const refused = rejected.find((r) => r.key === key);
    const controlErrors = { ...get().controlErrors };
    delete controlErrors[key];
    if (refused) {
      set({ controlErrors: { ...controlErrors, [key]: rejectionMessage(refused) } });
    } else {
      set({ config, controlErrors, rejected: get().rejected.filter((r) => r.key !== key) });
    }
  },
});

let runIds = 0;
/** The shown run has been put in the history already. */
let archived = false;
/** The id the shown run keeps when archived (a resumed saved run), else a new one. */
let keptId: number | null = null;

/**
 * Runs restored from the browser hold ids up to `maxId`: later runs are numbered after them,
 * and the shown run, when `resumedId` is given, goes back into the history under that id.
 */
export function continueRunIds(maxId: number, resumedId: number | null = null): void {
  runIds = Math.max(runIds, maxId);
  keptId = resumedId;
}

/** The shown run as a history entry (once), when it has at least one epoch. */
function archive(s: AppState, finished: boolean): Partial<AppState> {
  if (archived || !s.runConfig || s.epochs.length === 0) return {};
  archived = true;
  const id = keptId ?? ++runIds;
  keptId = null;
  const index = s.comparisonRun;
  const comparison = index === null ? null : s.comparison;
  const record = {
    id,
    name: comparison && index !== null ? comparison.labels[index] : runName(id, s.runConfig),
    config: s.runConfig,
    epochs: s.epochs,
    finished,
    steps: s.steps,
    maskUpdates: s.maskUpdates,
  };
  const update = { history: [...s.history, record], compared: [...s.compared, id] };
  if (!comparison) return update;
  return { ...update, comparison: { ...comparison, ids: comparison.ids.with(index!, id) } };
}

const finished = (s: AppState) => archive(s, true);

const runSlice: StateCreator<
  AppState,
  [],
  [],
  RunSlice &
    MetricsSlice &
    MemorySlice &
    HistorySlice &
    TrySlice &
    ModelExportSlice &
    SavedSlice &
    Actions
> = (set) => ({
  ...emptyRun(),
  gpuMemory: null,
  saved: { runs: 0, checkpointEpoch: null, resume: null, resumeOffered: false, problem: null },
  history: [],
  compared: [],
  queue: [],
  comparison: null,
  comparisonRun: null,
  beginComparison: (comparison) =>
    set((s) => ({
      ...archive(s, false),
      comparison,
      compared: [],
      queue: comparison.runs.slice(1),
    })),
  toggleCompared: (id) =>
    set((s) => ({
      compared: s.compared.includes(id) ? s.compared.filter((c) => c !== id) : [...s.compared, id],
    })),
  setQueue: (queue) => set({ queue }),
  setConfig: (config) => set({ config }),
  setGpuMemory: (gpuMemory) => set({ gpuMemory }),
  beginRun: (run) =>
    set((s) => {
      const history = archive(s, false);
      archived = false;
      return {
        ...history,
        ...emptyRun(),
        status: 'loading',
        gpuMemory: null,
        runConfig: run?.config ?? s.config,
        comparisonRun: run?.index ?? null,
      };
    }),
  setStatus: (status) => set({ status }),
  clearRun: () => set((s) => ({ ...archive(s, false), ...emptyRun(), comparisonRun: null })),
  receive: (m) => set((s) => receiveOne(s, m, finished)),
  receiveAll: (messages) => {
    if (messages.length > 0) set((s) => receiveBatch(s, messages, finished));
  },
});

/** The one store the UI reads from, through the selectors in `selectors.ts`. */
export const useStore = create<AppState>()((...a) => ({ ...configSlice(...a), ...runSlice(...a) }));
