import { describe, expect, it } from 'vitest';
import { stockholmDate, stockholmIso, stockholmLong, stockholmMinute } from '../../lambdas/core/time.js';

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
