import { describe, expect, it } from 'vitest';
import type { InputIssue, Period } from '../../lambdas/core/domain.js';
import {
  acceptedUploadReceipt,
  closedReceipt,
  failedUploadReceipt,
  rejectedClosureReceipt,
  rejectedUploadReceipt,
  removedUploadReceipt,
  reopeningReceipt,
  templateReceipt,
} from '../../lambdas/core/receipt.js';
import { escapeHtml, receiptHtml } from '../../lambdas/core/receipt-html.js';

const period: Period = { committee: 'ks', year: 2024, tertial: 1 };
const receivedAt = new Date('2024-02-06T09:05:00Z');

const hostile: InputIssue = {
  code: 'unknown_status',
  message: 'Fliken "Aktiviteter", rad 3, kolumn "Status": "<script>alert(1)</script>" är inte en giltig status.',
  file: 'a<b>.xlsx',
  sheet: 'Akt<i>viteter',
  row: 3,
  column: 'Status" onmouseover="x',
  value: '<script>alert(1)</script>',
};
const sheetless: InputIssue = {
  code: 'missing_sheet',
  message: 'Arbetsboken saknar fliken "Aktiviteter".',
  file: 'a.xlsx',
};

function rejected() {
  return rejectedUploadReceipt({
    period,
    file: 'a<b>.xlsx',
    key: 'uploads/ks/2024/T1/a<b>.xlsx',
    receivedAt,
    errors: [hostile, sheetless],
    warnings: [
      {
        code: 'extra_column',
        message: 'Kolumnen "Budget" läses inte in.',
        file: 'a.xlsx',
        sheet: 'Aktiviteter',
        row: 1,
        column: 'Budget',
      },
    ],
    hasPreviousVersion: true,
  });
}

/** The text of every element named `tag`, tags inside stripped. */
function texts(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) =>
    (m[1] ?? '').replace(/<[^>]*>/g, '').trim(),
  );
}

