/**
 * One path from a period to its document: with the previous tertial closed, the draft of
 * the open tertial and the document its close writes have the same paragraphs, apart
 * from the draft marks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAFT_TITLE_PREFIX } from '../../lambdas/core/document.js';
import type { Period } from '../../lambdas/core/domain.js';
import { closureKey, documentKey, draftKey, reopeningKey, uploadKey } from '../../lambdas/core/keys.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { simpleWorkbook } from '../helpers/workbook.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.dispose();
});

async function paragraphs(key: string): Promise<string[]> {
  const bytes = await stack.output(key);
  expect(bytes, key).toBeDefined();
  return docxParagraphs(bytes as Uint8Array);
}

describe('the draft and the close', () => {
  it('with tertial 2 closed, the tertial 3 draft has the closed document’s paragraphs, up to the draft marks', async () => {
    const t2: Period = { committee: 'utkast', year: 2024, tertial: 2 };
    const t3: Period = { ...t2, tertial: 3 };
    await stack.put(
      uploadKey(t2, 'a.xlsx'),
      await simpleWorkbook({ id: 'M1', title: 'Ett mål' }, [{ title: 'Första aktiviteten', status: 'Pågående' }]),
    );
    await stack.idle();
    await stack.put(closureKey(t2), '');
    await stack.idle();

    await stack.put(
      uploadKey(t3, 'a.xlsx'),
      await simpleWorkbook({ id: 'M1', title: 'Ett mål' }, [
        { title: 'Första aktiviteten', status: 'Genomförd' },
        { title: 'En ny aktivitet', status: 'Ej påbörjad' },
      ]),
    );
    await stack.idle();
    const draft = await paragraphs(draftKey(t3));
    await stack.put(closureKey(t3), '');
    await stack.idle();
    const document = await paragraphs(documentKey(t3));

    expect(document).toContain('Förändringar sedan tertial 2');
    expect(document).toContain('Pågående → Genomförd');
    const notice = draft.filter((p) => p.startsWith('UTKAST – tertial 3 2024 är inte stängd'));
    expect(notice).toHaveLength(1);
    const unmarked = draft.filter((p) => !notice.includes(p)).map((p) => p.replace(DRAFT_TITLE_PREFIX, ''));
    expect(unmarked).toEqual(document);
  });

  it('closing tertial 2 rewrites the open tertial 3 draft with the changes since tertial 2; reopening it takes them out', async () => {
    const t2: Period = { committee: 'efterat', year: 2024, tertial: 2 };
    const t3: Period = { ...t2, tertial: 3 };
    await stack.put(
      uploadKey(t2, 'a.xlsx'),
      await simpleWorkbook({ id: 'M1', title: 'Ett mål' }, [{ title: 'Första aktiviteten', status: 'Pågående' }]),
    );
    // Tertial 3 begins before tertial 2 is closed.
    await stack.put(
      uploadKey(t3, 'a.xlsx'),
      await simpleWorkbook({ id: 'M1', title: 'Ett mål' }, [{ title: 'Första aktiviteten', status: 'Genomförd' }]),
    );
    await stack.idle();
    expect(await paragraphs(draftKey(t3))).not.toContain('Förändringar sedan tertial 2');

    await stack.put(closureKey(t2), '');
    await stack.idle();
    const after = await paragraphs(draftKey(t3));
    expect(after).toContain('Förändringar sedan tertial 2');
    expect(after).toContain('Pågående → Genomförd');

    await stack.put(reopeningKey(t2), '');
    await stack.idle();
    expect(await paragraphs(draftKey(t3))).not.toContain('Förändringar sedan tertial 2');
  });
});
