import { describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../config';
import { Rng } from '../engine/rng';
import { decode, defaultConfig, encode, PARAMS, rejectionMessage, type ParamSpec } from './params';

/** True when `v` is a value the table allows for `p` (what the app may ever run with). */
function allowed(p: ParamSpec, v: unknown): boolean {
  switch (p.type) {
    case 'bool':
      return typeof v === 'boolean';
    case 'enum':
      return typeof v === 'string' && p.values.includes(v);
    case 'int':
    case 'float':
      if (typeof v === 'string') return p.words?.includes(v) ?? false;
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      if (p.type === 'int' && !Number.isInteger(v)) return false;
      if (p.only && !p.only.includes(v)) return false;
      return (p.minExclusive ? v > p.min : v >= p.min) && v <= p.max;
    case 'enumList':
      return Array.isArray(v) && v.every((x) => typeof x === 'string' && p.values.includes(x));
    case 'intList':
      return (
        Array.isArray(v) &&
        v.length >= p.minLength &&
        v.length <= p.maxLength &&
        v.every((x) => Number.isInteger(x) && x >= p.min && x <= p.max)
      );
    case 'compare': {
      // Only the canonical form of valid variations: it reads back as itself, nothing refused.
      if (typeof v !== 'string') return false;
      const again = decode(`compare=${encodeURIComponent(v)}`);
      return again.rejected.length === 0 && again.config.compare === v;
    }
  }
}

const NASTY = [
  '',
  ' ',
  '-1',
  '0',
  '-0',
  '1e309',
  '-1e309',
  '99999999999999999999999',
  'NaN',
  'Infinity',
  '-Infinity',
  'null',
  'undefined',
  '0x10',
  '1_000',
  '١٢٣', // Arabic-Indic digits
  '密度',
  '\u202e0.5',
  '🧠',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  '{{constructor.constructor("alert(1)")()}}',
  '__proto__',
  '%',
  '%E0%A4%A',
  '%00',
  '1,2,3,4,5,6,7',
  ',,,',
  '300,,100',
  'method:snfs,set;hidden:300-100',
  ';;:,;',
  'seed:1,2,3,4,5,6,7,8,9',
  'x'.repeat(10_000),
  '9'.repeat(400),
];
const KEYS = [
  ...PARAMS.map((p) => p.key),
  ...PARAMS.flatMap((p) => p.legacy ?? []),
  '__proto__',
  'constructor',
  'toString',
  'DENSITY',
  'density ',
  '',
  '<b>x</b>',
  'ключ',
];

function validValue(p: ParamSpec, rng: Rng): string {
  switch (p.type) {
    case 'bool':
      return rng.next() < 0.5 ? '0' : '1';
    case 'enum':
      return p.values[rng.int(p.values.length)];
    case 'intList':
      return Array.from({ length: 1 + rng.int(p.maxLength) }, () => 1 + rng.int(500)).join(',');
    case 'enumList':
      return Array.from({ length: rng.int(4) }, () => p.values[rng.int(p.values.length)]).join(',');
    case 'compare': {
      const runs = 1 + rng.int(4);
      const pick = (values: string[]) =>
        Array.from({ length: runs }, () => values[rng.int(values.length)]).join(',');
      const groups = [
        `method:${pick(['snfs', 'set', 'rigl', 'static', 'dense'])}`,
        `hidden:${pick(['300-100', '16-10', '40'])}`,
        `density:${rng.next() < 0.5 ? '0.1' : pick(['0.05', '0.2', '1'])}`,
      ];
      return groups.slice(0, 1 + rng.int(3)).join(';');
    }
    default:
      if (p.only) return String(p.only[rng.int(p.only.length)]);
      if (p.words && rng.next() < 0.3) return p.words[rng.int(p.words.length)];
      return p.type === 'int'
        ? String(Math.max(p.min + 1, Math.min(p.max, p.min + 1 + rng.int(100))))
        : String(p.min + (p.max - p.min) * (0.001 + 0.998 * rng.next()));
  }
}

function mutate(s: string, rng: Rng): string {
  const ops = [
    () => s + NASTY[rng.int(NASTY.length)],
    () => NASTY[rng.int(NASTY.length)] + s,
    () => s.slice(0, rng.int(s.length + 1)),
    () => s.replace(/\d/, String.fromCharCode(33 + rng.int(90))),
    () => `-${s}`,
    () => `${s}${s}`,
  ];
  return ops[rng.int(ops.length)]();
}

/** A random query: valid, mutated and nasty values under known, legacy and unknown keys. */
function randomQuery(rng: Rng): string {
  const n = rng.int(12);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = KEYS[rng.int(KEYS.length)];
    const spec = PARAMS.find((p) => p.key === key);
    const roll = rng.next();
    const value =
      spec && roll < 0.4
        ? validValue(spec, rng)
        : spec && roll < 0.7
          ? mutate(validValue(spec, rng), rng)
          : NASTY[rng.int(NASTY.length)];
    const raw = rng.next() < 0.1;
    parts.push(raw ? `${key}=${value}` : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  if (rng.next() < 0.1) parts.push('&&&=&', '=');
  return (rng.next() < 0.5 ? '?' : '') + parts.join('&');
}

describe('decoding untrusted URLs (fuzz)', () => {
  it('always yields a valid configuration and reports everything it refused (2000 queries)', () => {
    const rng = new Rng(2026);
    const defaults = defaultConfig() as unknown as Record<string, unknown>;
    let rejectedTotal = 0;
    let restoredTotal = 0;
    for (let q = 0; q < 2000; q++) {
      const query = randomQuery(rng);
      const { config, rejected } = decode(query);
      const values = config as unknown as Record<string, unknown>;
      for (const p of PARAMS)
        expect(allowed(p, values[p.key]), `${p.key} from ${query}`).toBe(true);
      expect(Object.keys(values).sort()).toEqual(Object.keys(defaults).sort());
      // Every refused pair is listed; every parameter not listed came from the URL or the defaults.
      const given = [...new URLSearchParams(query.replace(/^\?/, ''))];
      const accepted = given.length - rejected.length;
      expect(accepted).toBeGreaterThanOrEqual(0);
      for (const r of rejected) {
        const message = rejectionMessage(r);
        expect(message.length).toBeLessThan(400);
        expect(message).toMatch(/^Parameter ".*" was ignored: it .+\.$/s);
      }
      rejectedTotal += rejected.length;
      restoredTotal += accepted;
      // What was accepted survives a round trip through a shared link.
      const again = decode(encode(config));
      expect(again.rejected).toEqual([]);
      expect(again.config).toEqual(config);
    }
    // The generator exercised both paths a lot.
    expect(rejectedTotal).toBeGreaterThan(3000);
    expect(restoredTotal).toBeGreaterThan(1000);
  });

  it('never lets a value through for a key that is only similar to a parameter', () => {
    for (const key of ['DENSITY', 'density ', '__proto__', 'constructor', 'toString']) {
      const { config, rejected } = decode(`${encodeURIComponent(key)}=0.5`);
      expect(config).toEqual(defaultConfig() as ExperimentConfig);
      expect(rejected).toHaveLength(1);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
