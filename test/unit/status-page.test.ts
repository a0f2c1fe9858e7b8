/** The status page as a pure function: the model from what was read, and the HTML from the model. */
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import type { Period } from '../../lambdas/core/domain.js';
import {
  annotatedUploadKey,
  closureReceiptHtmlKey,
  closureReceiptKey,
  draftKey,
  reopeningReceiptHtmlKey,
  reopeningReceiptKey,
  uploadReceiptKey,
} from '../../lambdas/core/keys.js';
import {
  closedReceipt,
  rejectedClosureReceipt,
  reopeningReceipt,
  type UploadReceipt,
} from '../../lambdas/core/receipt.js';
import { stockholmIso } from '../../lambdas/core/time.js';
import type { PeriodSnapshot } from '../../lambdas/views/snapshot.js';
import {
  hrefFromStatusPage,
  statusPageHtml,
  statusPageModel,
  type StatusPageInput,
} from '../../lambdas/views/status-page.js';

const period: Period = { committee: 'ks', year: 2023, tertial: 3 };
const source = (file: string, row: number) => ({ file, sheet: 'Aktiviteter', row });

function snapshot(overrides: Partial<PeriodSnapshot> = {}): PeriodSnapshot {
  const content = {
    goals: [
      {
        id: 'KS1',
        title: 'Ekonomi i balans',
        assessment: 'Delvis uppfyllt' as const,
        motivation: '',
        source: source('a.xlsx', 2),
      },
      { id: 'KS2', title: 'Mål utan <aktiviteter> & "citat"', motivation: '', source: source('a.xlsx', 3) },
    ],
    activities: [
      { goalRef: 'KS1', title: 'Budget', status: 'Genomförd' as const, comment: '', source: source('a.xlsx', 2) },
      { goalRef: 'KS1', title: 'Uppföljning', status: 'Pågående' as const, comment: '', source: source('a.xlsx', 3) },
      { goalRef: 'KS9', title: 'Föräldralös', status: 'Pågående' as const, comment: '', source: source('a.xlsx', 4) },
    ],
    caseSections: [],
  };
  const entry = {
    sequencer: '1'.padStart(40, '0'),
    generation: 'g1',
    chunks: 1,
    counts: { goals: 2, activities: 3, caseSections: 0 },
    acceptedAt: '2024-01-05T10:00:00.000Z',
    lastOutcome: 'accepted' as const,
    lastEventAt: '2024-01-05T10:00:00.000Z',
  };
  return {
    period,
    record: {
      period,
      state: 'OPEN',
      version: 3,
      files: {
        'a.xlsx': entry,
        'b <script>.csv': {
          sequencer: '2'.padStart(40, '0'),
          lastOutcome: 'rejected',
          lastEventAt: '2024-01-05T11:00:00.000Z',
        },
      },
    },
    settings: { ok: true, config: KS_CONFIG, template: new Uint8Array(), templateId: 'default', warnings: [] },
    uploads: [{ name: 'a.xlsx', entry, content }],
    ...overrides,
  };
}

/** The snapshot of a closed tertial, with this closure. */
function closedSnapshot(closure: NonNullable<NonNullable<PeriodSnapshot['record']>['closure']>): PeriodSnapshot {
  const base = snapshot();
  return { ...base, record: { ...base.record!, state: 'CLOSED', closure } };
}

function receipt(
  file: string,
  status: UploadReceipt['status'],
  receivedAt: string,
  errors: UploadReceipt['errors'] = [],
): UploadReceipt {
  return {
    kind: 'upload',
    status,
    period: 'ks 2023-T3',
    file,
    key: `uploads/ks/2023/T3/${file}`,
    receivedAt,
    message: '',
    errors,
    warnings: [],
  };
}

function input(overrides: Partial<StatusPageInput> = {}): StatusPageInput {
  const listed = (key: string) => ({ key, size: 1, lastModified: new Date('2024-01-05T11:00:01Z') });
  return {
    snapshot: snapshot(),
    now: new Date('2024-01-05T12:00:00Z'),
    receiptObjects: [
      listed(uploadReceiptKey(period, 'a.xlsx')),
      listed(uploadReceiptKey(period, 'a.xlsx').replace(/json$/, 'html')),
      listed(uploadReceiptKey(period, 'b <script>.csv')),
    ],
    uploadReceipts: new Map([
      ['a.xlsx', receipt('a.xlsx', 'accepted', '2024-01-05T10:00:00.000Z')],
      [
        'b <script>.csv',
        receipt('b <script>.csv', 'rejected', '2024-01-05T11:00:00.000Z', [
          { code: 'unknown_status', message: 'x', file: 'b.csv' },
        ]),
      ],
    ]),
    draftObject: { key: draftKey(period), size: 1, lastModified: new Date('2024-01-05T11:00:02Z') },
    documentExists: false,
    templateReceiptExists: false,
    ...overrides,
  };
}

