import { describe, expect, it } from 'vitest';
import {
  committeePk,
  leadingKeyPatterns,
  periodPk,
  TABLE_ITEM_KINDS,
  TABLE_KEY_PREFIXES,
} from '../../lambdas/storage/table-keys.js';

describe('table key prefixes', () => {
  it('every partition key the repository writes starts with the prefix of its kind', () => {
    expect(periodPk({ committee: 'ks', year: 2024, tertial: 1 })).toBe('PERIOD#ks#2024#T1');
    expect(committeePk('ks')).toBe('COMMITTEE#ks');
    expect(periodPk({ committee: 'ks', year: 2024, tertial: 1 }).startsWith(TABLE_KEY_PREFIXES.period)).toBe(true);
    expect(committeePk('ks').startsWith(TABLE_KEY_PREFIXES.committee)).toBe(true);
  });

  it('the patterns of one kind never match a key of the other', () => {
    const [period, committee] = leadingKeyPatterns(['period', 'committee']);
    expect(period).toBe('PERIOD#*');
    expect(committee).toBe('COMMITTEE#*');
    expect(committeePk('period').startsWith(TABLE_KEY_PREFIXES.period)).toBe(false);
  });

  it('the template check needs no period items', () => {
    expect(TABLE_ITEM_KINDS.templateCheck).toEqual(['committee']);
  });
});
