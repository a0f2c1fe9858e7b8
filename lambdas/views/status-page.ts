/**
 * The period's status page, `status/{committee}/{year}/T{n}/index.html` in the output
 * bucket: one self-contained HTML page (the one layout and stylesheet of `core/html.ts`,
 * no external resources)
 * that tells staff and the secretary where the tertial stands: open or closed, every
 * upload with its outcome and receipt, what the report holds so far, and links to the
 * draft and the final document. Rewritten after every event.
 *
 * `statusPageModel` and `statusPageHtml` are pure; `refreshStatusPage` reads and writes.
 * Links are relative to the page (`../../../../receipts/…`), so they work in any place
 * that serves the bucket's keys as paths: the local web server, a static website or a
 * CloudFront distribution in front of the bucket.
 */
import { compareInstants, stockholmMinute } from '../core/time.js';
import { combinePeriod } from '../core/combined-period.js';
import { genericCommitteeConfig, type CommitteeConfig } from '../core/committee.js';
import { ACTIVITY_STATUSES, formatPeriod, type ActivityStatus, type Period } from '../core/domain.js';
import { html, htmlDocument, joinHtml, link, type Html } from '../core/html.js';
import {
  annotatedUploadKey,
  closureReceiptHtmlKey,
  closureReceiptKey,
  documentKey,
  documentsPrefix,
  draftKey,
  hrefFromPeriodPage,
  pathFromStatusPage,
  pdfKey,
  receiptsPrefix,
  reopeningReceiptHtmlKey,
  reopeningReceiptKey,
  statusPageKey,
  templateReceiptKey,
  uploadNameOfReceiptKey,
  uploadReceiptHtmlKey,
  uploadReceiptKey,
} from '../core/keys.js';
import type { ClosureReceipt, ReopeningReceipt, UploadReceipt } from '../core/receipt.js';
import { parseReceipt, type Receipt } from '../core/receipt-schema.js';
import { CONTENT_TYPES, type ListedObject } from '../storage/objects.js';
import type { AcceptedTemplate } from '../storage/repository.js';
import type { ViewDeps } from './deps.js';
import type { DraftResult } from './draft.js';
import type { PeriodSnapshot } from './snapshot.js';

// ---------------------------------------------------------------------------------------
// The model

export type UploadOutcome = 'accepted' | 'rejected' | 'removed' | 'failed' | 'refused_closed';

export interface UploadRow {
  readonly name: string;
  /** When the latest event for the file happened (ISO). */
  readonly at: string;
  readonly outcome: UploadOutcome;
  /** A version of the file is in the report (this one, or an earlier accepted one). */
  readonly inForce: boolean;
  /** Counts of the version in force; zero when none is. */
  readonly counts: { readonly goals: number; readonly activities: number; readonly caseSections: number };
  readonly errors: number;
  readonly warnings: number;
  readonly receiptHref?: string;
  readonly receiptHtmlHref?: string;
  /** The refused workbook with its errors marked, when one was written. */
  readonly annotatedHref?: string;
}

export interface GoalRow {
  readonly heading: string;
  readonly assessment: string;
  readonly activities: number;
  /** Activities name the goal, but no upload defines it. */
  readonly undefinedGoal: boolean;
}