describe('status page: the model', () => {
  it('lists every upload with its latest outcome, counts in force and receipt links', () => {
    const model = statusPageModel(input());
    expect(model.state).toBe('open');
    expect(model.uploads.map((u) => [u.name, u.outcome, u.inForce, u.counts.activities, u.errors])).toEqual([
      ['a.xlsx', 'accepted', true, 3, 0],
      ['b <script>.csv', 'rejected', false, 0, 1],
    ]);
    expect(model.uploads[0]?.receiptHref).toBe('../../../../receipts/ks/2023/T3/a.xlsx.json');
    expect(model.uploads[0]?.receiptHtmlHref).toBe('../../../../receipts/ks/2023/T3/a.xlsx.html');
    expect(model.uploads[1]?.receiptHtmlHref).toBeUndefined();
    expect(model.uploads[1]?.receiptHref).toBe('../../../../receipts/ks/2023/T3/b%20%3Cscript%3E.csv.json');
  });

  it('counts activities per status and finds goals without activities, as the document combines them', () => {
    const model = statusPageModel(input());
    expect(model.activitiesByStatus).toEqual([
      { status: 'Ej påbörjad', count: 0 },
      { status: 'Pågående', count: 2 },
      { status: 'Genomförd', count: 1 },
      { status: 'Avbruten', count: 0 },
    ]);
    expect(model.goals.filter((g) => g.activities === 0).map((g) => g.heading)).toEqual([
      'KS2 Mål utan <aktiviteter> & "citat"',
    ]);
    expect(model.goals.find((g) => g.undefinedGoal)?.heading).toBe('KS9');
    expect(model.reportWarnings.some((w) => w.includes('KS9'))).toBe(true);
  });

  it('weighs a receipt in Swedish time against the table’s UTC event time as instants, across the change of offset', () => {
    // The table's event at 02:30+02:00 (00:30Z); the receipt of a later refusal at 02:10+01:00 sorts first as text.
    const entryAt = '2024-10-27T00:30:00.000Z';
    const base = snapshot();
    const entry = { ...base.record!.files['a.xlsx']!, lastEventAt: entryAt };
    const later = stockholmIso('2024-10-27T01:10:00.000Z');
    const model = (receivedAt: string) =>
      statusPageModel(
        input({
          snapshot: { ...base, record: { ...base.record!, files: { 'a.xlsx': entry } } },
          uploadReceipts: new Map([['a.xlsx', receipt('a.xlsx', 'rejected', receivedAt)]]),
        }),
      ).uploads.find((u) => u.name === 'a.xlsx');
    expect(later < stockholmIso(entryAt)).toBe(true);
    expect(model(later)?.outcome).toBe('rejected');
    expect(model(later)?.at).toBe(later);
    // The receipt of the table's own event, in the new form: the same instant, so still the latest word.
    expect(model(stockholmIso(entryAt))?.outcome).toBe('rejected');
    // A receipt of an earlier event: the table's newer event stands.
    expect(model(stockholmIso('2024-10-27T00:20:00.000Z'))?.outcome).toBe('accepted');
  });

  it('shows an upload refused after the close by its receipt, though the table kept the earlier version', () => {
    const model = statusPageModel(
      input({
        uploadReceipts: new Map([
          [
            'a.xlsx',
            receipt('a.xlsx', 'rejected', '2024-02-01T10:00:00.000Z', [
              { code: 'period_closed', message: 'stängd', file: 'a.xlsx' },
            ]),
          ],
        ]),
      }),
    );
    const a = model.uploads.find((u) => u.name === 'a.xlsx');
    expect(a).toMatchObject({ outcome: 'refused_closed', inForce: true, at: '2024-02-01T10:00:00.000Z' });
  });

  it('links a refused workbook’s marked-up copy while the refusal is the latest word', () => {
    const listed = (key: string) => ({ key, size: 1, lastModified: new Date('2024-01-05T11:00:01Z') });
    const base = input();
    const refusedA = new Map(base.uploadReceipts);
    refusedA.set(
      'a.xlsx',
      receipt('a.xlsx', 'rejected', '2024-01-05T13:00:00.000Z', [
        { code: 'unknown_status', message: 'x', file: 'a.xlsx' },
      ]),
    );
    const withCopy = [...base.receiptObjects, listed(annotatedUploadKey(period, 'a.xlsx'))];
    const refused = statusPageModel({ ...base, receiptObjects: withCopy, uploadReceipts: refusedA }).uploads[0];
    expect(refused).toMatchObject({
      outcome: 'rejected',
      inForce: true,
      annotatedHref: '../../../../receipts/ks/2023/T3/a-fel.xlsx',
    });
    // Accepted again since: the old marked-up copy is no longer offered.
    expect(statusPageModel({ ...base, receiptObjects: withCopy }).uploads[0]?.annotatedHref).toBeUndefined();
  });

  it('says why the draft is behind when the settings cannot be used', () => {
    const errors = [
      { code: 'invalid_config' as const, message: 'config/ks.json är inte giltig JSON.', file: 'config/ks.json' },
    ];
    const model = statusPageModel(input({ snapshot: snapshot({ settings: { ok: false, errors, warnings: [] } }) }));
    expect(model.draftProblems).toEqual(['config/ks.json är inte giltig JSON.']);
    expect(statusPageHtml(model)).toContain('Utkastet kunde inte uppdateras');
  });

  it('describes a closed period by its closure', () => {
    const model = statusPageModel(
      input({
        snapshot: closedSnapshot({
          closedAt: '2024-01-06T08:00:00.000Z',
          documentKey: 'documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx',
          closure: { diarienummer: 'KS 2024/12' },
          template: 'default',
        }),
        documentExists: true,
        pdfExists: true,
      }),
    );
    expect(model.state).toBe('closed');
    expect(model.closure).toMatchObject({
      closedAt: '2024-01-06T08:00:00.000Z',
      diarienummer: 'KS 2024/12',
      committeeTemplate: false,
    });
    expect(model.document).toEqual({
      href: '../../../../documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx',
      pdfHref: '../../../../documents/ks/2023/T3/ks-maluppfoljning-2023-T3.pdf',
    });
    const html = statusPageHtml(model);
    expect(html).toContain('Stängd');
    expect(html).toContain('KS 2024/12');
    expect(html).not.toContain('UTKAST.docx');
  });

  it('links the closure receipt’s page beside its JSON, as it links each upload’s', () => {
    const listed = (key: string) => ({ key, size: 1, lastModified: new Date('2024-01-06T08:00:01Z') });
    const closed = statusPageModel(
      input({
        snapshot: closedSnapshot({
          closedAt: '2024-01-06T08:00:00.000Z',
          documentKey: 'documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx',
          closure: {},
          template: 'default',
        }),
        receiptObjects: [listed(closureReceiptKey(period)), listed(closureReceiptHtmlKey(period))],
        closeReceipt: closedReceipt({
          period,
          receivedAt: new Date('2024-01-06T08:00:00Z'),
          document: 'documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx',
          uploads: ['a.xlsx'],
          counts: { goals: 2, activities: 3 },
          warnings: [],
        }),
        documentExists: true,
      }),
    );
    expect(closed.closeReceipt?.htmlHref).toBe('../../../../receipts/ks/2023/T3/stangning.html');
    expect(statusPageHtml(closed)).toContain(
      '<dt>Stängningen</dt><dd><a href="../../../../receipts/ks/2023/T3/stangning.html">Kvitto för stängningen</a> · <a href="../../../../receipts/ks/2023/T3/stangning.json">Kvitto för stängningen (JSON)</a></dd>',
    );

    const refused = statusPageModel(
      input({
        receiptObjects: [listed(closureReceiptKey(period)), listed(closureReceiptHtmlKey(period))],
        closeReceipt: rejectedClosureReceipt({
          period,
          receivedAt: new Date('2024-01-06T08:00:00Z'),
          errors: [{ code: 'empty_period', message: 'Inget att stänga.', file: '' }],
          warnings: [],
        }),
      }),
    );
    expect(statusPageHtml(refused)).toContain(
      '<a href="../../../../receipts/ks/2023/T3/stangning.html">Kvitto för stängningsförsöket</a>',
    );

    // A receipt written before closure receipts had a page: the JSON alone, no dead link.
    const jsonOnly = statusPageModel(
      input({
        receiptObjects: [listed(closureReceiptKey(period))],
        closeReceipt: rejectedClosureReceipt({
          period,
          receivedAt: new Date('2024-01-06T08:00:00Z'),
          errors: [],
          warnings: [],
        }),
      }),
    );
    expect(jsonOnly.closeReceipt?.htmlHref).toBeUndefined();
    expect(statusPageHtml(jsonOnly)).not.toContain('stangning.html');
  });
});

