/**
 * The one HTML module: every page staff read (status pages, receipts, the web server's
 * own pages) is built with the `html` tagged template, which escapes every interpolated
 * value unless it is already `Html`. Text from uploads, templates and settings (file
 * names, cell values, goal titles, messages) cannot become markup by a forgotten call:
 * markup passes only as `Html`, made by `html` itself or, for a literal string the code
 * owns, by `trustedHtml` (named so that a reviewer sees every such place).
 *
 * One layout (`htmlDocument`) and one stylesheet (`STYLESHEET`) for all pages. The
 * stylesheet is inlined, so a page opened on its own still looks right; a server's
 * Content-Security-Policy can allow exactly it by its hash (`lambdas/web/headers.ts`).
 */

/** A fragment of markup. Made only by `html` and `trustedHtml`. */
export class Html {
  readonly #markup: string;
  private constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
  /** @internal the only way in; see `html` and `trustedHtml`. */
  static of(markup: string): Html {
    return new Html(markup);
  }
}

/** What may be interpolated: text (escaped), numbers, markup, lists of them, or nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and for attribute values in either kind of quotes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  // `false`, `null` and `undefined` render nothing, so `${cond && html`…`}` reads naturally.
  if (value === undefined || value === null || value === false) return '';
  if (value === true) return '';
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<td>${name}</td>\``; every value is escaped unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] as string);
  return Html.of(out);
}

/**
 * Markup the code itself wrote, passed through unescaped. Never call it with text that
 * came from a file, a request or the table.
 */
export function trustedHtml(markup: string): Html {
  return Html.of(markup);
}

/** Joins fragments with a separator (itself markup). */
export function joinHtml(parts: readonly Html[], separator: Html | string = ''): Html {
  return Html.of(parts.map(String).join(render(separator)));
}

/** A link; `ariaLabel` when the visible text alone is ambiguous (a table cell saying "JSON"). */
export function link(href: string, text: string, ariaLabel?: string): Html {
  return ariaLabel === undefined
    ? html`<a href="${href}">${text}</a>`
    : html`<a href="${href}" aria-label="${ariaLabel}">${text}</a>`;
}

// ---------------------------------------------------------------------------------------
// The stylesheet

/** Every page's styles, in one place. Kept free of `url()` and `@import`: pages load nothing. */
export const STYLESHEET = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: #1b1b1b; background: #fff; }
main, .wrap { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; border-bottom: 2px solid #d0d4da; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 0.25rem; }
p, ul, dl { margin: 0.5rem 0; }
.lead { color: #3d4451; }
a { color: #0b4fa8; text-decoration: underline; text-underline-offset: 0.15em; }
a:visited { color: #5a2d91; }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #1b1b1b; outline-offset: 2px; }
a:focus-visible { background: #ffe89a; color: #1b1b1b; }
.state { display: inline-block; font-size: 1.15rem; font-weight: 700; padding: 0.35rem 0.8rem; border: 2px solid currentColor; border-radius: 0.4rem; margin: 0.25rem 0; }
.state-open { color: #0d5a2c; background: #e6f4ea; }
.state-closed { color: #1b1b1b; background: #eceff3; }
.state-none { color: #3d4451; background: #f5f6f8; }
.status { display: inline-block; padding: 0.4rem 0.8rem; border: 2px solid; border-radius: 0.3rem; font-weight: 700; font-size: 1.1rem; }
.status.ok, .tone-ok { color: #0d5a2c; background: #e6f4ea; }
.status.bad, .tone-bad { color: #8f1414; background: #fdecec; }
.status.neutral, .tone-neutral { color: #3d4451; background: #f1f2f4; }
.message { font-size: 1.1rem; max-width: 60rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 700; }
dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; min-width: 20rem; }
main > table { width: 100%; }
caption { text-align: left; font-weight: 700; padding: 0.25rem 0; }
th, td { border: 1px solid #767676; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #eceff3; white-space: nowrap; }
tbody th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.long { overflow-wrap: anywhere; }
td.none { color: #4a5160; }
.code { color: #4a5160; font-size: 0.9em; }
.badge { display: inline-block; white-space: nowrap; padding: 0 0.4rem; border: 1px solid currentColor; border-radius: 0.3rem; font-weight: 600; }
.notice { border-left: 0.35rem solid #8f1414; background: #fdecec; padding: 0.5rem 0.8rem; }
.muted { color: #4a5160; }
.actions form { border: 1px solid #8c939d; border-radius: 0.4rem; padding: 0.75rem 1rem; margin: 0.75rem 0; }
.actions label { display: block; font-weight: 600; margin: 0.5rem 0 0.2rem; }
.actions input[type="text"], .actions input[type="date"] { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid #5a606b; border-radius: 0.3rem; min-width: 16rem; }
.actions button { font: inherit; font-weight: 600; margin-top: 0.75rem; padding: 0.4rem 1rem; border: 2px solid #0b4fa8; border-radius: 0.3rem; background: #0b4fa8; color: #fff; cursor: pointer; }
.dropzone { border: 2px dashed #5a606b; border-radius: 0.4rem; padding: 1rem; text-align: center; }
.dropzone.over { background: #e8f0fb; border-color: #0b4fa8; }
.progress { font-weight: 600; }
footer { margin-top: 2rem; border-top: 1px solid #d0d4da; font-size: 0.9rem; color: #4a5160; }
@media print { a { color: #1b1b1b; } .table-wrap { overflow: visible; } .actions { display: none; } }
`;

// ---------------------------------------------------------------------------------------
// The layout

export interface DocumentOptions {
  /** The `<title>`, as text. */
  readonly title: string;
  readonly body: Html;
  /**
   * The page's own Content-Security-Policy (a `<meta>`): it holds wherever the page is
   * opened from; a server may send a stricter one beside it (both apply).
   */
  readonly contentSecurityPolicy: string;
  /** Pages that are not for search engines (all of ours). */
  readonly noindex?: boolean;
  /** Same-origin scripts by path (CSP: `script-src 'self'`; never an inline script). */
  readonly scripts?: readonly string[];
}

/** A complete page: the one layout, Swedish, with the one stylesheet. */
export function htmlDocument(options: DocumentOptions): string {
  // A policy is the code's own constant; kept readable (quotes unescaped) and refused if it could break out.
  if (/["<>&]/.test(options.contentSecurityPolicy))
    throw new Error('a Content-Security-Policy may not hold ", <, > or &');
  const csp = trustedHtml(options.contentSecurityPolicy);
  const scripts = (options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>\n`);
  return `${html`<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
${options.noindex ? html`<meta name="robots" content="noindex">\n` : ''}<title>${options.title}</title>
<style>${trustedHtml(STYLESHEET)}</style>
${scripts}</head>
<body>
${options.body}
</body>
</html>
`}`;
}
