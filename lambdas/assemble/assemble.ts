/**
 * closeTertial: a closure object → the period locked (OPEN → CLOSED) and the committee
 * document in the output bucket.
 *
 * Everything that can be wrong with the closure, the committee's config or its
 * template is checked before the period is touched, so a refused close leaves the
 * period open. The document is rendered from one read of the period and the period
 * is closed only if no upload was committed since that read; otherwise it renders
 * again. A retry after a fault finds the period closed and rewrites the same
 * document from the frozen state.
 */
import { formatPeriod, type InputIssue, type Period } from '../core/domain.js';
import type { ObjectEvent } from '../core/events.js';
import { closureReceiptKey, configKey, documentKey, parseClosureKey, templateKey } from '../core/keys.js';
import { withFields, type Log } from '../core/log.js';
import { parseClosure, type Closure } from '../core/closure.js';
import { parseCommitteeConfig, type CommitteeConfig } from '../core/committee.js';
import { buildReport } from '../core/report.js';
import { checkTemplate, renderReport, TemplateError } from '../core/render.js';
import { closedReceipt, receiptJson, rejectedClosureReceipt, type ClosureReceipt } from '../core/receipt.js';
import { CONTENT_TYPES, type ObjectStore } from '../storage/objects.js';
import { ContentionError } from '../storage/errors.js';
import type { ClosureRecord, PeriodRecord, PeriodRepository } from '../storage/repository.js';

export interface AssembleDeps {
  readonly objects: ObjectStore;
  readonly repo: PeriodRepository;
  readonly log: Log;
  readonly clock: () => Date;
  readonly uploadsBucket: string;
  readonly documentsBucket: string;
  /** The built-in template, used when the committee has none of its own. */
  readonly defaultTemplate: () => Uint8Array;
  /** Tells the world a document is ready (an SNS topic on AWS); a fault here is retried. */
  readonly announce: (document: DocumentAnnouncement) => Promise<void>;
}

export interface DocumentAnnouncement {
  readonly committee: string;
  readonly year: number;
  readonly tertial: number;
  readonly bucket: string;
  readonly key: string;
}

export type AssembleOutcome = 'closed' | 'already_closed' | 'rewritten' | 'rejected' | 'missing' | 'ignored';

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
  const period = parseClosureKey(event.key);
  if (!period || event.kind !== 'created') {
    deps.log.warn('ignoring object outside the closures layout', { bucket: event.bucket, key: event.key, eventName: event.eventName });
    return 'ignored';
  }
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
    await writeReceipt(deps, period, rejectedClosureReceipt({ period, receivedAt, errors: inputs.errors, warnings: inputs.warnings }));
    return 'rejected';
  }

  for (let attempt = 0; attempt < MAX_RENDER_ATTEMPTS; attempt++) {
    const record = await deps.repo.ensurePeriod(period, deps.clock());
    if (record.state === 'CLOSED') {
      const key = record.closure?.documentKey ?? documentKey(period);
      if (await deps.objects.exists(deps.documentsBucket, key)) {
        log.info('period already closed and its document exists');
        return 'already_closed';
      }
      // Closed by an attempt that failed before the document was written: finish it.
      const rendered = await render(deps, record, inputs.value, record.closure?.closure ?? inputs.value.closure);
      if (!rendered.ok) throw new Error(`closed period ${formatPeriod(period)} can no longer be rendered: ${rendered.errors.map((e) => e.message).join('; ')}`);
      await publish(deps, log, period, rendered.value, receivedAt, inputs.value.warnings);
      return 'rewritten';
    }

    const rendered = await render(deps, record, inputs.value, inputs.value.closure);
    if (!rendered.ok) {
      log.warn('close refused: the template could not be filled; the period stays open', { codes: rendered.errors.map((e) => e.code) });
      await writeReceipt(deps, period, rejectedClosureReceipt({ period, receivedAt, errors: rendered.errors, warnings: inputs.value.warnings }));
      return 'rejected';
    }
    const closure: ClosureRecord = {
      closedAt: deps.clock().toISOString(),
      documentKey: documentKey(period),
      template: inputs.value.templateId,
      closure: inputs.value.closure,
    };
    const outcome = await deps.repo.closePeriod(period, record.version, closure);
    if (outcome === 'closed') {
      log.info('period closed', { version: record.version, uploads: rendered.value.uploads.length });
      await publish(deps, log, period, rendered.value, receivedAt, inputs.value.warnings);
      await sweep(deps, log, period);
      return 'closed';
    }
    log.info('period changed while rendering; rendering again', { outcome, version: record.version });
  }
  throw new ContentionError(`period ${formatPeriod(period)} kept changing while it was being closed`);
}

