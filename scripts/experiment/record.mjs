// The run record on the command line: reading an --expect record, and what --expect prints.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { clip } from './args.mjs';

/** The record's JSON Schema, the same file the unit tests validate against. */
const SCHEMA = JSON.parse(
  readFileSync(new URL('../../docs/run-record.schema.json', import.meta.url), 'utf8'),
);
const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

/** Checks a record against docs/run-record.schema.json: [] when valid, else what is wrong. */
export function recordProblems(record) {
  if (validate(record)) return [];
  return validate.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/**
 * Reads the record `--expect=FILE` names: `{ record }`, or `{ error }` saying in a sentence why
 * it cannot be rerun (missing, not JSON, not a run record of this schema).
 */
export function readExpected(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { error: `cannot read ${clip(path, 200)}: ${e.message}` };
  }
  let record;
  try {
    record = JSON.parse(text);
  } catch (e) {
    return { error: `${clip(path, 200)} is not JSON: ${e.message}` };
  }
  const problems = recordProblems(record);
  if (problems.length > 0)
    return {
      error: `${clip(path, 200)} is not a run record of docs/run-record.schema.json: ${problems.join('; ')}`,
    };
  return { record };
}

/**
 * True when this app's decoder (`decode`, src/url/params.ts) reads the record's short query as
 * another configuration than the record's own: a default changed since the record was made.
 * --expect runs the full configuration either way; this is for a note on stderr.
 */
export function readsOtherwise(record, decode) {
  const asLinked = decode(record.query).config;
  return Object.entries(record.config).some(
    ([k, v]) => JSON.stringify(asLinked[k]) !== JSON.stringify(v),
  );
}

/**
 * What --expect prints on stdout for a comparison (src/record/expect.ts): one line per epoch
 * with its differences, then the verdict line.
 */
export function expectLines(c) {
  const { epochs, ...verdict } = c;
  return [...epochs.map((e) => JSON.stringify(e)), JSON.stringify(verdict)];
}
