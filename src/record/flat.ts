/**
 * The record's flat view: each epoch as one row of `path → value` cells, the paths named after
 * the JSON (`testAcc`, `layers.fc1.density`), so a CSV column, a JSON field and a difference
 * `--expect` reports all go by the same name.
 */
import type { TrainingConfig } from '../config';
import { formatValue } from '../url/params';
import type { RecordEpoch, RunRecord } from './types';

export type Cell = number | string | boolean | null;

/**
 * Flattens a record object: fields become `a.b`, lists of named items are keyed by name
 * (`layers.fc1`), other lists by position. `matrices: false` leaves out lists of lists (the
 * confusion matrix, 100 columns a CSV does not want).
 */
export function flatten(
  value: unknown,
  options: { matrices: boolean },
  prefix = '',
  out: Record<string, Cell> = {},
): Record<string, Cell> {
  const at = (key: string | number) => (prefix ? `${prefix}.${key}` : String(key));
  if (Array.isArray(value)) {
    if (!options.matrices && value.some(Array.isArray)) return out;
    value.forEach((item, i) => {
      const named = item && typeof item === 'object' && typeof item.name === 'string';
      const key = named ? (item as { name: string }).name : i;
      if (named) {
        const { name: _n, ...rest } = item as { name: string };
        void _n;
        flatten(rest, options, at(key), out);
      } else flatten(item, options, at(key), out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, options, at(k), out);
  } else {
    out[prefix] = value as Cell;
  }
  return out;
}

/** One epoch's cells, by path (the confusion matrix left out). */
export function epochCells(e: RecordEpoch): Record<string, Cell> {
  return flatten(e, { matrices: false });
}

/** The configuration as CSV cells (`config.density`…), each written as the link writes it. */
export function configCells(config: TrainingConfig): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [k, v] of Object.entries(config))
    out[`config.${k}`] = typeof v === 'number' || typeof v === 'boolean' ? v : formatValue(v);
  return out;
}

/** A CSV cell: numbers as JavaScript writes them (they read back exactly), null empty. */
function csvCell(v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  const text = String(v);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Rows as CSV, each row given as groups of cells (say the epoch's, then the configuration's):
 * the columns are each group's union over the rows, in first-seen order, so a layer only some
 * rows have stays among the layer columns; a missing cell is empty.
 */
export function toCsv(rows: readonly (readonly Record<string, Cell>[])[]): string {
  const groups = Math.max(0, ...rows.map((r) => r.length));
  const columns = Array.from({ length: groups }, (_, g) => [
    ...new Set(rows.flatMap((r) => Object.keys(r[g] ?? {}))),
  ]).flat();
  const cells = (r: readonly Record<string, Cell>[]) => {
    const all: Record<string, Cell> = Object.assign({}, ...r);
    return columns.map((c) => csvCell(all[c]));
  };
  return [columns.map(csvCell), ...rows.map(cells)].map((l) => l.join(',')).join('\n') + '\n';
}

/**
 * The record as CSV: one row per epoch, the epoch's cells, then the backend and every
 * configuration parameter repeated on each row (so rows of many runs can be concatenated and
 * grouped by parameter). Python's `csv` module and pandas read it as it is.
 */
export function recordCsv(record: RunRecord): string {
  const run = { 'runtime.backend': record.runtime.backend, ...configCells(record.config) };
  return toCsv(record.epochs.map((e) => [epochCells(e), run]));
}
