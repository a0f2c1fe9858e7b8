/**
 * Receipts as pages people read: the same facts as the JSON receipt (receipt.ts), as one
 * self-contained HTML page staff can open from the S3 console. Swedish, accessible
 * (one `<h1>`, a table with column headers, the outcome in words and a symbol, not in
 * colour alone), inline CSS only, no scripts and nothing loaded from elsewhere (a
 * Content-Security-Policy says so to the browser too). Every value from a receipt is
 * HTML-escaped: file names, cell values and messages come from staff files.
 */
import { stockholmLong } from './time.js';
import type { InputIssue } from './domain.js';
import type { ClosureReceipt, TemplateReceipt, UploadReceipt } from './receipt.js';

export interface ReceiptHtmlOptions {
  /**
   * The name of the refused workbook's marked copy, in the same folder as the page
   * (`annotatedUploadKey`'s last segment); linked from the page when given.
   */
  readonly annotatedCopy?: string;
}

type AnyReceipt = UploadReceipt | ClosureReceipt | TemplateReceipt;

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

type Tone = 'ok' | 'bad' | 'neutral';

/** The outcome in words with a symbol: what a person reads first. */
function outcome(receipt: AnyReceipt): { label: string; symbol: string; tone: Tone } {
  switch (receipt.status) {
    case 'accepted':
      return { label: receipt.kind === 'template' ? 'Godkänd' : 'Mottagen', symbol: '✓', tone: 'ok' };
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
    if (receipt.counts) rows.push(['Mål', String(receipt.counts.goals)], ['Aktiviteter', String(receipt.counts.activities)]);
    if (receipt.uploads && receipt.uploads.length > 0) rows.push(['Filer', receipt.uploads.join(', ')]);
  } else {
    rows.push(['Nämnd', receipt.committee], ['Mall', receipt.key]);
  }
  rows.push(['Mottagen', swedishTime(receipt.receivedAt)]);
  return rows;
}

function issueTable(caption: string, issues: readonly InputIssue[]): string {
  const cell = (value: string | number | undefined, long = false): string =>
    value === undefined || value === '' ? '<td class="none">–</td>' : `<td${long ? ' class="long"' : ''}>${escapeHtml(String(value))}</td>`;
  const rows = issues
    .map(
      (issue) =>
        `<tr>${cell(issue.sheet)}${cell(issue.row)}${cell(issue.column)}${cell(issue.value, true)}` +
        `<td class="long">${escapeHtml(issue.message)} <span class="code">(${escapeHtml(issue.code)})</span></td></tr>`,
    )
    .join('\n');
  return (
    `<table>\n<caption>${escapeHtml(caption)}</caption>\n` +
    '<thead><tr><th scope="col">Blad</th><th scope="col">Rad</th><th scope="col">Kolumn</th><th scope="col">Värde</th><th scope="col">Fel</th></tr></thead>\n' +
    `<tbody>\n${rows}\n</tbody>\n</table>`
  );
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 70rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; }
.status { display: inline-block; padding: 0.4rem 0.8rem; border: 2px solid; border-radius: 0.3rem; font-weight: bold; font-size: 1.1rem; }
.status.ok { color: #0b5d1e; background: #e6f4ea; }
.status.bad { color: #8a1111; background: #fdecea; }
.status.neutral { color: #333; background: #f1f1f1; }
.message { font-size: 1.1rem; max-width: 60rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #767676; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #e8e8e8; white-space: nowrap; }
td.long { overflow-wrap: anywhere; }
td.none { color: #555; }
.code { color: #555; font-size: 0.9em; }
`;

/**
 * The receipt as a complete HTML page. With `options.annotatedCopy`, a refused upload's
 * page names (and links) the copy of the workbook with the errors marked.
 */
export function receiptHtml(receipt: AnyReceipt, options: ReceiptHtmlOptions = {}): string {
  const { label, symbol, tone } = outcome(receipt);
  const heading = subject(receipt);
  const warnings = 'warnings' in receipt ? receipt.warnings : [];
  const parts: string[] = [];
  parts.push(`<h1>${escapeHtml(heading)}</h1>`);
  parts.push(`<p><span class="status ${tone}"><span aria-hidden="true">${symbol}</span> ${escapeHtml(label)}</span></p>`);
  parts.push(`<p class="message">${escapeHtml(receipt.message)}</p>`);
  if (options.annotatedCopy && receipt.status === 'rejected') {
    const href = encodeURIComponent(options.annotatedCopy);
    parts.push(
      `<p>En kopia av din fil där varje fel är markerat (rödmarkerad cell med en kommentar) finns bredvid kvittot: ` +
        `<a href="${escapeHtml(href)}">${escapeHtml(options.annotatedCopy)}</a>.</p>`,
    );
  }
  parts.push(`<dl>\n${facts(receipt).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}\n</dl>`);

  if (receipt.errors.length > 0) {
    const title = receipt.status === 'failed' ? 'Vad som hände' : `Fel som måste rättas (${receipt.errors.length})`;
    parts.push(`<h2>${escapeHtml(title)}</h2>`);
    parts.push(issueTable(`Fel, ${receipt.errors.length} st.`, receipt.errors));
  } else if (receipt.status !== 'removed') {
    parts.push('<h2>Fel</h2>\n<p>Inga fel.</p>');
  }
  if (warnings.length > 0) {
    parts.push(`<h2>Varningar (${warnings.length})</h2>`);
    parts.push('<p>Varningar stoppar inget, men kontrollera att det blev som du menade.</p>');
    parts.push(issueTable(`Varningar, ${warnings.length} st.`, warnings));
  }

  return `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(`${label}: ${heading}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${parts.join('\n')}
</main>
</body>
</html>
`;
}
