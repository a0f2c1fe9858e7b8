/**
 * closeTertial: a closure object → the period locked (OPEN → CLOSED) and the committee
 * document in the output bucket.
 *
 * Everything that can be wrong with the closure, the committee's config or its
 * template is checked before the period is touched, so a refused close leaves the
 * period open. The document is rendered from one read of the period and the period
 * is closed only if no upload was committed since that read; otherwise it renders
 * again. A retry after a fault finds the period closed and finishes what is missing,
 * from the frozen state: the document, its PDF, the announcement and the receipt.
 *
 * When the previous tertial of the same year is closed, the document compares with it
 * (its frozen uploads, combined the same way). The PDF is secondary: the Word document is
 * the committee document, so a failed conversion does not undo or hold up the close. It is
 * reported in the receipt and the log, and the function then fails, so that Lambda retries
 * the event; the retry finds the period closed and the PDF missing, and converts again.
 */
import { formatPeriod, type InputIssue, type Period } from '../core/domain.js';
import { ignoreOutsideLayout, type ObjectEvent } from '../runtime/events.js';
import { answerMisplaced } from '../runtime/misplaced.js';
import { loadCommitteeSettings, type CommitteeSettingsDeps } from '../storage/committee-settings.js';
import {
  closureReceiptHtmlKey,
  closureReceiptKey,
  documentKey,
  routePeriodActionKey,
  pdfKey,
  templateKey,
} from '../core/keys.js';
import { withFields, type Log } from '../core/log.js';
import { emptyPeriodIssue, parseClosure, type Closure } from '../core/closure.js';
import { stockholmDate } from '../core/time.js';
import { genericCommitteeConfig, type CommitteeConfig } from '../core/committee.js';
import { renderPeriodDocument } from '../core/document.js';
import { closedReceipt, rejectedClosureReceipt, type ClosureReceipt, type PdfOutcome } from '../core/receipt.js';
import { receiptOfKind } from '../core/receipt-schema.js';
import { receiptHtml } from '../core/receipt-html.js';
import { CONTENT_TYPES } from '../storage/objects.js';
import { loadPreviousTertial } from '../storage/previous-tertial.js';
import { ContentionError } from '../storage/errors.js';
import { recordClose } from '../storage/history.js';
import type { ClosureRecord, PeriodRecord } from '../storage/repository.js';
import { PdfConversionError, type PdfConverter } from './pdf.js';
import { issueReceipt } from '../runtime/issue-receipt.js';
import type { Notifier } from '../runtime/notify.js';

/** What the close reads and writes: the committee's settings and template as a draft reads them, plus its own outputs. */
export interface AssembleDeps extends CommitteeSettingsDeps {
  readonly log: Log;
  readonly clock: () => Date;
  /** Tells the world a document is ready (an SNS topic on AWS); a fault here is retried. */
  readonly announce: (document: DocumentAnnouncement) => Promise<void>;
  /** The receipts topic: the closure receipt is issued through it (`issueReceipt`). */
  readonly notify: Notifier;
  /**
   * Makes the PDF beside the document (LibreOffice where it is installed: the local stack,
   * CI, the container image). Without it no PDF is made and receipts do not mention one.
   */
  readonly convertToPdf?: PdfConverter;
}

export interface DocumentAnnouncement {
  readonly committee: string;
  readonly year: number;
  readonly tertial: number;
  readonly bucket: string;
  readonly key: string;
  /** The PDF beside it, when one was made. */
  readonly pdfKey?: string;
}

/**
 * `completed`: the period was closed and its document written before, and this event
 * finished what a failed attempt left missing (the PDF, the announcement or the receipt).
 */
export type AssembleOutcome =
  'closed' | 'already_closed' | 'rewritten' | 'completed' | 'rejected' | 'missing' | 'ignored' | 'misplaced';

const PDF_CONTENT_TYPE = 'application/pdf';

const MAX_RENDER_ATTEMPTS = 10;
/** Longer than any Lambda timeout, so no attempt still in flight loses its staged rows. */
export const ORPHAN_MIN_AGE_MS = 20 * 60 * 1000;

interface Inputs {
  readonly closure: Closure;
  readonly config: CommitteeConfig;
  readonly template: Uint8Array;
  readonly templateId: string;
  readonly warnings: readonly InputIssue[];
}