export interface StatusPageModel {
  readonly period: Period;
  readonly committeeName: string;
  readonly municipality: string;
  /** When the page was written (ISO). */
  readonly generatedAt: string;
  readonly state: 'none' | 'open' | 'closed';
  readonly closure?: {
    readonly closedAt: string;
    readonly diarienummer?: string;
    readonly meetingDate?: string;
    readonly documentDate?: string;
    readonly committeeTemplate: boolean;
  };
  /** The latest closing receipt (a refused close leaves the tertial open). */
  readonly closeReceipt?: {
    readonly status: 'closed' | 'rejected';
    readonly receivedAt: string;
    readonly message: string;
    readonly errors: readonly string[];
    readonly href: string;
    /** The receipt's page, when it was written (receipts of older closes have none). */
    readonly htmlHref?: string;
  };
  /** The tertial was closed and opened again (shown while it is open). */
  readonly reopening?: {
    readonly receivedAt: string;
    readonly href: string;
    /** The receipt's page, when it was written. */
    readonly htmlHref?: string;
  };
  readonly uploads: readonly UploadRow[];
  readonly goals: readonly GoalRow[];
  readonly activitiesByStatus: readonly { readonly status: ActivityStatus; readonly count: number }[];
  /** Conflicts and loose ends the close would report (Swedish). */
  readonly reportWarnings: readonly string[];
  readonly draft?: { readonly href: string; readonly updatedAt?: string };
  /** Why the draft could not be brought up to date (Swedish), if it could not. */
  readonly draftProblems: readonly string[];
  readonly document?: { readonly href: string; readonly pdfHref?: string };
  readonly template: {
    readonly committeeTemplate: boolean;
    readonly acceptedAt?: string;
    readonly receiptHref?: string;
  };
}

/** A key of the output bucket as a link from the status page. */
export function hrefFromStatusPage(key: string): string {
  return hrefFromPeriodPage(key);
}

export interface StatusPageInput {
  readonly snapshot: PeriodSnapshot;
  readonly now: Date;
  /** The objects under the period's receipts folder. */
  readonly receiptObjects: readonly ListedObject[];
  /** The period's upload receipts, by upload name. */
  readonly uploadReceipts: ReadonlyMap<string, UploadReceipt>;
  readonly closeReceipt?: ClosureReceipt;
  readonly reopeningReceipt?: ReopeningReceipt;
  readonly draftObject?: ListedObject;
  readonly draft?: DraftResult;
  readonly documentExists: boolean;
  /** The PDF beside the document exists. */
  readonly pdfExists?: boolean;
  readonly acceptedTemplate?: AcceptedTemplate;
  readonly templateReceiptExists: boolean;
}

