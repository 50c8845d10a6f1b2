/**
 * What one parameter of the table may be and how one raw value is read: the spec types and
 * the parser `decode` and the controls share (split from params.ts, which holds the table).
 */

import type { ExperimentConfig } from '../config';

export type ParamKey = keyof ExperimentConfig;

export interface Base<T> {
  key: ParamKey;
  default: T;
  /** One plain-language line for tooltips, the README and error messages. */
  help: string;
  /** Older names still accepted when decoding (never written). */
  legacy?: string[];
  /**
   * The default in link formats up to `version`, when a later format changed it: a link that
   * says it is that old (`v=`) still means what it meant when it was made.
   */
  before?: { version: number; default: T };
}
export interface NumberParam extends Base<number | string> {
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
export interface BoolParam extends Base<boolean> {
  type: 'bool';
}
export interface EnumParam extends Base<string> {
  type: 'enum';
  values: readonly string[];
}
export interface IntListParam extends Base<number[]> {
  type: 'intList';
  min: number;
  max: number;
  minLength: number;
  maxLength: number;
}
/** A comma-separated list of words from `values` (e.g. what to hide). */
export interface EnumListParam extends Base<string[]> {
  type: 'enumList';
  values: readonly string[];
  /** Old words and the current names each stands for. */
  legacyValues?: Readonly<Record<string, readonly string[]>>;
}
/** Runs to compare, as variations of the link's own experiment (grammar in compare.ts). */
export interface CompareParam extends Base<string> {
  type: 'compare';
}
/** A parameter that holds one value (everything but `compare`, which holds variations of them). */
export type ValueSpec = NumberParam | BoolParam | EnumParam | IntListParam | EnumListParam;
export type ParamSpec = ValueSpec | CompareParam;

/** One raw value read: the value (maybe with a warning about what was left out) or why not. */
export type Parsed = { ok: true; value: unknown; warning?: string } | { ok: false; reason: string };

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function describeRange(p: NumberParam | IntListParam): string {
  const lo = 'minExclusive' in p && p.minExclusive ? `> ${p.min}` : `>= ${p.min}`;
  return `${lo} and <= ${p.max}`;
}

/** Parses one raw value; returns the value or the reason it was refused. */
export function parseValue(p: ValueSpec, raw: string): Parsed {
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

/** A value as the URL writes it (lists comma-separated, booleans 0/1); controls show the same. */
export function formatValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** Keeps a pasted megabyte of junk from filling the page: long text is cut with an ellipsis. */
export function clip(text: string, max = 60): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}