export async function closeTertial(deps: AssembleDeps, event: ObjectEvent): Promise<AssembleOutcome> {
  if (event.kind !== 'created') return ignoreOutsideLayout(deps.log, event, 'closures');
  const route = routePeriodActionKey(event.key, 'closures');
  if (route.action === 'ignore') return ignoreOutsideLayout(deps.log, event, 'closures');
  // A closure written to the wrong key (`closures/ks/2024/t1`, `…/T1.json`) is told so, not dropped.
  if (route.action === 'misplaced') return answerMisplaced(deps, event, route, 'closures');
  const { period } = route;
  const log = withFields(deps.log, { bucket: event.bucket, key: event.key, period: formatPeriod(period) });
  const receivedAt = new Date(event.eventTime);

  const closureObject = await deps.objects.get(event.bucket, event.key, event.versionId);
  if (!closureObject) {
    log.warn('closure object no longer exists; nothing to do');
    return 'missing';
  }
  const inputs = await loadInputs(deps, period, closureObject.bytes);
  if (!inputs.ok) {
    log.warn('close refused; the period stays open', { codes: inputs.errors.map((e) => e.code) });
    await writeReceipt(
      deps,
      period,
      rejectedClosureReceipt({ period, receivedAt, errors: inputs.errors, warnings: inputs.warnings }),
      inputs.committeeName,
    );
    return 'rejected';
  }

  for (let attempt = 0; attempt < MAX_RENDER_ATTEMPTS; attempt++) {
    const record = await deps.repo.ensurePeriod(period, deps.clock());
    if (record.state === 'CLOSED') return finishClosed(deps, log, record, inputs.value, receivedAt);

    // Without a documentDate the document is dated with the day of the close, in Stockholm;
    // the closure record keeps that date, so a later render of the closed tertial agrees.
    const dated: Closure = {
      ...inputs.value.closure,
      documentDate: inputs.value.closure.documentDate ?? stockholmDate(deps.clock()),
    };
    const rendered = await render(deps, record, inputs.value, dated);
    if (!rendered.ok) {
      log.warn('close refused: the template could not be filled; the period stays open', {
        codes: rendered.errors.map((e) => e.code),
      });
      await writeReceipt(
        deps,
        period,
        rejectedClosureReceipt({ period, receivedAt, errors: rendered.errors, warnings: inputs.value.warnings }),
        inputs.value.config.displayName,
      );
      return 'rejected';
    }
    if (rendered.value.uploads.length === 0 && !inputs.value.closure.allowEmpty) {
      // Nearly always a mistyped period: a document of "0 mål, 0 aktiviteter" that proposes approving the report.
      log.warn('close refused: no accepted upload and allowEmpty not set; the period stays open');
      await writeReceipt(
        deps,
        period,
        rejectedClosureReceipt({
          period,
          receivedAt,
          errors: [emptyPeriodIssue(period)],
          warnings: inputs.value.warnings,
        }),
        inputs.value.config.displayName,
      );
      return 'rejected';
    }
    const closure: ClosureRecord = {
      closedAt: deps.clock().toISOString(),
      documentKey: documentKey(period),
      template: inputs.value.templateId,
      closure: dated,
    };
    const outcome = await deps.repo.closePeriod(period, record.version, closure);
    if (outcome === 'closed') {
      log.info('period closed', { version: record.version, uploads: rendered.value.uploads.length });
      // Before the document: a table rebuilt from S3 must find this close (a fault is retried, and the retry records it).
      await recordClose(deps, { ...record, state: 'CLOSED', closure });
      const pdf = await publish(deps, log, period, rendered.value, receivedAt, inputs.value);
      await sweep(deps, log, period);
      failIfPdfFailed(period, pdf);
      return 'closed';
    }
    log.info('period changed while rendering; rendering again', { outcome, version: record.version });
  }
  throw new ContentionError(`period ${formatPeriod(period)} kept changing while it was being closed`);
}

type Result<T, Refusal = unknown> =
  | { ok: true; value: T; warnings: readonly InputIssue[] }
  | ({ ok: false; errors: readonly InputIssue[]; warnings: readonly InputIssue[] } & Refusal);

/**
 * The closure body, the committee's settings and its accepted template; a refusal carries
 * the committee's name from its settings when they loaded (the body or the template may be
 * what is wrong), so the receipt page names the committee as its documents do.
 */
