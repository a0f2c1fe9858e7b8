/**
 * The pipeline end to end against the real local servers: s3rver and dynalite over
 * HTTP, the real AWS SDK, the Lambda handlers invoked with AWS-shaped S3 events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  annotatedUploadKey,
  closureKey,
  closureReceiptKey,
  documentKey,
  encodeEventKey,
  normalizeSequencer,
  reopeningKey,
  reopeningReceiptKey,
  uploadKey,
  uploadReceiptHtmlKey,
  uploadReceiptKey,
  workbookKey,
} from '../../lambdas/core/keys.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import type { ClosureReceipt, ReopeningReceipt, UploadReceipt } from '../../lambdas/core/receipt.js';
import type { Period } from '../../lambdas/core/domain.js';
import { makeIngestHandler } from '../../lambdas/ingest/handler.js';
import { silentLog } from '../../lambdas/core/log.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { s3Event } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { ACTIVITY_HEADER, buildWorkbook, simpleWorkbook } from '../helpers/workbook.js';

let stack: TestStack;
let periodCounter = 0;

/** Each test works in a period of its own, so tests do not see each other's uploads. */
function freshPeriod(): Period {
  periodCounter += 1;
  return { committee: `it-${periodCounter}`, year: 2023, tertial: 3 };
}

async function documentParagraphs(period: Period): Promise<string[]> {
  const bytes = await stack.output(documentKey(period));
  expect(bytes, `document for ${period.committee}`).toBeDefined();
  return docxParagraphs(bytes as Uint8Array);
}

async function close(period: Period, body = ''): Promise<ClosureReceipt> {
  await stack.put(closureKey(period), body);
  await stack.idle();
  const receipt = await stack.outputJson<ClosureReceipt>(closureReceiptKey(period));
  expect(receipt).toBeDefined();
  return receipt as ClosureReceipt;
}

async function upload(period: Period, name: string, bytes: Uint8Array | string): Promise<UploadReceipt> {
  await stack.put(uploadKey(period, name), bytes);
  await stack.idle();
  const receipt = await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, name));
  expect(receipt).toBeDefined();
  return receipt as UploadReceipt;
}