describe('status page: a reopened tertial', () => {
  const listed = (key: string) => ({ key, size: 1, lastModified: new Date('2024-01-07T09:00:01Z') });
  const reopened = reopeningReceipt({
    period,
    receivedAt: new Date('2024-01-07T09:00:00Z'),
    reopened: true,
    previousDocument: 'documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx',
  });

  it('says when it was opened again and links the reopening receipt, page and JSON', () => {
    const model = statusPageModel(
      input({
        receiptObjects: [listed(reopeningReceiptKey(period)), listed(reopeningReceiptHtmlKey(period))],
        reopeningReceipt: reopened,
      }),
    );
    expect(model.state).toBe('open');
    expect(model.reopening).toEqual({
      receivedAt: reopened.receivedAt,
      href: '../../../../receipts/ks/2023/T3/oppning.json',
      htmlHref: '../../../../receipts/ks/2023/T3/oppning.html',
    });
    const page = statusPageHtml(model);
    expect(page).toContain('Tertialen öppnades igen');
    expect(page).toContain(
      '<a href="../../../../receipts/ks/2023/T3/oppning.html">Kvitto för öppningen</a> · <a href="../../../../receipts/ks/2023/T3/oppning.json">Kvitto för öppningen (JSON)</a>',
    );
  });

  it('says nothing of a reopening once the tertial is closed again, nor of one that found it open', () => {
    const closed = statusPageModel(
      input({
        snapshot: closedSnapshot({
          closedAt: '2024-01-08T08:00:00.000Z',
          documentKey: 'd.docx',
          closure: {},
          template: 'default',
        }),
        reopeningReceipt: reopened,
      }),
    );
    expect(closed.reopening).toBeUndefined();
    expect(statusPageHtml(closed)).not.toContain('oppning');
    const notClosed = statusPageModel(
      input({ reopeningReceipt: reopeningReceipt({ period, receivedAt: new Date(), reopened: false }) }),
    );
    expect(notClosed.reopening).toBeUndefined();
  });
});

