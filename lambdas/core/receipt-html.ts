/**
 * Receipts as pages people read: the same facts as the JSON receipt (receipt.ts), as one
 * self-contained HTML page staff can open from the S3 console. Swedish, accessible
 * (one `<h1>`, a table with column headers, the outcome in words and a symbol, not in
 * colour alone), the one layout and stylesheet (`html.ts`), no scripts and nothing
 * loaded from elsewhere (a Content-Security-Policy says so to the browser too). Every
 * value from a receipt is escaped by the `html` template: file names, cell values and
 * messages come from staff files.
 */
import { stockholmLong } from './time.js';
import type { InputIssue } from './domain.js';
import { html, htmlDocument, joinHtml, link, type Html, type HtmlValue } from './html.js';
import { hrefFromPeriodPage, keyFileName } from './keys.js';
import type { ClosureReceipt, ReopeningReceipt, TemplateReceipt, UploadReceipt } from './receipt.js';

export interface ReceiptHtmlOptions {
  /**
   * The name of the refused workbook's marked copy, in the same folder as the page
   * (`annotatedUploadKey`'s last segment); linked from the page when given.
   */
  readonly annotatedCopy?: string;
  /**
   * The committee's display name from its settings, named on the page of a close or a
   * reopening (the receipt itself holds only the committee's key).
   */
  readonly committeeName?: string;
}

type AnyReceipt = UploadReceipt | ClosureReceipt | TemplateReceipt | ReopeningReceipt;

/** Re-exported: the escaper is the HTML module's. */
export { escapeHtml } from './html.js';

type Tone = 'ok' | 'bad' | 'neutral';

/** The outcome in words with a symbol: what a person reads first. */
function outcome(receipt: AnyReceipt): { label: string; symbol: string; tone: Tone } {
  switch (receipt.status) {
    case 'accepted':
      if (receipt.kind !== 'template') return { label: 'Mottagen', symbol: '✓', tone: 'ok' };
      // Accepted and in force, as an upload with warnings is "Mottagen": the warnings follow below.
      return { label: receipt.warnings.length > 0 ? 'Godkänd med varningar' : 'Godkänd', symbol: '✓', tone: 'ok' };
    case 'closed':
      return { label: 'Stängd', symbol: '✓', tone: 'ok' };
    case 'removed':
      return { label: 'Borttagen', symbol: '–', tone: 'neutral' };
    case 'failed':
      return { label: 'Tekniskt fel', symbol: '!', tone: 'bad' };
    case 'rejected':
      return { label: receipt.kind === 'closure' ? 'Inte stängd' : 'Inte mottagen', symbol: '✗', tone: 'bad' };
    case 'reopened':
      return { label: 'Öppen igen', symbol: '✓', tone: 'ok' };
    case 'not_closed':
      return { label: 'Var inte stängd', symbol: '–', tone: 'neutral' };
  }
}

function subject(receipt: AnyReceipt, committeeName: string | undefined): string {
  const of = committeeName === undefined ? '' : ` för ${committeeName}`;
  switch (receipt.kind) {
    case 'upload':
      return `Kvitto för ${receipt.file}`;
    case 'closure':
      return `Stängning av ${receipt.period}${of}`;
    case 'reopening':
      return `Öppning av ${receipt.period}${of}`;
    case 'template':
      return `Mall för ${receipt.committee}`;
  }
}

/** A key of the output bucket as a link from the receipt page (a period's folder), named by its file name. */
function outputLink(key: string): Html {
  return link(hrefFromPeriodPage(key), keyFileName(key));
}

/** `2024-02-06T09:05:00.000Z` → `6 februari 2024 kl. 10:05` (Swedish time). */
function swedishTime(iso: string): string {
  return stockholmLong(iso);
}

function facts(receipt: AnyReceipt, committeeName: string | undefined): [string, HtmlValue][] {
  const rows: [string, HtmlValue][] = [];
  if (committeeName !== undefined && (receipt.kind === 'closure' || receipt.kind === 'reopening'))
    rows.push(['Nämnd', committeeName]);
  if (receipt.kind === 'upload') {
    rows.push(['Fil', receipt.file], ['Tertial', receipt.period], ['Sökväg i S3', receipt.key]);
    if (receipt.counts) {
      rows.push(['Mål', String(receipt.counts.goals)], ['Aktiviteter', String(receipt.counts.activities)]);
      if (receipt.counts.caseSections > 0) rows.push(['Ärendetexter', String(receipt.counts.caseSections)]);
    }
  } else if (receipt.kind === 'closure') {
    rows.push(['Tertial', receipt.period]);
    if (receipt.document)
      rows.push(['Dokument (Word)', outputLink(receipt.document)], ['Sökväg i S3', receipt.document]);
    if (receipt.pdf?.status === 'written') rows.push(['PDF', outputLink(receipt.pdf.key)]);
    else if (receipt.pdf?.status === 'failed') rows.push(['PDF', receipt.pdf.message]);
    if (receipt.comparedWith) rows.push(['Jämfört med', receipt.comparedWith]);
    if (receipt.counts)
      rows.push(['Mål', String(receipt.counts.goals)], ['Aktiviteter', String(receipt.counts.activities)]);
  } else if (receipt.kind === 'reopening') {
    rows.push(['Tertial', receipt.period]);
    if (receipt.previousDocument) rows.push(['Tidigare dokument', outputLink(receipt.previousDocument)]);
  } else {
    rows.push(['Nämnd', receipt.committee], ['Mall', receipt.key]);
  }
  rows.push(['Mottagen', swedishTime(receipt.receivedAt)]);
  return rows;
}