/** Builds the page's model from what was read. Pure. */
export function statusPageModel(input: StatusPageInput): StatusPageModel {
  const { snapshot } = input;
  const { period, record, settings } = snapshot;
  const config: CommitteeConfig = settings.ok ? settings.config : genericCommitteeConfig(period.committee);
  const receiptKeys = new Set(input.receiptObjects.map((o) => o.key));

  const combined = combinePeriod(
    snapshot.uploads.map((u) => ({ name: u.name, content: u.content })),
    config,
  );
  const goals: GoalRow[] = combined.goals.map((g) => ({
    heading: g.heading,
    assessment: g.assessment,
    activities: g.activities.length,
    undefinedGoal: g.isUndefinedGoal,
  }));
  const activitiesByStatus = ACTIVITY_STATUSES.map((status) => ({
    status,
    count: combined.goals.reduce((n, g) => n + g.activities.filter((a) => a.status === status).length, 0),
  }));

  const names = new Set([...Object.keys(record?.files ?? {}), ...input.uploadReceipts.keys()]);
  const uploads = [...names]
    .sort((a, b) => a.localeCompare(b, 'sv'))
    .map((name): UploadRow => {
      const entry = record?.files[name];
      const receipt = input.uploadReceipts.get(name);
      const jsonKey = uploadReceiptKey(period, name);
      const htmlKey = uploadReceiptHtmlKey(period, name);
      const annotatedKey = name.endsWith('.xlsx') ? annotatedUploadKey(period, name) : undefined;
      // The receipt is written after the table, so it can only be newer than the entry's event.
      const receiptIsLatest =
        receipt !== undefined && (entry === undefined || compareInstants(receipt.receivedAt, entry.lastEventAt) >= 0);
      return {
        name,
        at: receiptIsLatest ? receipt.receivedAt : (entry?.lastEventAt ?? receipt?.receivedAt ?? ''),
        outcome: receiptIsLatest ? receiptOutcome(receipt) : entryOutcome(entry),
        inForce: entry?.generation !== undefined,
        counts:
          entry?.generation !== undefined && entry.counts ? entry.counts : { goals: 0, activities: 0, caseSections: 0 },
        errors: receiptIsLatest ? receipt.errors.length : 0,
        warnings: receiptIsLatest ? receipt.warnings.length : 0,
        ...(receiptKeys.has(jsonKey) ? { receiptHref: hrefFromStatusPage(jsonKey) } : {}),
        ...(receiptKeys.has(htmlKey) ? { receiptHtmlHref: hrefFromStatusPage(htmlKey) } : {}),
        // Only while the file's latest outcome is a refusal: an accepted version makes the old copy moot.
        ...(annotatedKey && receiptKeys.has(annotatedKey) && receiptIsLatest && receipt.status === 'rejected'
          ? { annotatedHref: hrefFromStatusPage(annotatedKey) }
          : {}),
      };
    });

  const draftProblems =
    input.draft?.status === 'failed'
      ? input.draft.errors.map((e) => e.message)
      : settings.ok
        ? []
        : settings.errors.map((e) => e.message);
  const closure = record?.closure;
  const close = input.closeReceipt;
  return {
    period,
    committeeName: config.displayName,
    municipality: config.municipality,
    generatedAt: input.now.toISOString(),
    state: !record ? 'none' : record.state === 'CLOSED' ? 'closed' : 'open',
    ...(record?.state === 'CLOSED' && closure
      ? {
          closure: {
            closedAt: closure.closedAt,
            ...(closure.closure.diarienummer ? { diarienummer: closure.closure.diarienummer } : {}),
            ...(closure.closure.meetingDate ? { meetingDate: closure.closure.meetingDate } : {}),
            ...(closure.closure.documentDate ? { documentDate: closure.closure.documentDate } : {}),
            committeeTemplate: closure.template !== undefined && closure.template !== 'default',
          },
        }
      : {}),
    ...(close
      ? {
          closeReceipt: {
            status: close.status,
            receivedAt: close.receivedAt,
            message: close.message,
            errors: close.errors.map((e) => e.message),
            href: hrefFromStatusPage(closureReceiptKey(period)),
            ...(receiptKeys.has(closureReceiptHtmlKey(period))
              ? { htmlHref: hrefFromStatusPage(closureReceiptHtmlKey(period)) }
              : {}),
          },
        }
      : {}),
    ...(record?.state === 'OPEN' && input.reopeningReceipt?.status === 'reopened'
      ? {
          reopening: {
            receivedAt: input.reopeningReceipt.receivedAt,
            href: hrefFromStatusPage(reopeningReceiptKey(period)),
            ...(receiptKeys.has(reopeningReceiptHtmlKey(period))
              ? { htmlHref: hrefFromStatusPage(reopeningReceiptHtmlKey(period)) }
              : {}),
          },
        }
      : {}),
    uploads,
    goals,
    activitiesByStatus,
    reportWarnings: combined.warnings.map((w) => w.message),
    ...(input.draftObject
      ? {
          draft: {
            href: hrefFromStatusPage(input.draftObject.key),
            updatedAt: input.draftObject.lastModified.toISOString(),
          },
        }
      : {}),
    draftProblems,
    ...(input.documentExists
      ? {
          document: {
            href: hrefFromStatusPage(closure?.documentKey ?? documentKey(period)),
            ...(input.pdfExists ? { pdfHref: hrefFromStatusPage(pdfKey(period)) } : {}),
          },
        }
      : {}),
    template: {
      committeeTemplate: input.acceptedTemplate !== undefined,
      ...(input.acceptedTemplate ? { acceptedAt: input.acceptedTemplate.acceptedAt } : {}),
      ...(input.templateReceiptExists ? { receiptHref: hrefFromStatusPage(templateReceiptKey(period.committee)) } : {}),
    },
  };
}

function receiptOutcome(receipt: UploadReceipt): UploadOutcome {
  if (receipt.status === 'rejected' && receipt.errors.some((e) => e.code === 'period_closed')) return 'refused_closed';
  return receipt.status;
}

function entryOutcome(entry: { lastOutcome: 'accepted' | 'rejected' | 'deleted' } | undefined): UploadOutcome {
  return entry?.lastOutcome === 'deleted' ? 'removed' : (entry?.lastOutcome ?? 'failed');
}

