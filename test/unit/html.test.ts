/**
 * The HTML module: the tagged template escapes every interpolated value, and every page
 * built with it (status page, receipts, the local web server's pages) shows hostile text
 * from uploads as text: `<script>`, double quotes and apostrophes never reach the markup.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, htmlDocument, joinHtml, link, trustedHtml } from '../../lambdas/core/html.js';
import {
  closedReceipt,
  rejectedClosureReceipt,
  rejectedUploadReceipt,
  reopeningReceipt,
  templateReceipt,
} from '../../lambdas/core/receipt.js';
import { receiptHtml } from '../../lambdas/core/receipt-html.js';
import { statusPageHtml, type StatusPageModel } from '../../lambdas/views/status-page.js';

/** Breaks out of element content, double-quoted and single-quoted attributes alike. */
const EVIL = `<script>alert(1)</script>"x' onload='y&`;
const EVIL_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;x&#39; onload=&#39;y&amp;';

/** No raw piece of EVIL is left anywhere in the page. */
function expectInert(page: string): void {
  expect(page).not.toContain('<script>alert');
  expect(page).not.toContain(`"x'`);
  expect(page).not.toContain(`'y&`);
  // The status page's own script file is the only script any page has.
  for (const tag of page.match(/<script\b[^>]*>/g) ?? [])
    expect(tag).toBe('<script src="../../../../assets/tertial.js" defer>');
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('html: the tagged template', () => {
  it('escapes <, >, &, double quotes and apostrophes in every interpolated text', () => {
    expect(String(html`<p title="${EVIL}">${EVIL}</p>`)).toBe(`<p title="${EVIL_ESCAPED}">${EVIL_ESCAPED}</p>`);
    expect(escapeHtml(EVIL)).toBe(EVIL_ESCAPED);
  });

  it('passes markup built by html itself, escapes the text inside it once', () => {
    const inner = html`<b>${EVIL}</b>`;
    expect(String(html`<p>${inner}</p>`)).toBe(`<p><b>${EVIL_ESCAPED}</b></p>`);
  });

  it('renders lists item by item and nothing for false, null and undefined', () => {
    expect(String(html`<ul>${['a<', html`<li>b</li>`]}</ul>`)).toBe('<ul>a&lt;<li>b</li></ul>');
    expect(String(html`${false}${null}${undefined}${0}`)).toBe('0');
  });

  it('lets markup through unescaped only by name (trustedHtml)', () => {
    expect(String(html`${trustedHtml('<hr>')}`)).toBe('<hr>');
    // A string that looks like markup is still text.
    expect(String(html`${'<hr>'}`)).toBe('&lt;hr&gt;');
  });

  it('joins fragments and escapes a text separator', () => {
    expect(String(joinHtml([html`<i>a</i>`, html`<i>b</i>`], ' & '))).toBe('<i>a</i> &amp; <i>b</i>');
  });

  it('escapes a link target and its text', () => {
    expect(String(link(`x" onclick="y`, EVIL, EVIL))).toBe(
      `<a href="x&quot; onclick=&quot;y" aria-label="${EVIL_ESCAPED}">${EVIL_ESCAPED}</a>`,
    );
  });

  it('the layout refuses a policy that could break out of its attribute', () => {
    expect(() =>
      htmlDocument({ title: 't', body: html``, contentSecurityPolicy: `default-src 'none'"><script>` }),
    ).toThrow(/Content-Security-Policy/);
    const page = htmlDocument({ title: EVIL, body: html`<main></main>`, contentSecurityPolicy: "default-src 'none'" });
    expect(page).toContain(`<title>${EVIL_ESCAPED}</title>`);
    expectInert(page);
  });
});

describe('html: hostile text is escaped on every page', () => {
  it('the status page escapes every text field of its model', () => {
    const model: StatusPageModel = {
      period: { committee: 'ks', year: 2024, tertial: 1 },
      committeeName: EVIL,
      municipality: EVIL,
      generatedAt: EVIL,
      state: 'closed',
      closure: { closedAt: EVIL, diarienummer: EVIL, meetingDate: EVIL, documentDate: EVIL, committeeTemplate: true },
      closeReceipt: { status: 'closed', receivedAt: EVIL, message: EVIL, errors: [EVIL], href: EVIL },
      uploads: [
        {
          name: EVIL,
          at: EVIL,
          outcome: 'rejected',
          inForce: false,
          counts: { goals: 0, activities: 0, caseSections: 0 },
          errors: 1,
          warnings: 0,
          receiptHref: EVIL,
          receiptHtmlHref: EVIL,
          annotatedHref: EVIL,
        },
      ],
      goals: [{ heading: EVIL, assessment: EVIL, activities: 0, undefinedGoal: true }],
      activitiesByStatus: [],
      reportWarnings: [EVIL],
      draftProblems: [EVIL],
      document: { href: EVIL, pdfHref: EVIL },
      template: { committeeTemplate: true, acceptedAt: EVIL },
    };
    const page = statusPageHtml(model);
    expectInert(page);
    // Title, heading, lead, facts, upload row (name, time, three links), goals, warnings, times.
    expect(occurrences(page, EVIL_ESCAPED)).toBeGreaterThanOrEqual(20);

    const open = statusPageHtml({
      ...model,
      state: 'open',
      closeReceipt: { ...model.closeReceipt!, status: 'rejected' },
      draft: { href: EVIL, updatedAt: EVIL },
    });
    expectInert(open);
  });

  it('every kind of receipt page escapes file names, messages and cell values', () => {
    const period = { committee: 'ks', year: 2024, tertial: 1 as const };
    const receivedAt = new Date('2024-02-06T09:05:00Z');
    const issue = {
      code: 'unknown_status' as const,
      message: EVIL,
      file: EVIL,
      sheet: EVIL,
      row: 3,
      column: EVIL,
      value: EVIL,
    };
    const pages = [
      receiptHtml(
        rejectedUploadReceipt({
          period,
          file: EVIL,
          key: EVIL,
          receivedAt,
          errors: [issue],
          warnings: [issue],
          hasPreviousVersion: false,
        }),
        { annotatedCopy: EVIL },
      ),
      receiptHtml(rejectedClosureReceipt({ period, receivedAt, errors: [issue], warnings: [issue] }), {
        committeeName: EVIL,
      }),
      receiptHtml(
        closedReceipt({
          period,
          receivedAt,
          document: EVIL,
          counts: { goals: 1, activities: 1 },
          uploads: [EVIL],
          warnings: [issue],
          pdf: { status: 'written', key: EVIL },
        }),
        { committeeName: EVIL },
      ),
      receiptHtml(reopeningReceipt({ period, receivedAt, reopened: true, previousDocument: EVIL }), {
        committeeName: EVIL,
      }),
      receiptHtml(templateReceipt({ committee: EVIL, key: EVIL, receivedAt, errors: [issue], hasPrevious: false })),
    ];
    for (const page of pages) {
      expectInert(page);
      expect(occurrences(page, EVIL_ESCAPED)).toBeGreaterThanOrEqual(2);
    }
  });

  it('the page of a close escapes a hostile committee name in the title, the heading and the facts', () => {
    const page = receiptHtml(
      closedReceipt({
        period: { committee: 'ks', year: 2024, tertial: 1 },
        receivedAt: new Date('2024-02-06T09:05:00Z'),
        document: 'documents/ks/2024/T1/ks-maluppfoljning-2024-T1.docx',
        counts: { goals: 1, activities: 1 },
        uploads: ['a.xlsx'],
        warnings: [],
      }),
      { committeeName: EVIL },
    );
    expectInert(page);
    expect(occurrences(page, EVIL_ESCAPED)).toBe(3);
  });
});
