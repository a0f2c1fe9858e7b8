import { describe, expect, it } from 'vitest';
import {
  compareInstants,
  stockholmDate,
  stockholmIso,
  stockholmLong,
  stockholmMinute,
} from '../../lambdas/core/time.js';

describe('times in Swedish local time (Europe/Stockholm)', () => {
  it('formats winter and summer time with their offsets, whatever the machine’s zone', () => {
    expect(stockholmIso('2024-01-05T13:32:00Z')).toBe('2024-01-05T14:32:00+01:00');
    expect(stockholmIso('2024-07-01T22:30:15Z')).toBe('2024-07-02T00:30:15+02:00');
    expect(stockholmMinute('2024-07-01T22:30:15Z')).toBe('2024-07-02 00:30');
    expect(stockholmLong('2024-02-06T09:05:00Z')).toBe('6 februari 2024 kl. 10:05');
  });

  it('dates a close just after midnight in Stockholm with the Stockholm day, not the UTC one', () => {
    expect(stockholmDate('2024-05-13T22:30:00Z')).toBe('2024-05-14');
    expect(stockholmDate('2024-12-31T23:30:00Z')).toBe('2025-01-01');
  });
});

describe('ISO 8601 with the Stockholm offset: the one form of a time in JSON people read', () => {
  it('switches from +01:00 to +02:00 at the start of summer time and back at its end', () => {
    // 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    expect(stockholmIso('2024-03-31T00:59:59Z')).toBe('2024-03-31T01:59:59+01:00');
    expect(stockholmIso('2024-03-31T01:00:00Z')).toBe('2024-03-31T03:00:00+02:00');
    // 2024-10-27: 03:00 CEST becomes 02:00 CET (01:00 UTC); the hour 02 comes twice, told apart by the offset.
    expect(stockholmIso('2024-10-27T00:30:00Z')).toBe('2024-10-27T02:30:00+02:00');
    expect(stockholmIso('2024-10-27T01:30:00Z')).toBe('2024-10-27T02:30:00+01:00');
    expect(stockholmIso('2024-05-02T08:00:00Z')).toBe('2024-05-02T10:00:00+02:00');
  });

  it('names the same instant: it parses back to the time it was made from, milliseconds included', () => {
    for (const utc of ['2024-01-05T13:32:00.120Z', '2024-10-27T00:59:59.999Z', '2024-10-27T01:00:00.001Z']) {
      const iso = stockholmIso(utc);
      expect(Date.parse(iso), utc).toBe(Date.parse(utc));
      expect(iso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    }
    expect(stockholmIso('2024-01-05T13:32:00.000Z')).toBe('2024-01-05T14:32:00+01:00');
    expect(stockholmIso(new Date(Date.UTC(2024, 0, 5, 13, 32, 0, 5)))).toBe('2024-01-05T14:32:00.005+01:00');
  });

  it('refuses what is not a time, as toISOString does, rather than write "Invalid Date" into JSON', () => {
    expect(() => stockholmIso(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => stockholmIso('i morgon')).toThrow(RangeError);
  });
});

describe('compareInstants: times ordered as instants, not as text', () => {
  it('orders across the end of summer time, where the text of the later time sorts first', () => {
    const earlier = stockholmIso('2024-10-27T00:30:00Z'); // 02:30+02:00
    const later = stockholmIso('2024-10-27T01:10:00Z'); // 02:10+01:00
    expect(earlier > later).toBe(true); // as text, the wrong way round
    expect(compareInstants(earlier, later)).toBeLessThan(0);
    expect(compareInstants(later, earlier)).toBeGreaterThan(0);
    expect([later, earlier].sort(compareInstants)).toEqual([earlier, later]);
  });

  it('finds a UTC time written before and the same instant with an offset equal', () => {
    expect(compareInstants('2024-10-27T01:10:00.000Z', '2024-10-27T02:10:00+01:00')).toBe(0);
    // As text, "2024-05-02T08:00:00.000Z" sorts before "2024-05-02T09:30:00+02:00", an earlier instant.
    expect(compareInstants('2024-05-02T08:00:00.000Z', '2024-05-02T09:30:00+02:00')).toBeGreaterThan(0);
  });

  it('sorts a time that does not parse before every time that does', () => {
    expect(compareInstants('–', '2024-01-01T00:00:00Z')).toBeLessThan(0);
    expect(compareInstants('2024-01-01T00:00:00Z', '–')).toBeGreaterThan(0);
    expect(compareInstants('–', '?')).toBe(0);
  });
});
