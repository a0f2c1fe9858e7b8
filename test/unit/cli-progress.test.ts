/**
 * What `tertial upload`, `close` and `reopen` show while they wait: the progress line
 * redrawn on a terminal while a large file uploads, and which receipt answers the write.
 */
import { describe, expect, it } from 'vitest';
import { answersWrite, progressLine } from '../../cli/main.js';
import { stockholmIso } from '../../lambdas/core/time.js';

const MiB = 1024 * 1024;

describe('progressLine', () => {
  it('starts with a carriage return and shows percent and MB with a decimal comma', () => {
    expect(progressLine(0, 3 * MiB)).toBe('\rLaddar upp:   0 % (0,0 av 3,0 MB)');
    expect(progressLine(1.3 * MiB, 3 * MiB)).toBe('\rLaddar upp:  43 % (1,3 av 3,0 MB)');
    expect(progressLine(3 * MiB, 3 * MiB)).toBe('\rLaddar upp: 100 % (3,0 av 3,0 MB)');
  });

  it('never shrinks while the upload goes on, so each line fully covers the last', () => {
    const total = 12.5 * MiB;
    let previous = 0;
    for (let sent = 0; sent <= total; sent += 64 * 1024) {
      const length = progressLine(sent, total).length;
      expect(length).toBeGreaterThanOrEqual(previous);
      previous = length;
    }
  });

  it('keeps to 0–100 % and copes with an empty file', () => {
    expect(progressLine(5 * MiB, 2 * MiB)).toBe('\rLaddar upp: 100 % (2,0 av 2,0 MB)');
    expect(progressLine(-1, 2 * MiB)).toBe('\rLaddar upp:   0 % (0,0 av 2,0 MB)');
    expect(progressLine(0, 0)).toBe('\rLaddar upp: 100 % (0,0 av 0,0 MB)');
  });
});

describe('answersWrite: the receipt a command waits for is newer, as an instant, than the one before', () => {
  // The end of summer time, 2024-10-27: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
  const before = stockholmIso('2024-10-27T00:30:00.000Z'); // 02:30:00+02:00
  const after = stockholmIso('2024-10-27T01:10:00.000Z'); // 02:10:00+01:00, later though it sorts first as text
  const since = Date.parse('2024-10-27T01:09:59.500Z');

  it('takes a receipt of a later event across the change of offset', () => {
    expect(answersWrite(after, { since, previous: before })).toBe(true);
    expect(answersWrite(after, { since, previous: undefined })).toBe(true);
  });

  it('does not take the receipt before the write again when it is rewritten in the new form (same instant, other text)', () => {
    const oldForm = '2024-10-27T01:10:00.000Z';
    expect(answersWrite(after, { since, previous: oldForm })).toBe(false);
    expect(answersWrite(oldForm, { since, previous: after })).toBe(false);
  });

  it('does not take a receipt of an earlier event, nor one older than the write', () => {
    expect(answersWrite(before, { since: Date.parse('2024-10-27T00:29:59Z'), previous: after })).toBe(false);
    expect(answersWrite(before, { since, previous: undefined })).toBe(false);
    expect(answersWrite('inte en tid', { since, previous: undefined })).toBe(false);
  });
});