describe('receiptHtml', () => {
  it('is one self-contained Swedish page: lang, title, one h1, no script, nothing loaded from elsewhere', () => {
    for (const receipt of [
      rejected(),
      acceptedUploadReceipt({
        period,
        file: 'a.xlsx',
        key: 'uploads/ks/2024/T1/a.xlsx',
        receivedAt,
        counts: { goals: 2, activities: 5, caseSections: 1 },
        warnings: [],
      }),
      removedUploadReceipt({ period, file: 'a.xlsx', key: 'uploads/ks/2024/T1/a.xlsx', receivedAt }),
      failedUploadReceipt({
        period,
        file: 'a.xlsx',
        key: 'uploads/ks/2024/T1/a.xlsx',
        receivedAt,
        hasPreviousVersion: false,
      }),
      closedReceipt({
        period,
        receivedAt,
        document: 'documents/ks/2024/T1/ks-maluppfoljning-2024-T1.docx',
        uploads: ['a.xlsx'],
        counts: { goals: 1, activities: 2 },
        warnings: [],
      }),
      rejectedClosureReceipt({ period, receivedAt, errors: [sheetless], warnings: [] }),
      templateReceipt({ committee: 'ks', key: 'templates/ks.docx', receivedAt, errors: [], hasPrevious: false }),
      reopeningReceipt({ period, receivedAt, reopened: true, previousDocument: 'documents/ks/2024/T1/a.docx' }),
      reopeningReceipt({ period, receivedAt, reopened: false }),
    ]) {
      const html = receiptHtml(receipt);
      expect(html.startsWith('<!DOCTYPE html>\n<html lang="sv">'), receipt.kind).toBe(true);
      expect(html.match(/<h1\b/g), receipt.kind).toHaveLength(1);
      expect(texts(html, 'title')[0], receipt.kind).not.toBe('');
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
      expect(html).not.toMatch(/<(script|link|img|iframe|object|embed|base|form)\b/i);
      expect(html).not.toMatch(/url\(|@import|https?:\/\//i);
      for (const tag of html.match(/<[^>]+>/g) ?? []) expect(tag).not.toMatch(/\s(on\w+|src|srcset|action)=/i);
    }
  });

  it('escapes everything that came from the file: a <script> value stays text', () => {
    const html = receiptHtml(rejected());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Status&quot; onmouseover=&quot;x');
    expect(html).toContain('Akt&lt;i&gt;viteter');
    expect(texts(html, 'h1')).toEqual(['Kvitto för a&lt;b&gt;.xlsx']);
  });

  it('lists every error in a table with column headers Blad, Rad, Kolumn, Värde, Fel', () => {
    const html = receiptHtml(rejected());
    const errorTable = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    expect([...errorTable.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1])).toEqual([
      'Blad',
      'Rad',
      'Kolumn',
      'Värde',
      'Fel',
    ]);
    const rows = [...errorTable.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => texts(m[1] ?? '', 'td'));
    expect(rows).toEqual([
      [
        'Akt&lt;i&gt;viteter',
        '3',
        'Status&quot; onmouseover=&quot;x',
        '&lt;script&gt;alert(1)&lt;/script&gt;',
        `${escapeHtml(hostile.message)} (unknown_status)`,
      ],
      ['–', '–', '–', '–', `${escapeHtml(sheetless.message)} (missing_sheet)`],
    ]);
    expect(html).toContain('<caption>Fel, 2 st.</caption>');
    expect(html).toContain('<caption>Varningar, 1 st.</caption>');
  });

  it('heads the warnings table’s message column "Varning", not "Fel"', () => {
    const html = receiptHtml(rejected());
    const warningTable = html.slice(html.lastIndexOf('<table>'), html.lastIndexOf('</table>'));
    expect(warningTable).toContain('<caption>Varningar, 1 st.</caption>');
    expect([...warningTable.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1])).toEqual([
      'Blad',
      'Rad',
      'Kolumn',
      'Värde',
      'Varning',
    ]);
  });

  it('says the outcome in words and with a symbol, not by colour alone', () => {
    const refusedPage = receiptHtml(rejected());
    expect(refusedPage).toMatch(/<span class="status bad"><span aria-hidden="true">✗<\/span> Inte mottagen<\/span>/);
    expect(texts(refusedPage, 'title')[0]).toBe('Inte mottagen: Kvitto för a&lt;b&gt;.xlsx');
    const accepted = receiptHtml(
      acceptedUploadReceipt({
        period,
        file: 'a.xlsx',
        key: 'uploads/ks/2024/T1/a.xlsx',
        receivedAt,
        counts: { goals: 2, activities: 5, caseSections: 0 },
        warnings: [],
      }),
    );
    expect(accepted).toMatch(/<span class="status ok"><span aria-hidden="true">✓<\/span> Mottagen<\/span>/);
    expect(accepted).toContain('<p>Inga fel.</p>');
    expect(accepted).toContain('<dt>Aktiviteter</dt><dd>5</dd>');
    expect(accepted).toContain('<dt>Mottagen</dt><dd>6 februari 2024 kl. 10:05</dd>');
  });

  it('links the marked copy of a refused workbook, relative to the page', () => {
    const html = receiptHtml(rejected(), { annotatedCopy: 'a<b> & c-fel.xlsx' });
    expect(html).toContain('<a href="a%3Cb%3E%20%26%20c-fel.xlsx">a&lt;b&gt; &amp; c-fel.xlsx</a>');
    const accepted = acceptedUploadReceipt({
      period,
      file: 'a.xlsx',
      key: 'k',
      receivedAt,
      counts: { goals: 0, activities: 0, caseSections: 0 },
      warnings: [],
    });
    expect(receiptHtml(accepted, { annotatedCopy: 'a-fel.xlsx' })).not.toContain('a-fel.xlsx');
  });
});