async function loadInputs(
  deps: AssembleDeps,
  period: Period,
  closureBytes: Uint8Array,
): Promise<Result<Inputs, { committeeName: string }>> {
  const closure = parseClosure(closureBytes);
  // Settings and the accepted template, read once (so a template replaced during this
  // close does not change this close's document) and the same way the draft reads them.
  const settings = await loadCommitteeSettings(deps, period.committee);
  const errors = [...(closure.ok ? [] : closure.errors), ...(settings.ok ? [] : settings.errors)];
  const warnings = settings.warnings;
  if (!closure.ok || !settings.ok || errors.length > 0) {
    // Settings that did not parse give the name a draft without settings has.
    const committeeName = (settings.config ?? genericCommitteeConfig(period.committee)).displayName;
    return { ok: false, errors, warnings, committeeName };
  }
  return {
    ok: true,
    value: {
      closure: closure.closure,
      config: settings.config,
      template: settings.template,
      templateId: settings.templateId,
      warnings,
    },
    warnings,
  };
}

/**
 * A period that is already closed: finish whatever an earlier attempt left undone, from
 * the frozen state. The document is written only if it is missing (never replaced), the
 * PDF is made from the stored document, and the receipt is the completion mark: the
 * announcement went out before it was written.
 */
async function finishClosed(
  deps: AssembleDeps,
  log: Log,
  record: PeriodRecord,
  inputs: Inputs,
  receivedAt: Date,
): Promise<AssembleOutcome> {
  const period = record.period;
  if (record.closure) await recordClose(deps, record);
  const key = record.closure?.documentKey ?? documentKey(period);
  const stored = await deps.objects.get(deps.documentsBucket, key);
  const receiptDone = stored !== undefined && (await readClosureReceipt(deps, period))?.status === 'closed';
  const pdfMissing =
    deps.convertToPdf !== undefined && !(await deps.objects.exists(deps.documentsBucket, pdfKey(period)));
  if (receiptDone && !pdfMissing) {
    log.info('period already closed and its document exists');
    return 'already_closed';
  }
  const rendered = await render(deps, record, inputs, record.closure?.closure ?? inputs.closure);
  if (!rendered.ok)
    throw new Error(
      `closed period ${formatPeriod(period)} can no longer be rendered: ${rendered.errors.map((e) => e.message).join('; ')}`,
    );
  if (!stored) {
    // Closed by an attempt that failed before the document was written.
    const pdf = await publish(deps, log, period, rendered.value, receivedAt, inputs);
    failIfPdfFailed(period, pdf);
    return 'rewritten';
  }
  log.info('period already closed; finishing what an earlier attempt left undone', {
    receipt: receiptDone,
    pdf: !pdfMissing,
  });
  // The stored document is the committee document: its PDF is made from it, not from a new render.
  const pdf = await publish(deps, log, period, { ...rendered.value, bytes: stored.bytes }, receivedAt, inputs, {
    writeDocument: false,
    announce: receiptDone ? 'if-pdf-written' : 'always',
  });
  failIfPdfFailed(period, pdf);
  return 'completed';
}

/** After everything else is written: a failed PDF makes the event fail, so Lambda retries it. */
function failIfPdfFailed(period: Period, pdf: PdfOutcome | undefined): void {
  if (pdf?.status === 'failed') {
    throw new PdfConversionError(
      `the PDF of ${formatPeriod(period)} could not be made; the document and receipt are written, and a retry makes the PDF`,
    );
  }
}

async function readClosureReceipt(deps: AssembleDeps, period: Period): Promise<ClosureReceipt | undefined> {
  const object = await deps.objects.get(deps.documentsBucket, closureReceiptKey(period));
  // A receipt that is not one (unreadable, another format) counts as not written: the close finishes again.
  return object ? receiptOfKind(object.bytes, 'closure') : undefined;
}

interface Rendered {
  readonly bytes: Uint8Array;
  readonly uploads: readonly string[];
  readonly counts: { goals: number; activities: number };
  readonly warnings: readonly InputIssue[];
  readonly comparedWith?: Period;
}

async function render(
  deps: AssembleDeps,
  record: PeriodRecord,
  inputs: Inputs,
  closure: Closure,
): Promise<Result<Rendered>> {
  const [uploads, previous] = await Promise.all([
    deps.repo.readActiveUploads(record),
    loadPreviousTertial(deps.repo, record.period),
  ]);
  // The draft renders through the same function from the same inputs (lambdas/views/draft.ts).
  const rendered = renderPeriodDocument({
    period: record.period,
    config: inputs.config,
    template: inputs.template,
    ...(inputs.templateId === 'default' ? {} : { templateFile: templateKey(record.period.committee) }),
    uploads: uploads.map((u) => ({ name: u.name, content: u.content })),
    ...(previous ? { previous } : {}),
    closure,
    draft: false,
  });
  if (!rendered.ok) return { ok: false, errors: rendered.errors, warnings: rendered.warnings };
  return {
    ok: true,
    value: {
      bytes: rendered.bytes,
      uploads: uploads.map((u) => u.name),
      counts: rendered.counts,
      warnings: rendered.warnings,
      ...(previous ? { comparedWith: previous.period } : {}),
    },
    warnings: rendered.warnings,
  };
}