type Result<T> = { ok: true; value: T; warnings: readonly InputIssue[] } | { ok: false; errors: readonly InputIssue[]; warnings: readonly InputIssue[] };

async function loadInputs(deps: AssembleDeps, period: Period, closureBytes: Uint8Array): Promise<Result<Inputs>> {
  const errors: InputIssue[] = [];
  const warnings: InputIssue[] = [];

  const closure = parseClosure(closureBytes);
  if (!closure.ok) errors.push(...closure.errors);

  const configObject = await deps.objects.get(deps.uploadsBucket, configKey(period.committee));
  const config = parseCommitteeConfig(period.committee, configObject ? new TextDecoder().decode(configObject.bytes) : undefined);
  if (config.ok) warnings.push(...config.warnings);
  else errors.push(...config.errors);

  // The committee's own template is the last one the template check accepted; read once,
  // so a template replaced during this close does not change this close's document.
  const accepted = await deps.repo.getAcceptedTemplate(period.committee);
  const acceptedObject = accepted ? await deps.objects.get(deps.documentsBucket, accepted.key) : undefined;
  if (accepted && !acceptedObject) throw new Error(`accepted template ${accepted.key} is missing from ${deps.documentsBucket}`);
  const template = acceptedObject ? acceptedObject.bytes : deps.defaultTemplate();
  const checked = checkTemplate(template, templateKey(period.committee));
  if (!checked.ok) errors.push(...checked.errors);

  if (errors.length > 0 || !closure.ok || !config.ok) return { ok: false, errors, warnings };
  return {
    ok: true,
    value: {
      closure: closure.closure,
      config: config.config,
      template,
      templateId: accepted ? accepted.key : 'default',
      warnings,
    },
    warnings,
  };
}

interface Rendered {
  readonly bytes: Uint8Array;
  readonly uploads: readonly string[];
  readonly counts: { goals: number; activities: number };
  readonly warnings: readonly InputIssue[];
}

async function render(deps: AssembleDeps, record: PeriodRecord, inputs: Inputs, closure: Closure): Promise<Result<Rendered>> {
  const uploads = await deps.repo.readActiveUploads(record);
  const { view, warnings } = buildReport({
    period: record.period,
    config: inputs.config,
    uploads: uploads.map((u) => ({ name: u.name, content: u.content })),
    closure,
  });
  try {
    const bytes = renderReport(inputs.template, view);
    return {
      ok: true,
      value: {
        bytes,
        uploads: uploads.map((u) => u.name),
        counts: {
          goals: view.goals.length,
          activities: view.goals.reduce((n, g) => n + g.activities.length, 0),
        },
        warnings,
      },
      warnings,
    };
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false, errors: err.issues, warnings };
    throw err;
  }
}

async function publish(deps: AssembleDeps, log: Log, period: Period, rendered: Rendered, receivedAt: Date, inputWarnings: readonly InputIssue[]): Promise<void> {
  const key = documentKey(period);
  await deps.objects.put(deps.documentsBucket, key, rendered.bytes, CONTENT_TYPES.docx);
  log.info('document written', { document: key, bytes: rendered.bytes.length });
  await deps.announce({ committee: period.committee, year: period.year, tertial: period.tertial, bucket: deps.documentsBucket, key });
  await writeReceipt(
    deps,
    period,
    closedReceipt({ period, receivedAt, document: key, uploads: rendered.uploads, counts: rendered.counts, warnings: [...inputWarnings, ...rendered.warnings] }),
  );
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

async function writeReceipt(deps: AssembleDeps, period: Period, receipt: ClosureReceipt): Promise<void> {
  await deps.objects.put(deps.documentsBucket, closureReceiptKey(period), receiptJson(receipt), CONTENT_TYPES.json);
}