describe('status page: the HTML', () => {
  const html = statusPageHtml(statusPageModel(input()));

  it('is one self-contained Swedish page: lang, one h1, no scripts, no external resources', () => {
    expect(html).toMatch(/^<!DOCTYPE html>\n/i);
    expect(html).toContain('<html lang="sv">');
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    // One script, the server's own static file by a relative path; nothing inline.
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="../../../../assets/tertial.js" defer>']);
    expect(html).not.toMatch(/<script[^>]*>[^<]|<link|<img|<iframe|\son[a-z]+=/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(html).toMatch(/<style>[\s\S]*<\/style>/);
  });

  it('escapes text from uploads (file names, goal titles)', () => {
    expect(html).not.toContain('<script>');
    expect(html).toContain('b &lt;script&gt;.csv');
    expect(html).toContain('Mål utan &lt;aktiviteter&gt; &amp; &quot;citat&quot;');
  });

  it('gives every table a caption and every header cell a scope', () => {
    const ths = html.match(/<th\b[^>]*>/g) ?? [];
    expect(ths.length).toBeGreaterThan(10);
    for (const th of ths) expect(th).toMatch(/scope="(col|row)"/);
    expect((html.match(/<table>/g) ?? []).length).toBe((html.match(/<caption>/g) ?? []).length);
  });

  it('states status in words, not by colour alone, and links the draft relatively', () => {
    expect(html).toContain('Öppen');
    expect(html).toContain('Godkänd');
    expect(html).toContain('Avvisad');
    expect(html).toContain(`href="${hrefFromStatusPage(draftKey(period))}"`);
    expect(html).toContain('<time datetime="2024-01-05T12:00:00.000Z">2024-01-05 13:00</time>');
  });

  it('is the same for the same model', () => {
    expect(statusPageHtml(statusPageModel(input()))).toBe(html);
  });
});