interface PublishOptions {
  /** False when the document is already stored and `rendered.bytes` are those bytes. */
  readonly writeDocument: boolean;
  readonly announce: 'always' | 'if-pdf-written';
}

/**
 * Document, PDF, announcement, receipt: in that order, so that the receipt marks a close
 * whose announcement went out. Returns what became of the PDF (undefined: none is made).
 */
async function publish(
  deps: AssembleDeps,
  log: Log,
  period: Period,
  rendered: Rendered,
  receivedAt: Date,
  inputs: Pick<Inputs, 'config' | 'warnings'>,
  options: PublishOptions = { writeDocument: true, announce: 'always' },
): Promise<PdfOutcome | undefined> {
  const key = documentKey(period);
  if (options.writeDocument) {
    await deps.objects.put(deps.documentsBucket, key, rendered.bytes, CONTENT_TYPES.docx);
    log.info('document written', {
      document: key,
      bytes: rendered.bytes.length,
      ...(rendered.comparedWith ? { comparedWith: formatPeriod(rendered.comparedWith) } : {}),
    });
  }
  const pdf = await writePdf(deps, log, period, rendered.bytes);
  if (options.announce === 'always' || pdf?.status === 'written') {
    await deps.announce({
      committee: period.committee,
      year: period.year,
      tertial: period.tertial,
      bucket: deps.documentsBucket,
      key,
      ...(pdf?.status === 'written' ? { pdfKey: pdf.key } : {}),
    });
  }
  await writeReceipt(
    deps,
    period,
    closedReceipt({
      period,
      receivedAt,
      document: key,
      uploads: rendered.uploads,
      counts: rendered.counts,
      warnings: [...inputs.warnings, ...rendered.warnings],
      ...(pdf ? { pdf } : {}),
      ...(rendered.comparedWith ? { comparedWith: rendered.comparedWith } : {}),
    }),
    inputs.config.displayName,
  );
  return pdf;
}

/** The PDF of the given document bytes. A failure is an outcome, not an exception: the document stands. */
async function writePdf(
  deps: AssembleDeps,
  log: Log,
  period: Period,
  docx: Uint8Array,
): Promise<PdfOutcome | undefined> {
  if (!deps.convertToPdf) return undefined;
  const key = pdfKey(period);
  const started = Date.now();
  try {
    const pdf = await deps.convertToPdf(docx);
    await deps.objects.put(deps.documentsBucket, key, pdf, PDF_CONTENT_TYPE);
    log.info('pdf written', { pdf: key, bytes: pdf.length, ms: Date.now() - started });
    return { status: 'written', key };
  } catch (error) {
    log.error('pdf not made; the Word document stands, and the event will be retried', {
      pdf: key,
      ms: Date.now() - started,
      error,
    });
    return {
      status: 'failed',
      message:
        'PDF-versionen kunde inte skapas på grund av ett tekniskt fel. Word-dokumentet är komplett och gäller. ' +
        'Systemet försöker igen automatiskt; driftansvariga larmas om det inte går.',
    };
  }
}

/**
 * After the close nothing can be staged in this period any more: a good moment to
 * remove rows left behind by crashed attempts. Best effort; they are invisible anyway.
 */
async function sweep(deps: AssembleDeps, log: Log, period: Period): Promise<void> {
  try {
    const removed = await deps.repo.sweepOrphans(period, deps.clock(), ORPHAN_MIN_AGE_MS);
    if (removed > 0) log.info('removed rows of crashed attempts', { generations: removed });
  } catch (error) {
    log.warn('could not sweep rows of crashed attempts; they stay invisible', { error });
  }
}

/** The receipt and its page, issued together on every outcome (closed, refused, finished by a retry). */
async function writeReceipt(
  deps: AssembleDeps,
  period: Period,
  receipt: ClosureReceipt,
  committeeName: string,
): Promise<void> {
  await issueReceipt(deps, {
    receipt,
    key: closureReceiptKey(period),
    about: period,
    html: { key: closureReceiptHtmlKey(period), body: receiptHtml(receipt, { committeeName }) },
  });
}
