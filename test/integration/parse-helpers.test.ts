import { describe, expect, it } from 'vitest';
import { classifyCaseField } from '../../lambdas/core/parse/caseSheet.js';
import { parseRange } from '../../lambdas/core/parse/xlsx.js';
import {
  cellToText,
  cleanText,
  columnLetter,
  excerpt,
  looseKey,
  matchCanonical,
} from '../../lambdas/core/parse/text.js';
import { ACTIVITY_STATUSES } from '../../lambdas/core/domain.js';

describe('parseUpload helpers – cell text', () => {
  it('normalizes line breaks, trailing spaces and empty edge lines', () => {
    expect(cellToText('\r\n  \n Rad ett  \r\rRad tre\t\n\n')).toBe('Rad ett\n\nRad tre');
    expect(cellToText('  a\u00a0 ')).toBe('a');
    expect(cellToText(null)).toBe('');
  });

  it('turns numbers, booleans and dates into text', () => {
    expect(cellToText(3)).toBe('3');
    expect(cellToText(-0.5)).toBe('-0.5');
    expect(cellToText(0.1 + 0.2)).toBe('0.3');
    expect(cellToText(true)).toBe('SANT');
    expect(cellToText(new Date(Date.UTC(2024, 11, 31)))).toBe('2024-12-31');
  });

  it('strips characters XML 1.0 forbids: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates', () => {
    expect(cleanText('a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uFFFEg\uFFFFh')).toBe('abcdefgh');
    expect(cleanText('x\uD800y\uDC00z\uDBFF')).toBe('xyz');
    expect(cleanText('tab\tlf\ncr\r 😀 \u007F \u0085 \uFFFD')).toBe('tab\tlf\ncr\r 😀 \u007F \u0085 \uFFFD');
    expect(cellToText('\u0001 Rad\u0002 ett \uD83D')).toBe('Rad ett');
  });

  it('quotes an excerpt of a huge text without looking at all of it, never splitting a surrogate pair', () => {
    const huge = `${'😀'.repeat(30)}${'x '.repeat(500_000)}`;
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) excerpt(huge);
    expect(performance.now() - start).toBeLessThan(1000);
    const quoted = excerpt(huge);
    expect(quoted.endsWith('…')).toBe(true);
    expect(quoted).toMatch(/^(?:😀)+…$/u);
    expect(excerpt('kort  text')).toBe('kort text');
    expect(excerpt(`${'a'.repeat(59)}  `)).toBe('a'.repeat(59));
  });

  it('composes decomposed å/ä/ö (NFC) so they match the template', () => {
    expect(cellToText('Pa\u030agående')).toBe('Pågående');
    expect(matchCanonical('PA\u030aGÅENDE', ACTIVITY_STATUSES)).toBe('Pågående');
  });
});

describe('parseUpload helpers – headers and values', () => {
  it('compares loosely: case, whitespace, trailing * or :', () => {
    expect(looseKey('  Kommentar :')).toBe('kommentar');
    expect(looseKey('Status*')).toBe('status');
    expect(looseKey('Mål-\nid')).toBe('mål- id');
    expect(matchCanonical('  ej  PÅBÖRJAD ', ACTIVITY_STATUSES)).toBe('Ej påbörjad');
    expect(matchCanonical('Klar', ACTIVITY_STATUSES)).toBeUndefined();
  });

  it('names columns by letter', () => {
    expect([0, 25, 26, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });

  it('parses merge references', () => {
    expect(parseRange('A3:A6')).toEqual({ top: 2, left: 0, bottom: 5, right: 0 });
    expect(parseRange('$B$2:$C$2')).toEqual({ top: 1, left: 1, bottom: 1, right: 2 });
    expect(parseRange('D4')).toEqual({ top: 3, left: 3, bottom: 3, right: 3 });
    expect(parseRange('nonsense')).toBeUndefined();
  });
});

describe('parseUpload helpers – Ärende field names', () => {
  it('recognises the fields and the focus-area name', () => {
    expect(classifyCaseField('Ärendet i korthet')).toEqual({ kind: 'summary' });
    expect(classifyCaseField('FÖRVALTNINGENS  ÖVERVÄGANDE:')).toEqual({ kind: 'considerations' });
    expect(classifyCaseField('Förslag till beslut')).toEqual({ kind: 'proposal' });
    expect(classifyCaseField('Förslag till beslut 2')).toEqual({ kind: 'proposal' });
    expect(classifyCaseField('Fokusområde Hållbar vardag')).toEqual({ kind: 'focusArea', name: 'Hållbar vardag' });
    expect(classifyCaseField('fokusområde:  Barn  och unga')).toEqual({ kind: 'focusArea', name: 'Barn och unga' });
    expect(classifyCaseField('Fokusområde')).toEqual({ kind: 'focusAreaWithoutName' });
    expect(classifyCaseField('Bakgrund')).toBeUndefined();
    expect(classifyCaseField('Förslag till beslut om budget')).toBeUndefined();
  });
});