// ---------------------------------------------------------------------------------------
// The page

const OUTCOMES: Record<UploadOutcome, { label: string; symbol: string; tone: 'ok' | 'bad' | 'neutral' }> = {
  accepted: { label: 'Godkänd', symbol: '✓', tone: 'ok' },
  rejected: { label: 'Avvisad', symbol: '✕', tone: 'bad' },
  refused_closed: { label: 'Avvisad, tertialen är stängd', symbol: '✕', tone: 'bad' },
  removed: { label: 'Borttagen', symbol: '–', tone: 'neutral' },
  failed: { label: 'Tekniskt fel, försöker igen', symbol: '!', tone: 'bad' },
};

/**
 * Nothing from elsewhere and no inline script: the one script is the web server's own
 * static file (`/assets/tertial.js`, same origin), which offers the upload to a signed-in
 * person; it may send a file to the uploads bucket (`connect-src`). Opened anywhere
 * else, the script is simply not found and the page stays inert. The server sends a
 * stricter policy beside this one (both apply), naming the one bucket address.
 */
export const STATUS_PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self' https: http://127.0.0.1:* http://localhost:*; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** The page script, relative to the page, so it is the serving host's own. */
const PAGE_SCRIPT_FROM_STATUS_PAGE = pathFromStatusPage('assets/tertial.js');

/** The page for a model. Pure: the same model gives the same bytes. */
export function statusPageHtml(model: StatusPageModel): string {
  const { period } = model;
  const periodText = `tertial ${period.tertial} ${period.year}`;
  const title = `${model.committeeName}, ${periodText}`;
  const body = html`<main>
<h1>${model.committeeName}: måluppföljning ${periodText}</h1>
<p class="lead">${model.municipality}. Sidan visar läget för tertialen, uppdaterades ${time(model.generatedAt)} och skrivs om efter varje uppladdning och stängning.</p>
${stateSection(model)}
${actionsPlaceholder(model)}
${documentsSection(model)}
${uploadsSection(model)}
${contentSection(model)}
</main>
<footer><div class="wrap">
<p>Perioden ${formatPeriod(period)}. Sidan, kvittona och dokumenten ligger i utdatabucketen; länkarna går till dem.</p>
</div></footer>`;
  return htmlDocument({
    title: `Status: ${title}`,
    body,
    contentSecurityPolicy: STATUS_PAGE_CSP,
    noindex: true,
    scripts: [PAGE_SCRIPT_FROM_STATUS_PAGE],
  });
}

/**
 * Where the page script puts the upload, the close and the template upload for a
 * signed-in person; hidden (and empty) until the server says what the person may do.
 */
function actionsPlaceholder(model: StatusPageModel): Html {
  const { period } = model;
  return html`<section id="tertial-actions" class="actions" aria-labelledby="atgarder" data-committee="${period.committee}" data-year="${period.year}" data-tertial="${period.tertial}" data-state="${model.state}" hidden></section>`;
}

