import type { ExperimentConfig } from '../config';
import type { EpochMetrics } from '../engine/trainer';
import { MAX_COMPARE_RUNS } from '../url/compare';
import {
  compareLink,
  expandCompare,
  expectedTime,
  type Comparison,
  type ExpectedTime,
} from './compare';
import type { ComparedRun } from './exportRun';
import { compareLabels } from './compareLabels';
import { memoizeLast } from './derived';
import { presetData, presetRuns, PRESETS, quickNote } from './presets';
import type { AppState, RunRecord } from './store';

/** A preset as its button shows it before it starts: what it shows and how long it takes here. */
export interface PresetCard {
  id: string;
  title: string;
  demonstrates: string;
  runs: number;
  full: { train: number; epochs: number; time: ExpectedTime };
  quick: { train: number; epochs: number; time: ExpectedTime; note: string };
}

const presetCards = memoizeLast((config: ExperimentConfig, history: RunRecord[]): PresetCard[] =>
  PRESETS.map((p) => ({
    id: p.id,
    title: p.title,
    demonstrates: p.demonstrates,
    runs: p.variations.length,
    full: {
      ...presetData(config, false),
      time: expectedTime(presetRuns(p, config, false), history),
    },
    quick: {
      ...presetData(config, true),
      time: expectedTime(presetRuns(p, config, true), history),
      note: quickNote(p, config),
    },
  })),
);
export const selectPresetCards = (s: AppState) => presetCards(s.config, s.history);

/** The comparison a `compare=` link holds, before it runs: its runs' labels and time here. */
export interface LinkedComparison {
  labels: string[];
  time: ExpectedTime;
}

const linked = memoizeLast(
  (config: ExperimentConfig, history: RunRecord[]): LinkedComparison | null => {
    if (!config.compare) return null;
    const runs = expandCompare({ ...config, compare: '' }, config.compare);
    return runs.length === 0
      ? null
      : { labels: compareLabels(runs), time: expectedTime(runs, history) };
  },
);
export const selectLinkedComparison = (s: AppState) => linked(s.config, s.history);

/** Where each run of the comparison on screen stands. */
export interface ComparisonProgress {
  title: string;
  note: string;
  /** Runs still to finish (the one training included); 0 when it has ended. */
  left: number;
  runs: { label: string; state: 'done' | 'stopped' | 'running' | 'waiting'; acc: number | null }[];
  /** The comparison's runs as one more run of the settings would not see them: still on stage. */
  onStage: boolean;
}

const lastAcc = (epochs: EpochMetrics[]) => epochs.at(-1)?.testAcc ?? null;

const progress = memoizeLast(
  (
    comparison: Comparison | null,
    index: number | null,
    status: AppState['status'],
    epochs: EpochMetrics[],
    history: RunRecord[],
  ): ComparisonProgress | null => {
    if (!comparison) return null;
    const active = index !== null && ['loading', 'running', 'paused'].includes(status);
    const runs = comparison.labels.map((label, i) => {
      const record = history.find((r) => r.id === comparison.ids[i]);
      if (record)
        return {
          label,
          state: record.finished ? 'done' : 'stopped',
          acc: lastAcc(record.epochs),
        } as const;
      if (active && i === index) return { label, state: 'running', acc: lastAcc(epochs) } as const;
      return { label, state: 'waiting', acc: null } as const;
    });
    const stopped = status === 'error' || (!active && runs.some((r) => r.state === 'stopped'));
    const left = stopped
      ? 0
      : runs.filter((r) => r.state === 'running' || r.state === 'waiting').length;
    return { title: comparison.title, note: comparison.note, left, runs, onStage: index !== null };
  },
);
export const selectComparisonProgress = (s: AppState) =>
  progress(s.comparison, s.comparisonRun, s.status, s.epochs, s.history);

/** One line of the compare chart: a finished run, or the comparison run training now. */
export interface CompareLine {
  key: string;
  name: string;
  /** Its place in the history (the colour of its line and its list entry). */
  color: number;
  live: boolean;
}

export interface CompareChart {
  lines: CompareLine[];
  /** Per epoch: `epoch`, then each line's test accuracy in percent under its key. */
  rows: Record<string, number>[];
}

const chart = memoizeLast(
  (
    history: RunRecord[],
    compared: number[],
    comparison: Comparison | null,
    index: number | null,
    status: AppState['status'],
    epochs: EpochMetrics[],
  ): CompareChart => {
    const shown = history
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => compared.includes(r.id))
      .map(({ r, i }) => ({
        line: { key: `run${r.id}`, name: r.name, color: i, live: false },
        epochs: r.epochs,
      }));
    const training =
      comparison && index !== null && comparison.ids[index] === null && status !== 'idle';
    if (training && epochs.length > 0) {
      const line = {
        key: 'live',
        name: `${comparison.labels[index]} (training)`,
        color: history.length,
        live: true,
      };
      shown.push({ line, epochs });
    }
    const count = Math.max(0, ...shown.map((s) => s.epochs.length));
    const rows = Array.from({ length: count }, (_, e) => {
      const row: Record<string, number> = { epoch: e + 1 };
      for (const s of shown)
        if (s.epochs[e]) row[s.line.key] = Number((s.epochs[e].testAcc * 100).toFixed(2));
      return row;
    });
    return { lines: shown.map((s) => s.line), rows };
  },
);
export const selectCompareChart = (s: AppState) =>
  chart(s.history, s.compared, s.comparison, s.comparisonRun, s.status, s.epochs);

const comparedRuns = memoizeLast((history: RunRecord[], compared: number[]): ComparedRun[] =>
  history
    .filter((r) => compared.includes(r.id))
    .map((r) => ({ label: r.name, config: r.config, epochs: r.epochs, finished: r.finished })),
);
/** The runs the compare chart overlays, in history order, as an export holds them. */
export const selectComparedRuns = (s: AppState) => comparedRuns(s.history, s.compared);

const linkQuery = memoizeLast((runs: ComparedRun[], config: ExperimentConfig): string | null =>
  runs.length === 0 || runs.length > MAX_COMPARE_RUNS
    ? null
    : compareLink(
        { ...config, compare: '' },
        runs.map((r) => r.config),
        '',
      ),
);
/**
 * The query (`?…&compare=…`) that replays the overlaid runs as a comparison of the settings on
 * screen, or null when none are overlaid or more than a link holds.
 */
export const selectComparedLink = (s: AppState) => linkQuery(selectComparedRuns(s), s.config);