// The same pipeline on both DynamoDB API servers: dynalite (the local stack's default)
// and Amazon's own DynamoDB Local, so a difference between them cannot hide a bug.
describe.each(['dynalite', 'dynamodb-local'] as const)(
  'pipeline on %s: upload, ingest, close, assemble',
  (dynamodb) => {
    beforeAll(async () => {
      stack = await startTestStack({ dynamodb });
    });

    afterAll(async () => {
      await stack?.dispose();
    });

    it('accepts an upload, writes a receipt, and puts its activities in the closed document', async () => {
      const period = freshPeriod();
      const receipt = await upload(
        period,
        'aktiviteter.xlsx',
        await simpleWorkbook({ id: 'KS1', title: 'Ekonomi i balans' }, [
          { title: 'Ta fram budgetprocess', status: 'genomförd', comment: 'Klar i maj.\nBeslutad i KS.' },
          { title: 'Månadsuppföljning', status: 'Pågående' },
        ]),
      );
      expect(receipt.status).toBe('accepted');
      expect(receipt.counts).toEqual({ goals: 1, activities: 2, caseSections: 0 });

      const closure = await close(period);
      expect(closure.status).toBe('closed');
      expect(closure.document).toBe(documentKey(period));
      const paragraphs = await documentParagraphs(period);
      expect(paragraphs).toContain('Ta fram budgetprocess');
      expect(paragraphs).toContain('Genomförd');
      // A line break in a cell is a paragraph of its own in the document.
      expect(paragraphs).toContain('Klar i maj.');
      expect(paragraphs).toContain('Beslutad i KS.');
      expect(paragraphs.some((p) => p.includes('Ekonomi i balans'))).toBe(true);
      expect(paragraphs.join('\n')).not.toMatch(/undefined|null/);
    });

    it('refuses a bad file with every error, and keeps the previous version in force', async () => {
      const period = freshPeriod();
      const good = await upload(
        period,
        'plan.xlsx',
        await simpleWorkbook({ id: 'KS2', title: 'Attraktiv arbetsgivare' }, [
          { title: 'Medarbetarenkät', status: 'Genomförd' },
        ]),
      );
      expect(good.status).toBe('accepted');

      const bad = await buildWorkbook({
        Aktiviteter: [
          ACTIVITY_HEADER,
          ['KS2', 'Chefsutbildning', 'HR-chef', 'Klar', ''],
          ['KS2', '', 'HR-chef', 'Pågående', ''],
          ['KS2', 'Lönekartläggning', 'HR-chef', 'Pågående', ''],
        ],
      });
      const refused = await upload(period, 'plan.xlsx', bad);
      expect(refused.status).toBe('rejected');
      expect(refused.errors.map((e) => [e.code, e.row])).toEqual([
        ['unknown_status', 2],
        ['missing_value', 3],
      ]);
      expect(refused.message).toMatch(/tidigare godkända versionen/);
      // The page people open, and their own file back with the bad cells marked.
      const page = new TextDecoder().decode(await stack.output(uploadReceiptHtmlKey(period, 'plan.xlsx')));
      expect(page).toContain('<html lang="sv"');
      expect(page).toMatch(/("|&quot;)Klar("|&quot;) är inte en giltig status/);
      expect(page).toContain('plan-fel.xlsx');
      const marked = await stack.output(annotatedUploadKey(period, 'plan.xlsx'));
      expect(marked).toBeDefined();
      expect(new TextDecoder('latin1').decode(marked).startsWith('PK')).toBe(true);

      await close(period);
      const paragraphs = await documentParagraphs(period);
      expect(paragraphs).toContain('Medarbetarenkät');
      expect(paragraphs).not.toContain('Lönekartläggning');
    });

    it('replaces a file’s rows when it is uploaded again, and removes them when it is deleted', async () => {
      const period = freshPeriod();
      const goal = { id: 'KS3', title: 'Trygg kommun' };
      await upload(period, 'a.xlsx', await simpleWorkbook(goal, [{ title: 'Version ett', status: 'Pågående' }]));
      await upload(period, 'a.xlsx', await simpleWorkbook(goal, [{ title: 'Version två', status: 'Genomförd' }]));
      await upload(
        period,
        'b.xlsx',
        await simpleWorkbook({ id: 'KS4', title: 'Bort med mig' }, [{ title: 'Ska bort', status: 'Pågående' }]),
      );
      await stack.remove(uploadKey(period, 'b.xlsx'));
      await stack.idle();
      expect((await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'b.xlsx')))?.status).toBe('removed');

      const record = await stack.runtime.repo.getPeriod(period);
      expect(record?.files['a.xlsx']?.counts?.activities).toBe(1);
      expect(record?.files['b.xlsx']?.generation).toBeUndefined();

      await close(period);
      const paragraphs = await documentParagraphs(period);
      expect(paragraphs).toContain('Version två');
      expect(paragraphs).not.toContain('Version ett');
      expect(paragraphs).not.toContain('Ska bort');
    });

    it('handles keys with spaces and Swedish letters (URL-encoded in the event, + for space)', async () => {
      const period = freshPeriod();
      const name = 'Mål och åtgärder (ÅÄÖ) 2023.xlsx';
      expect(encodeEventKey(uploadKey(period, name))).toContain('+och+');
      const receipt = await upload(
        period,
        name,
        await simpleWorkbook({ id: 'KS5', title: 'Växande näringsliv' }, [
          { title: 'Företagsbesök', status: 'Pågående' },
        ]),
      );
      expect(receipt.status).toBe('accepted');
      expect(receipt.file).toBe(name);
    });

    it('refuses an upload after the close and leaves the document unchanged', async () => {
      const period = freshPeriod();
      await upload(
        period,
        'x.xlsx',
        await simpleWorkbook({ id: 'KS6', title: 'God service' }, [{ title: 'E-tjänster', status: 'Pågående' }]),
      );
      await close(period);
      const before = await stack.output(documentKey(period));

      const late = await upload(
        period,
        'x.xlsx',
        await simpleWorkbook({ id: 'KS6', title: 'God service' }, [{ title: 'För sent', status: 'Genomförd' }]),
      );
      expect(late.status).toBe('rejected');
      expect(late.errors[0]?.code).toBe('period_closed');
      const after = await stack.output(documentKey(period));
      expect(Buffer.from(after as Uint8Array).equals(Buffer.from(before as Uint8Array))).toBe(true);

      // Closing again is harmless: the same document stays under the same key.
      await stack.put(closureKey(period), '');
      await stack.idle();
      const again = await stack.output(documentKey(period));
      expect(Buffer.from(again as Uint8Array).equals(Buffer.from(before as Uint8Array))).toBe(true);
    });

    it('ignores an older event for a key after a newer one, and applies a duplicate event once', async () => {
      const period = freshPeriod();
      const key = uploadKey(period, 'ordning.xlsx');
      await stack.put(
        key,
        await simpleWorkbook({ id: 'KS7', title: 'Ordning' }, [{ title: 'Senaste', status: 'Pågående' }]),
      );
      await stack.idle();
      const record = await stack.runtime.repo.getPeriod(period);
      const applied = record?.files['ordning.xlsx'];
      expect(applied?.lastOutcome).toBe('accepted');

      const ingest = makeIngestHandler(stack.runtime, silentLog);
      const event = (sequencer: string, name = 'ObjectCreated:Put') =>
        s3Event(stack.config.uploadsBucket, key, sequencer, name);

      // A delete that happened before the upload arrives late: ignored.
      expect(await ingest(event('1', 'ObjectRemoved:Delete'))).toEqual(['stale']);
      // The same event delivered three times at once: one effect.
      const same = event((applied?.sequencer ?? '').replace(/^0+/, ''));
      const outcomes = await Promise.all([ingest(same), ingest(same), ingest(same)]);
      expect(outcomes.flat()).toEqual(['duplicate', 'duplicate', 'duplicate']);
      const after = await stack.runtime.repo.getPeriod(period);
      expect(after?.files['ordning.xlsx']).toEqual(applied);
      expect(after?.version).toBe(record?.version);
      expect(normalizeSequencer(applied?.sequencer ?? '0')).toBe(applied?.sequencer);
    });

    it('combines goals from one file with activities from another, warning about an undefined goal', async () => {
      const period = freshPeriod();
      await upload(
        period,
        '1-mal.xlsx',
        await buildWorkbook({
          Mål: [
            ['Mål-id', 'Mål', 'Bedömning', 'Motivering'],
            ['KS8', 'Hållbar budget', 'Uppfyllt', 'Budgeten höll.'],
          ],
          Aktiviteter: [ACTIVITY_HEADER],
        }),
      );
      await upload(
        period,
        '2-aktiviteter.xlsx',
        await buildWorkbook({
          Aktiviteter: [
            ACTIVITY_HEADER,
            ['KS8', 'Budgetdialog', 'Ekonomichef', 'Genomförd', ''],
            ['KS99', 'Föräldralös aktivitet', 'Ekonomichef', 'Pågående', ''],
          ],
        }),
      );
      const receipt = await close(period);
      expect(receipt.status).toBe('closed');
      expect(receipt.warnings.map((w) => w.code)).toContain('undefined_goal');
      const paragraphs = await documentParagraphs(period);
      expect(paragraphs).toContain('Budgetdialog');
      expect(paragraphs).toContain('Föräldralös aktivitet');
      expect(paragraphs.some((p) => p.includes('Budgeten höll.'))).toBe(true);
    });

    it('reopens a closed tertial: uploads are accepted again and the next close writes a new version of the document', async () => {
      const period = freshPeriod();
      await upload(
        period,
        'a.xlsx',
        await simpleWorkbook({ id: 'KS10', title: 'Öppnas igen' }, [{ title: 'Första versionen', status: 'Pågående' }]),
      );
      await close(period);
      expect(await documentParagraphs(period)).not.toContain('Tillagd efter öppning');

      await stack.put(reopeningKey(period), '');
      await stack.idle();
      const reopened = await stack.outputJson<ReopeningReceipt>(reopeningReceiptKey(period));
      expect(reopened?.status).toBe('reopened');
      expect(reopened?.previousDocument).toBe(documentKey(period));
      const record = await stack.runtime.repo.getPeriod(period);
      expect(record?.state).toBe('OPEN');

      expect(
        (
          await upload(
            period,
            'b.xlsx',
            await simpleWorkbook({ id: 'KS10', title: 'Öppnas igen' }, [
              { title: 'Tillagd efter öppning', status: 'Genomförd' },
            ]),
          )
        ).status,
      ).toBe('accepted');
      expect((await close(period)).status).toBe('closed');
      const paragraphs = await documentParagraphs(period);
      expect(paragraphs).toContain('Första versionen');
      expect(paragraphs).toContain('Tillagd efter öppning');

      // Reopening a tertial that is open changes nothing and says so.
      await stack.put(reopeningKey(period), '');
      await stack.idle();
      await stack.put(reopeningKey(period), '');
      await stack.idle();
      expect((await stack.outputJson<ReopeningReceipt>(reopeningReceiptKey(period)))?.status).toBe('not_closed');
      expect((await stack.runtime.repo.getPeriod(period))?.state).toBe('OPEN');
    });

    it('writes the next tertial’s workbook when a tertial closes, carrying over the unfinished activities', async () => {
      const period: Period = { ...freshPeriod(), tertial: 2 };
      await upload(
        period,
        'a.xlsx',
        await simpleWorkbook({ id: 'KS11', title: 'Nästa tertial' }, [
          { title: 'Klar sedan länge', status: 'Genomförd' },
          { title: 'Fortsätter', status: 'Pågående', comment: 'Halvvägs.' },
        ]),
      );
      await close(period);
      const next: Period = { ...period, tertial: 3 };
      const workbook = await stack.output(workbookKey(next));
      expect(workbook).toBeDefined();
      // The workbook goes out, staff leave it as it is, and it comes back: it parses.
      const parsed = await parseUpload('ks.xlsx', workbook as Uint8Array);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.content.activities.map((a) => a.title)).toEqual(['Fortsätter']);
      expect(parsed.content.goals.map((g) => g.id)).toEqual(['KS11']);
    });

    it('refuses a close whose body is not valid JSON, and leaves the period open', async () => {
      const period = freshPeriod();
      await upload(
        period,
        'a.xlsx',
        await simpleWorkbook({ id: 'KS9', title: 'Öppen' }, [{ title: 'Något', status: 'Pågående' }]),
      );
      const refused = await close(period, '{ inte json');
      expect(refused.status).toBe('rejected');
      expect(await stack.output(documentKey(period))).toBeUndefined();
      expect((await stack.runtime.repo.getPeriod(period))?.state).toBe('OPEN');

      const closed = await close(period, JSON.stringify({ diarienummer: 'KS 2024/7' }));
      expect(closed.status).toBe('closed');
    });
  },
);