function stateSection(model: StatusPageModel): Html {
  let state: Html;
  if (model.state === 'closed') {
    const c = model.closure;
    state = html`<p class="state state-closed"><span aria-hidden="true">■</span> <strong>Stängd</strong></p>
<p>Tertialen är stängd. Nya filer tas inte emot och nämndens dokument är skapat.</p>
${
  c &&
  html`<dl class="facts">
<dt>Tidpunkt</dt><dd>${time(c.closedAt)}</dd>
${c.diarienummer && html`<dt>Diarienummer</dt><dd>${c.diarienummer}</dd>\n`}${c.meetingDate && html`<dt>Sammanträde</dt><dd>${c.meetingDate}</dd>\n`}${
    c.documentDate && html`<dt>Dokumentdatum</dt><dd>${c.documentDate}</dd>\n`
  }<dt>Mall</dt><dd>${c.committeeTemplate ? 'Nämndens egen mall' : 'Standardmallen'}</dd>
${model.closeReceipt && html`<dt>Stängningen</dt><dd>${receiptLinks(model.closeReceipt, 'Kvitto för stängningen')}</dd>\n`}</dl>`
}`;
  } else if (model.state === 'open') {
    state = html`<p class="state state-open"><span aria-hidden="true">●</span> <strong>Öppen</strong></p>
<p>Tertialen är öppen: nya filer tas emot och utkastet uppdateras efter varje ändring. Nämndens dokument skapas när tertialen stängs.</p>
${
  model.reopening &&
  html`<p>Tertialen öppnades igen ${time(model.reopening.receivedAt)}; nästa stängning skriver en ny version av dokumentet. ${receiptLinks(model.reopening, 'Kvitto för öppningen')}</p>\n`
}`;
  } else {
    state = html`<p class="state state-none"><span aria-hidden="true">○</span> <strong>Inget uppladdat ännu</strong></p>`;
  }
  const close = model.closeReceipt;
  const refusedClose =
    close?.status === 'rejected' &&
    model.state !== 'closed' &&
    html`<div class="notice">
<p><strong>Senaste försöket att stänga avvisades</strong> ${time(close.receivedAt)}: ${close.message}</p>
${close.errors.length > 0 && html`<ul>${close.errors.map((e) => html`<li>${e}</li>`)}</ul>\n`}<p>${receiptLinks(close, 'Kvitto för stängningsförsöket')}</p>
</div>`;
  return html`<section aria-labelledby="lage">
<h2 id="lage">Läge</h2>
${state}
${refusedClose}
</section>`;
}

/** A close's or reopening's receipt page (when there is one) and its JSON, like each upload's. */
function receiptLinks(receipt: { readonly href: string; readonly htmlHref?: string }, label: string): Html {
  const json = link(receipt.href, `${label} (JSON)`);
  return receipt.htmlHref ? html`${link(receipt.htmlHref, label)} · ${json}` : json;
}

function documentsSection(model: StatusPageModel): Html {
  const fileName = (href: string) => decodeURIComponent(href.slice(href.lastIndexOf('/') + 1));
  const items: Html[] = [];
  if (model.document) {
    const label = model.state === 'closed' ? 'Nämndens dokument' : 'Nämndens dokument från den senaste stängningen';
    const pdf =
      model.document.pdfHref &&
      html` och ${link(model.document.pdfHref, `som PDF (${fileName(model.document.pdfHref)})`)}`;
    items.push(html`<li>${link(model.document.href, `${label} (Word, ${fileName(model.document.href)})`)}${pdf}</li>`);
  } else {
    items.push(html`<li>Nämndens dokument: skapas när tertialen stängs.</li>`);
  }
  if (model.state !== 'closed') {
    if (model.draft) {
      const when = model.draft.updatedAt && html`, uppdaterat ${time(model.draft.updatedAt)}`;
      items.push(
        html`<li>${link(model.draft.href, `Utkast (Word, ${fileName(model.draft.href)})`)}${when}. Så ser dokumentet ut om tertialen stängs nu.</li>`,
      );
    } else {
      items.push(html`<li>Utkast: skapas efter den första godkända filen.</li>`);
    }
    // A closed period's template is in its closure (above); this is the one the next render uses.
    const template = model.template;
    const templateText = template.committeeTemplate
      ? html`nämndens egen mall${template.acceptedAt && html`, godkänd ${time(template.acceptedAt)}`}`
      : 'standardmallen';
    items.push(
      html`<li>Mall: ${templateText}.${template.receiptHref && html` ${link(template.receiptHref, 'Kvitto för senast uppladdade mall (JSON)')}`}</li>`,
    );
  }
  const problems =
    model.draftProblems.length > 0 &&
    model.state !== 'closed' &&
    html`<div class="notice">
<p><strong>Utkastet kunde inte uppdateras.</strong> ${model.draft ? 'Utkastet ovan visar läget före den senaste ändringen. ' : ''}Samma fel hindrar stängningen:</p>
<ul>${model.draftProblems.map((p) => html`<li>${p}</li>`)}</ul>
</div>`;
  return html`<section aria-labelledby="dokument">
<h2 id="dokument">Dokument</h2>
<ul>
${joinHtml(items, '\n')}
</ul>
${problems}
</section>`;
}

