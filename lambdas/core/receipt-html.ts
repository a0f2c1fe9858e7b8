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
import { html, htmlDocument, joinHtml, link, type Html } from './html.js';
import type { ClosureReceipt, TemplateReceipt, UploadReceipt } from './receipt.js';

export interface ReceiptHtmlOptions {
  /**
   * The name of the refused workbook's marked copy, in the same folder as the page
   * (`annotatedUploadKey`'s last segment); linked from the page when given.
   */
  readonly annotatedCopy?: string;
}

type AnyReceipt = UploadReceipt | ClosureReceipt | TemplateReceipt;

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
  }
}

function subject(receipt: AnyReceipt): string {
  switch (receipt.kind) {
    case 'upload':
      return `Kvitto för ${receipt.file}`;
    case 'closure':
      return `Stängning av ${receipt.period}`;
    case 'template':
      return `Mall för ${receipt.committee}`;
  }
}

/** `2024-02-06T09:05:00.000Z` → `6 februari 2024 kl. 10:05` (Swedish time). */
function swedishTime(iso: string): string {
  return stockholmLong(iso);
}

function facts(receipt: AnyReceipt): [string, string][] {
  const rows: [string, string][] = [];
  if (receipt.kind === 'upload') {
    rows.push(['Fil', receipt.file], ['Tertial', receipt.period], ['Sökväg i S3', receipt.key]);
    if (receipt.counts) {
      rows.push(['Mål', String(receipt.counts.goals)], ['Aktiviteter', String(receipt.counts.activities)]);
      if (receipt.counts.caseSections > 0) rows.push(['Ärendetexter', String(receipt.counts.caseSections)]);
    }
  } else if (receipt.kind === 'closure') {
    rows.push(['Tertial', receipt.period]);
    if (receipt.document) rows.push(['Dokument', receipt.document]);
    if (receipt.counts)
      rows.push(['Mål', String(receipt.counts.goals)], ['Aktiviteter', String(receipt.counts.activities)]);
    if (receipt.uploads && receipt.uploads.length > 0) rows.push(['Filer', receipt.uploads.join(', ')]);
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
  const heading = subject(receipt);
  const warnings = 'warnings' in receipt ? receipt.warnings : [];
  const annotated =
    options.annotatedCopy !== undefined &&
    receipt.status === 'rejected' &&
    html`<p>En kopia av din fil där varje fel är markerat (rödmarkerad cell med en kommentar) finns bredvid kvittot: ${link(encodeURIComponent(options.annotatedCopy), options.annotatedCopy)}.</p>\n`;
  const errors =
    receipt.errors.length > 0
      ? html`<h2>${receipt.status === 'failed' ? 'Vad som hände' : `Fel som måste rättas (${receipt.errors.length})`}</h2>
${issueTable(`Fel, ${receipt.errors.length} st.`, receipt.errors, 'Fel')}\n`
      : receipt.status !== 'removed' && html`<h2>Fel</h2>\n<p>Inga fel.</p>\n`;
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
  facts(receipt).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`),
  '\n',
)}
</dl>
${errors}${warningPart}</main>`;
  return htmlDocument({ title: `${label}: ${heading}`, body, contentSecurityPolicy: RECEIPT_CSP });
}

/** Nothing but the page's own styles: no scripts, nothing loaded from elsewhere. */
export const RECEIPT_CSP = "default-src 'none'; style-src 'unsafe-inline'";