/** `kind` heads the message column: "Fel" for errors, "Varning" for warnings. */
function issueTable(caption: string, issues: readonly InputIssue[], kind: 'Fel' | 'Varning'): Html {
  const cell = (value: string | number | undefined, long = false): Html =>
    value === undefined || value === ''
      ? html`<td class="none">–</td>`
      : long
        ? html`<td class="long">${value}</td>`
        : html`<td>${value}</td>`;
  return html`<table>
<caption>${caption}</caption>
<thead><tr><th scope="col">Blad</th><th scope="col">Rad</th><th scope="col">Kolumn</th><th scope="col">Värde</th><th scope="col">${kind}</th></tr></thead>
<tbody>
${joinHtml(
  issues.map(
    (issue) =>
      html`<tr>${cell(issue.sheet)}${cell(issue.row)}${cell(issue.column)}${cell(issue.value, true)}<td class="long">${issue.message} <span class="code">(${issue.code})</span></td></tr>`,
  ),
  '\n',
)}
</tbody>
</table>`;
}

/**
 * The receipt as a complete HTML page. With `options.annotatedCopy`, a refused upload's
 * page names (and links) the copy of the workbook with the errors marked.
 */
export function receiptHtml(receipt: AnyReceipt, options: ReceiptHtmlOptions = {}): string {
  const { label, symbol, tone } = outcome(receipt);
  const heading = subject(receipt, options.committeeName);
  const errorList = 'errors' in receipt ? receipt.errors : [];
  const warnings = 'warnings' in receipt ? receipt.warnings : [];
  const annotated =
    options.annotatedCopy !== undefined &&
    receipt.status === 'rejected' &&
    html`<p>En kopia av din fil där varje fel är markerat (rödmarkerad cell med en kommentar) finns bredvid kvittot: ${link(encodeURIComponent(options.annotatedCopy), options.annotatedCopy)}.</p>\n`;
  const errors =
    errorList.length > 0
      ? html`<h2>${receipt.status === 'failed' ? 'Vad som hände' : `Fel som måste rättas (${errorList.length})`}</h2>
${issueTable(`Fel, ${errorList.length} st.`, errorList, 'Fel')}\n`
      : receipt.status !== 'removed' && receipt.kind !== 'reopening' && html`<h2>Fel</h2>\n<p>Inga fel.</p>\n`;
  // The files a close put in the document, one a line: names from staff, so a list, not a joined string.
  const files =
    receipt.kind === 'closure' &&
    receipt.uploads !== undefined &&
    html`<h2>Filer som ingår (${receipt.uploads.length})</h2>
${
  receipt.uploads.length > 0
    ? html`<ul>\n${joinHtml(
        receipt.uploads.map((name) => html`<li>${name}</li>`),
        '\n',
      )}\n</ul>`
    : html`<p>Inga filer ingår.</p>`
}\n`;
  const warningPart =
    warnings.length > 0 &&
    html`<h2>Varningar (${warnings.length})</h2>
<p>Varningar stoppar inget, men kontrollera att det blev som du menade.</p>
${issueTable(`Varningar, ${warnings.length} st.`, warnings, 'Varning')}\n`;
  const body = html`<main>
<h1>${heading}</h1>
<p><span class="status ${tone}"><span aria-hidden="true">${symbol}</span> ${label}</span></p>
<p class="message">${receipt.message}</p>
${annotated}<dl>
${joinHtml(
  facts(receipt, options.committeeName).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`),
  '\n',
)}
</dl>
${files}${errors}${warningPart}</main>`;
  return htmlDocument({ title: `${label}: ${heading}`, body, contentSecurityPolicy: RECEIPT_CSP });
}

/** Nothing but the page's own styles: no scripts, nothing loaded from elsewhere. */
export const RECEIPT_CSP = "default-src 'none'; style-src 'unsafe-inline'";