function uploadsSection(model: StatusPageModel): Html {
  if (model.uploads.length === 0) {
    return html`<section aria-labelledby="filer">
<h2 id="filer">Uppladdade filer</h2>
<p>Inga filer har laddats upp.</p>
</section>`;
  }
  const inForce = model.uploads.filter((u) => u.inForce).length;
  const rows = model.uploads.map((u) => {
    const o = OUTCOMES[u.outcome];
    const receipts = [
      u.receiptHtmlHref ? link(u.receiptHtmlHref, 'Kvitto', `Kvitto för ${u.name}`) : undefined,
      u.receiptHref ? link(u.receiptHref, 'JSON', `Kvitto för ${u.name} som JSON`) : undefined,
      u.annotatedHref ? link(u.annotatedHref, 'Filen med felen markerade', `${u.name} med felen markerade`) : undefined,
    ].filter((r): r is Html => r !== undefined);
    const inForceText = u.inForce ? (u.outcome === 'accepted' ? 'Ja' : 'Ja, en tidigare version') : 'Nej';
    return html`<tr><th scope="row">${u.name}</th><td>${u.at ? time(u.at) : '–'}</td><td><span class="badge tone-${o.tone}"><span aria-hidden="true">${o.symbol} </span>${o.label}</span></td><td>${inForceText}</td><td class="num">${u.counts.goals}</td><td class="num">${u.counts.activities}</td><td class="num">${u.counts.caseSections}</td><td class="num">${u.errors}</td><td class="num">${u.warnings}</td><td>${receipts.length > 0 ? joinHtml(receipts, ' · ') : 'saknas'}</td></tr>\n`;
  });
  return html`<section aria-labelledby="filer">
<h2 id="filer">Uppladdade filer</h2>
<p>${count(model.uploads.length, 'fil', 'filer')}, varav ${inForce} ingår i rapporten. Kvittot för en fil visar varje fel med rad och kolumn.</p>
<div class="table-wrap"><table>
<caption>Filer för tertial ${model.period.tertial} ${model.period.year}, senaste händelsen per fil</caption>
<thead><tr><th scope="col">Fil</th><th scope="col">Tidpunkt</th><th scope="col">Utfall</th><th scope="col">Ingår i rapporten</th><th scope="col" class="num">Mål</th><th scope="col" class="num">Aktiviteter</th><th scope="col" class="num">Ärendetexter</th><th scope="col" class="num">Fel</th><th scope="col" class="num">Varningar</th><th scope="col">Kvitto</th></tr></thead>
<tbody>
${rows}</tbody></table></div>
</section>`;
}

function contentSection(model: StatusPageModel): Html {
  const activityTotal = model.activitiesByStatus.reduce((n, s) => n + s.count, 0);
  const without = model.goals.filter((g) => g.activities === 0);
  const goalTable =
    model.goals.length > 0 &&
    html`<div class="table-wrap"><table>
<caption>Mål med bedömning och antal aktiviteter</caption>
<thead><tr><th scope="col">Mål</th><th scope="col">Bedömning</th><th scope="col" class="num">Aktiviteter</th></tr></thead><tbody>
${model.goals.map(
  (g) =>
    html`<tr><th scope="row">${g.heading}${g.undefinedGoal && html` <span class="muted">(målet finns inte i någon fil)</span>`}</th><td>${g.assessment}</td><td class="num">${g.activities}</td></tr>\n`,
)}</tbody></table></div>`;
  const warnings =
    model.reportWarnings.length > 0 &&
    html`<h3>Att se över före stängningen</h3>
<ul>${model.reportWarnings.map((w) => html`<li>${w}</li>`)}</ul>`;
  return html`<section aria-labelledby="innehall">
<h2 id="innehall">${model.state === 'closed' ? 'Rapportens innehåll' : 'Rapportens innehåll just nu'}</h2>
<p>${count(model.goals.length, 'mål', 'mål')} och ${count(activityTotal, 'aktivitet', 'aktiviteter')} från filerna som ingår i rapporten.</p>
<div class="table-wrap"><table>
<caption>Aktiviteter per status</caption>
<thead><tr><th scope="col">Status</th><th scope="col" class="num">Aktiviteter</th></tr></thead><tbody>
${model.activitiesByStatus.map((s) => html`<tr><th scope="row">${s.status}</th><td class="num">${s.count}</td></tr>\n`)}</tbody><tfoot><tr><th scope="row">Totalt</th><td class="num">${activityTotal}</td></tr></tfoot></table></div>
<h3>Mål utan aktiviteter</h3>
${
  without.length === 0
    ? html`<p>${model.goals.length === 0 ? 'Inga mål ännu.' : 'Alla mål har minst en aktivitet.'}</p>`
    : html`<ul>${without.map((g) => html`<li>${g.heading}</li>`)}</ul>`
}
${goalTable}
${warnings}
</section>`;
}

