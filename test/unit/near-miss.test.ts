import { describe, expect, it } from 'vitest';
import { ACTIVITY_STATUSES, ASSESSMENTS } from '../../lambdas/core/domain.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import { nearestValue } from '../../lambdas/core/parse/near-miss.js';
import { ACTIVITY_HEADER, buildWorkbook } from '../helpers/workbook.js';

describe('near-miss status or assessment: "menade du …?" with the closest valid value', () => {
  it.each([
    ['Pågånde', 'Pågående'],
    ['Klar', 'Genomförd'],
    ['Påbörjad', 'Pågående'],
    ['genomförd.', 'Genomförd'],
    ['Avbrutet', 'Avbruten'],
  ])('status "%s" → "%s"', (text, expected) => {
    expect(nearestValue(text, ACTIVITY_STATUSES)).toBe(expected);
  });

  it.each([
    ['Delvis uppfylld', 'Delvis uppfyllt'],
    ['Uppfylt', 'Uppfyllt'],
    ['ej bedömd', 'Ej bedömt'],
  ])('assessment "%s" → "%s"', (text, expected) => {
    expect(nearestValue(text, ASSESSMENTS)).toBe(expected);
  });

  it('suggests nothing for a value that is no near miss', () => {
    expect(nearestValue('Banan', ACTIVITY_STATUSES)).toBeUndefined();
    expect(nearestValue('x', ACTIVITY_STATUSES)).toBeUndefined();
  });

  it('puts the suggestion in the receipt’s message, and still refuses the file', async () => {
    const bytes = await buildWorkbook({
      Aktiviteter: [[...ACTIVITY_HEADER], ['KS1', 'Budget', 'Ekonomichef', 'Pågånde', '']],
    });
    const result = await parseUpload('a.xlsx', bytes);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toMatch(
      /"Pågånde" är inte en giltig status\. Menade du "Pågående"\? Använd en av:/,
    );
  });
});
