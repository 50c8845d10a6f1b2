/**
 * The grammar of the `compare` parameter: a comparison written as variations of the link's own
 * experiment, so one link holds every run of it.
 *
 *     compare = group *( ";" group )
 *     group   = parameter ":" value *( "," value )
 *
 * `parameter` is any training parameter (not a display setting such as `hide`); each value is
 * written as that parameter is in a link, except that a list's commas are dashes
 * (`hidden:300-100,16-10`). Groups are zipped: run i takes value i of every group, and a group
 * of one value applies to every run. `method:snfs,set,rigl,static` is four runs;
 * `method:snfs,dense;density:0.05,1;hidden:300-100,16-10` two.
 */

import { clip, formatValue, parseValue, type ParamKey, type ValueSpec } from './values';

/** At most this many runs: one colour each in the charts, and a wait a class can sit through. */
export const MAX_COMPARE_RUNS = 8;

/** One parameter and its values, one a run (or one for all runs). */
export interface CompareGroup {
  key: ParamKey;
  values: unknown[];
}

export interface ParsedCompare {
  /** The valid groups, in the order given. */
  groups: CompareGroup[];
  /** How many runs the groups make (0 for none). */
  runs: number;
  /** One clause per part left out, to follow "it" in a rejection message. */
  problems: string[];
}

/** A list's items are separated by dashes inside a group (its commas separate runs). */
const isList = (spec: ValueSpec) => spec.type === 'intList' || spec.type === 'enumList';

/**
 * Reads comma-separated values of one parameter, a list's items written with dashes
 * (`300-100,16-10`): the value grammar of a comparison, shared with sweep files so both read
 * alike. Returns the values, or the first item refused and why.
 */
export function parseValueList(
  spec: ValueSpec,
  raw: string,
): { ok: true; values: unknown[] } | { ok: false; item: string; reason: string } {
  const values: unknown[] = [];
  for (const item of raw.split(',')) {
    const parsed = parseValue(spec, isList(spec) ? item.replaceAll('-', ',') : item);
    if (!parsed.ok) return { ok: false, item: item.trim(), reason: parsed.reason };
    values.push(parsed.value);
  }
  return { ok: true, values };
}

/** One value as a comparison (or a sweep file) writes it: a list's commas become dashes. */
export const formatListValue = (v: unknown): string => formatValue(v).replaceAll(',', '-');

/** How many runs the groups make: the first group of several values decides. */
export function compareRunCount(groups: readonly CompareGroup[]): number {
  if (groups.length === 0) return 0;
  return groups.find((g) => g.values.length > 1)?.values.length ?? 1;
}

/**
 * Reads a `compare` value against the parameters it may vary. A part that is not valid (an
 * unknown parameter, a bad value, a group whose length does not zip with the others) is left
 * out and reported; the other parts stand, as every other parameter of a link does.
 */
export function parseCompare(raw: string, varies: readonly ValueSpec[]): ParsedCompare {
  const problems: string[] = [];
  const groups: CompareGroup[] = [];
  const parts = raw
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const part of parts) {
    const colon = part.indexOf(':');
    if (colon < 0) {
      problems.push(`has "${clip(part, 30)}" with no "parameter:" before its values`);
      continue;
    }
    const name = part.slice(0, colon).trim();
    const spec = varies.find((p) => p.key === name || p.legacy?.includes(name));
    if (!spec) {
      problems.push(`names "${clip(name, 20)}", which is not a training parameter`);
      continue;
    }
    if (groups.some((g) => g.key === spec.key)) {
      problems.push(`names ${spec.key} twice`);
      continue;
    }
    const read = parseValueList(spec, part.slice(colon + 1));
    if (!read.ok) problems.push(`has ${spec.key}:${clip(read.item, 20)}, which ${read.reason}`);
    else groups.push({ key: spec.key, values: read.values });
  }
  const runs = compareRunCount(groups);
  if (runs > MAX_COMPARE_RUNS) {
    problems.push(`lists ${runs} runs (at most ${MAX_COMPARE_RUNS})`);
    return { groups: [], runs: 0, problems };
  }
  const leader = groups.find((g) => g.values.length > 1);
  const zipped = groups.filter((g) => {
    const ok = g.values.length === 1 || g.values.length === runs;
    if (!ok && leader) {
      problems.push(
        `gives ${g.key} ${g.values.length} values where ${leader.key} has ${runs} (one a run, or one for all)`,
      );
    }
    return ok;
  });
  return { groups: zipped, runs: compareRunCount(zipped), problems };
}

/** The canonical text of valid groups: what a link writes, and `parseCompare` reads back. */
export function formatCompare(groups: readonly CompareGroup[]): string {
  return groups.map((g) => `${g.key}:${g.values.map(formatListValue).join(',')}`).join(';');
}