/** `2024-01-05T13:32:00Z` → `<time datetime="…">2024-01-05 14:32</time>` (Swedish time). */
function time(iso: string): Html | string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return html`<time datetime="${new Date(ms).toISOString()}">${stockholmMinute(ms)}</time>`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------------------
// Reading and writing

export async function writeStatusPage(deps: ViewDeps, snapshot: PeriodSnapshot, draft?: DraftResult): Promise<void> {
  const { period } = snapshot;
  const bucket = deps.documentsBucket;
  const [receiptObjects, draftObjects, documentObjects, acceptedTemplate, templateReceiptExists] = await Promise.all([
    deps.objects.list(bucket, receiptsPrefix(period)),
    deps.objects.list(bucket, draftKey(period)),
    deps.objects.list(bucket, documentsPrefix(period)),
    deps.repo.getAcceptedTemplate(period.committee),
    deps.objects.exists(bucket, templateReceiptKey(period.committee)),
  ]);
  const documentKeys = new Set(documentObjects.map((o) => o.key));

  const uploadReceipts = new Map<string, UploadReceipt>();
  let closeReceipt: ClosureReceipt | undefined;
  let reopening: ReopeningReceipt | undefined;
  await Promise.all(
    receiptObjects.map(async (o) => {
      const isClose = o.key === closureReceiptKey(period);
      const isReopening = o.key === reopeningReceiptKey(period);
      const uploadName = uploadNameOfReceiptKey(period, o.key);
      if (!isClose && !isReopening && uploadName === undefined) return;
      const receipt = await readReceipt(deps, o.key);
      if (!receipt) return;
      if (isClose && receipt.kind === 'closure') closeReceipt = receipt;
      else if (isReopening && receipt.kind === 'reopening') reopening = receipt;
      else if (receipt.kind === 'upload' && uploadName !== undefined) uploadReceipts.set(uploadName, receipt);
    }),
  );

  const draftObject = draftObjects.find((o) => o.key === draftKey(period));
  const model = statusPageModel({
    snapshot,
    now: deps.clock(),
    receiptObjects,
    uploadReceipts,
    ...(closeReceipt ? { closeReceipt } : {}),
    ...(reopening ? { reopeningReceipt: reopening } : {}),
    ...(draftObject ? { draftObject } : {}),
    ...(draft ? { draft } : {}),
    documentExists: documentKeys.has(snapshot.record?.closure?.documentKey ?? documentKey(period)),
    pdfExists: documentKeys.has(pdfKey(period)),
    ...(acceptedTemplate ? { acceptedTemplate } : {}),
    templateReceiptExists,
  });
  const key = statusPageKey(period);
  await deps.objects.put(bucket, key, statusPageHtml(model), CONTENT_TYPES.html);
  deps.log.debug('status page written', { page: key, uploads: model.uploads.length, state: model.state });
}

async function readReceipt(deps: ViewDeps, key: string): Promise<Receipt | undefined> {
  const object = await deps.objects.get(deps.documentsBucket, key);
  if (!object) return undefined;
  const read = parseReceipt(object.bytes);
  if (!read.ok)
    deps.log.warn('a receipt does not match the receipt format; the status page leaves it out', {
      receipt: key,
      reason: read.reason,
    });
  return read.ok ? read.receipt : undefined;
}
