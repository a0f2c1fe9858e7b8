import { describe, expect, it } from 'vitest';
import { chunkContent, unchunkContent } from '../../lambdas/storage/repository.js';
import type { UploadContent } from '../../lambdas/core/domain.js';

const source = { file: 'a.xlsx', sheet: 'Aktiviteter', row: 2 };

function contentWith(activities: number, commentLength: number): UploadContent {
  return {
    goals: [{ id: 'KS1', title: 'Ekonomi i balans', motivation: 'Å ä ö', assessment: 'Uppfyllt', source }],
    activities: Array.from({ length: activities }, (_, i) => ({
      goalRef: 'KS1',
      title: `Aktivitet ${i}`,
      status: 'Pågående' as const,
      comment: 'ö'.repeat(commentLength),
      source: { ...source, row: i + 2 },
    })),
    caseSections: [{ kind: 'summary', text: 'Ärendet i korthet', source }],
  };
}

describe('repository: staged chunks', () => {
  it('round-trips an upload through its chunks, in order', () => {
    const content = contentWith(50, 10);
    const chunks = chunkContent(content);
    expect(chunks).toHaveLength(1);
    expect(unchunkContent(chunks)).toEqual(content);
  });

  it('splits a large upload into chunks that each fit a DynamoDB item (400 KB)', () => {
    const content = contentWith(2_000, 500); // about 2 MB of UTF-8
    const chunks = chunkContent(content);
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk)).toBeLessThan(350_000);
    expect(unchunkContent(chunks)).toEqual(content);
  });

  it('stores an empty upload as one empty chunk', () => {
    const empty = { goals: [], activities: [], caseSections: [] };
    expect(chunkContent(empty)).toEqual(['[]']);
    expect(unchunkContent(['[]'])).toEqual(empty);
  });
});
