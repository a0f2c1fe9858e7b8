/** The progress line `tertial upload` redraws on a terminal while a large file uploads. */
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../cli/main.js';

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
