import { describe, expect, it } from 'vitest';
import { compareGroups, decode, encode, rejectionMessage } from './params';

describe('the compare grammar', () => {
  it('reads zipped groups, a list with dashes, and a group of one value for every run', () => {
    const { config, rejected } = decode(
      'compare=method:snfs,dense;density:0.05,1;hidden:300-100,16-10;lr:0.05',
    );
    expect(rejected).toEqual([]);
    expect(compareGroups(config.compare)).toEqual([
      { key: 'method', values: ['snfs', 'dense'] },
      { key: 'density', values: [0.05, 1] },
      {
        key: 'hidden',
        values: [
          [300, 100],
          [16, 10],
        ],
      },
      { key: 'lr', values: [0.05] },
    ]);
  });

  it('writes the canonical form, readable in the address bar, and reads it back as itself', () => {
    const { config } = decode('compare=' + encodeURIComponent(' method: snfs ,set ; seed:017,18'));
    expect(config.compare).toBe('method:snfs,set;seed:17,18');
    const query = encode(config);
    expect(query).toBe('v=2&compare=method:snfs,set;seed:17,18');
    expect(decode(query).config).toEqual(config);
    // Legacy names are accepted and written under the current name.
    expect(decode('compare=l2:0,0.001').config.compare).toBe('wd:0,0.001');
  });

  it('keeps the valid groups and reports the others, each with its reason', () => {
    const { config, rejected } = decode(
      'compare=' +
        encodeURIComponent(
          'method:snfs,set;density:0.05,7;hide:loss;bogus:1;lr;method:rigl;seed:1,2,3',
        ),
    );
    expect(config.compare).toBe('method:snfs,set');
    expect(rejected).toHaveLength(1);
    const message = rejectionMessage(rejected[0]);
    expect(message).toContain('has density:7, which must be > 0 and <= 1');
    expect(message).toContain('names "hide", which is not a training parameter');
    expect(message).toContain('names "bogus", which is not a training parameter');
    expect(message).toContain('has "lr" with no "parameter:" before its values');
    expect(message).toContain('names method twice');
    expect(message).toContain('gives seed 3 values where method has 2');
    expect(message).toContain('(the rest applies: method:snfs,set)');
  });

  it('refuses a value with nothing valid in it, and more runs than a comparison holds', () => {
    const bad = decode('compare=method:sgd');
    expect(bad.config.compare).toBe('');
    expect(rejectionMessage(bad.rejected[0])).toBe(
      'Parameter "compare=method:sgd" was ignored: it has method:sgd, which must be one of snfs, set, rigl, static, dense.',
    );
    const many = decode('compare=seed:1,2,3,4,5,6,7,8,9');
    expect(many.config.compare).toBe('');
    expect(many.rejected[0].reason).toBe('lists 9 runs (at most 8)');
    expect(decode('compare=').rejected).toEqual([]);
  });

  it('hide=compare still hides the compare panel (now compare-runs) and the control', () => {
    expect(decode('hide=compare').config.hide).toEqual(['compare', 'compare-runs']);
  });
});