describe('receiptHtml: the page of a close', () => {
  const document = 'documents/ks/2024/T1/ks-maluppfoljning-2024-T1.docx';
  const pdfKey = 'documents/ks/2024/T1/ks-maluppfoljning-2024-T1.pdf';
  const closed = (pdf?: Parameters<typeof closedReceipt>[0]['pdf']) =>
    closedReceipt({
      period,
      receivedAt,
      document,
      uploads: ['Mål & plan.xlsx', 'aktiviteter.csv'],
      counts: { goals: 2, activities: 5 },
      warnings: [sheetless],
      ...(pdf ? { pdf } : {}),
      comparedWith: { committee: 'ks', year: 2023, tertial: 3 },
    });

  it('says the tertial is closed, names the committee, and links the document and its PDF relative to the page', () => {
    const html = receiptHtml(closed({ status: 'written', key: pdfKey }), { committeeName: 'Kommunstyrelsen' });
    expect(html).toMatch(/<span class="status ok"><span aria-hidden="true">✓<\/span> Stängd<\/span>/);
    expect(texts(html, 'h1')).toEqual(['Stängning av ks 2024-T1 för Kommunstyrelsen']);
    expect(html).toContain('<dt>Nämnd</dt><dd>Kommunstyrelsen</dd>');
    expect(html).toContain('<dt>Tertial</dt><dd>ks 2024-T1</dd>');
    // The page is receipts/ks/2024/T1/stangning.html: four folders up is the bucket's root.
    expect(html).toContain(
      `<dt>Dokument (Word)</dt><dd><a href="../../../../${document}">ks-maluppfoljning-2024-T1.docx</a></dd>`,
    );
    expect(html).toContain(`<dt>PDF</dt><dd><a href="../../../../${pdfKey}">ks-maluppfoljning-2024-T1.pdf</a></dd>`);
    expect(html).toContain('<dt>Jämfört med</dt><dd>2023-T3</dd>');
    expect(html).toContain('<dt>Mottagen</dt><dd>6 februari 2024 kl. 10:05</dd>');
  });

  it('lists the files included one per item, then the warnings; without a PDF it links none', () => {
    const html = receiptHtml(closed());
    expect(html).toContain('<h2>Filer som ingår (2)</h2>');
    expect(texts(html, 'li')).toEqual(['Mål &amp; plan.xlsx', 'aktiviteter.csv']);
    expect(html).toContain('<p>Inga fel.</p>');
    expect(html).toContain('<caption>Varningar, 1 st.</caption>');
    expect(html).not.toContain('<dt>PDF</dt>');
    expect(html).not.toContain('.pdf');
  });

  it('says why the PDF is missing when it could not be made', () => {
    const html = receiptHtml(closed({ status: 'failed', message: 'PDF-versionen kunde inte skapas.' }));
    expect(html).toContain('<dt>PDF</dt><dd>PDF-versionen kunde inte skapas.</dd>');
  });

  it('shows a refused close with its errors, no document and no list of files', () => {
    const html = receiptHtml(rejectedClosureReceipt({ period, receivedAt, errors: [hostile], warnings: [] }), {
      committeeName: 'Kommunstyrelsen',
    });
    expect(html).toMatch(/<span class="status bad"><span aria-hidden="true">✗<\/span> Inte stängd<\/span>/);
    expect(html).toContain('<h2>Fel som måste rättas (1)</h2>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('Dokument (Word)');
    expect(html).not.toContain('Filer som ingår');
  });

  it('shows a reopening with the previous document linked, and no error section', () => {
    const html = receiptHtml(reopeningReceipt({ period, receivedAt, reopened: true, previousDocument: document }));
    expect(html).toMatch(/<span class="status ok"><span aria-hidden="true">✓<\/span> Öppen igen<\/span>/);
    expect(html).toContain(`<dt>Tidigare dokument</dt><dd><a href="../../../../${document}">`);
    expect(html).not.toContain('<h2>Fel</h2>');
    const notClosed = receiptHtml(reopeningReceipt({ period, receivedAt, reopened: false }));
    expect(notClosed).toMatch(
      /<span class="status neutral"><span aria-hidden="true">–<\/span> Var inte stängd<\/span>/,
    );
  });
});
