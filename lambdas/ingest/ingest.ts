/**
 * ingestUpload: one S3 event for one upload key → the period's state and a receipt.
 *
 * Parse and validate first (bad input becomes a receipt and a normal return), then
 * stage the rows under a fresh generation, then commit with one conditional update
 * of the period item. Infrastructure faults throw, so Lambda retries the event; a
 * retry is safe because a commit is keyed on the event's sequencer.
 */
import { formatPeriod, type InputIssue, type ParseResult } from '../core/domain.js';
import type { ObjectEvent } from '../runtime/events.js';
import {
  annotatedUploadKey,
  keyFileName,
  routeUploadKey,
  uploadReceiptHtmlKey,
  uploadFormat,
  uploadReceiptKey,
  type RefusedFormat,
  type UploadKey,
  type UploadRoute,
} from '../core/keys.js';
import { receiptHtml } from '../core/receipt-html.js';
import { unsupportedFormatIssue } from '../core/routing-issues.js';
import { issueReceipt } from '../runtime/issue-receipt.js';
import { answerMisplaced } from '../runtime/misplaced.js';
import { withFields, type Log } from '../core/log.js';
import { fileTooLargeIssue, MAX_UPLOAD_BYTES, parseUpload } from '../core/parse/index.js';
import {
  acceptedUploadReceipt,
  closedPeriodIssue,
  periodFullIssue,
  failedUploadReceipt,
  rejectedUploadReceipt,
  removedUploadReceipt,
  type UploadReceipt,
} from '../core/receipt.js';
import { CONTENT_TYPES } from '../storage/objects.js';
import { recordAcceptedUpload, recordRemoval } from '../storage/history.js';
import { countsOf, newGeneration, type CommitResult, type PeriodRepository } from '../storage/repository.js';
import type { StepDeps } from '../storage/runtime.js';

export type IngestDeps = StepDeps;

export type IngestOutcome =
  | 'accepted'
  | 'rejected'
  | 'removed'
  | 'refused_closed'
  | 'refused_full'
  | 'stale'
  | 'duplicate'
  | 'missing'
  | 'ignored'
  | 'misplaced';

export async function ingestUpload(deps: IngestDeps, event: ObjectEvent): Promise<IngestOutcome> {
  const route = routeUploadKey(event.key);
  if (route.action === 'ignore') {
    // A folder placeholder or a file the operating system put beside the real ones.
    deps.log.info('ignoring a folder placeholder or file-system artefact', {
      bucket: event.bucket,
      key: event.key,
      eventName: event.eventName,
    });
    return 'ignored';
  }
  if (route.action === 'misplaced') return answerMisplacedUpload(deps, event, route);
  const { upload } = route;
  const log = withFields(deps.log, {
    bucket: event.bucket,
    key: event.key,
    period: formatPeriod(upload.period),
    sequencer: event.sequencer,
  });
  const refused = route.action === 'refuse' ? route.format : undefined;
  const outcome =
    event.kind === 'removed'
      ? await removeUpload(deps, log, event, upload)
      : await applyUpload(deps, log, event, upload, refused);
  log.info('upload event handled', { outcome, eventName: event.eventName });
  return outcome;
}

/** An upload outside the layout: answered with a receipt; its removal changes nothing. */
async function answerMisplacedUpload(
  deps: IngestDeps,
  event: ObjectEvent,
  route: Extract<UploadRoute, { action: 'misplaced' }>,
): Promise<IngestOutcome> {
  if (event.kind === 'removed') {
    deps.log.info('a misplaced upload was removed; nothing of it was stored', {
      bucket: event.bucket,
      key: event.key,
      eventName: event.eventName,
      problem: route.problem.code,
    });
    return 'ignored';
  }
  return answerMisplaced(deps, event, route, 'uploads');
}

async function applyUpload(
  deps: IngestDeps,
  log: Log,
  event: ObjectEvent,
  upload: UploadKey,
  refused?: RefusedFormat,
): Promise<IngestOutcome> {
  const { repo, objects } = deps;
  const before = await repo.getFileState(upload.period, upload.name);
  const known = before?.files[upload.name];
  if (known && known.sequencer > event.sequencer) return 'stale';

  let parsed: ParseResult;
  let original: Uint8Array | undefined;
  if (refused) {
    // Refused by its name alone: a format the pipeline does not read is never downloaded.
    parsed = { ok: false, errors: [unsupportedFormatIssue(upload.name, refused)], warnings: [] };
  } else if (event.size !== undefined && event.size > MAX_UPLOAD_BYTES) {
    // Refused from the event alone: a file this large is never downloaded.
    parsed = { ok: false, errors: [fileTooLargeIssue(upload.name, event.size)], warnings: [] };
  } else {
    const object = await objects.get(event.bucket, event.key, event.versionId);
    if (!object) {
      // Deleted (or, without versioning, replaced) since the event: the later event decides.
      log.warn('upload no longer exists; a later event will account for it');
      return 'missing';
    }
    original = object.bytes;
    parsed = await parseUpload(upload.name, original, { period: upload.period });
  }
  const receiptBase = receiptBaseOf(upload, event);

  if (known && known.sequencer === event.sequencer) {
    // The same event again (S3 delivers at least once): its effect is in force; make
    // sure its receipt exists, byte for byte the same as the first time.
    if (known.lastOutcome === 'accepted' && parsed.ok) {
      // The attempt that committed may have died before its copy was kept.
      if (original) await recordAcceptedUpload(deps, upload.period, upload.name, event.sequencer, original);
      await writeReceipt(
        deps,
        upload,
        acceptedUploadReceipt({ ...receiptBase, counts: countsOf(parsed.content), warnings: parsed.warnings }),
      );
    } else if (known.lastOutcome === 'rejected' && !parsed.ok) {
      await writeReceipt(deps, upload, rejectedReceipt(receiptBase, parsed, known.generation !== undefined), original);
    }
    return 'duplicate';
  }

  if (before?.state === 'CLOSED') return refuseClosed(deps, log, upload, receiptBase, parsed.warnings);

  const now = deps.clock();
  if (!parsed.ok) {
    const result = await repo.rejectUpload(upload.period, upload.name, event, now);
    if (result.outcome === 'stale') return 'stale';
    if (result.outcome === 'closed') return refuseClosed(deps, log, upload, receiptBase, parsed.warnings);
    if (result.outcome === 'full') return refuseFull(deps, log, upload, receiptBase, result, parsed, original);
    log.info('upload rejected', {
      errors: parsed.errors.length,
      codes: [...new Set(parsed.errors.map((e) => e.code))],
    });
    await writeReceipt(
      deps,
      upload,
      rejectedReceipt(receiptBase, parsed, result.previous?.generation !== undefined),
      original,
    );
    return 'rejected';
  }

  const counts = countsOf(parsed.content);
  const generation = newGeneration(now);
  let chunks: number;
  let result: CommitResult;
  try {
    chunks = await repo.stageUpload(upload.period, generation, upload.name, parsed.content);
  } catch (err) {
    await reportFault(deps, log, upload, receiptBase, known?.generation !== undefined, err);
    throw err;
  }
  try {
    result = await repo.acceptUpload(
      upload.period,
      upload.name,
      event,
      { generation, chunks, counts, acceptedAt: now.toISOString() },
      now,
    );
  } catch (err) {
    await discardGeneration(repo, log, upload, generation, chunks);
    await reportFault(deps, log, upload, receiptBase, known?.generation !== undefined, err);
    throw err;
  }
  if (result.outcome !== 'committed') {
    await discardGeneration(repo, log, upload, generation, chunks);
    if (result.outcome === 'stale') return 'stale';
    if (result.outcome === 'full')
      return refuseFull(deps, log, upload, receiptBase, result, { errors: [], warnings: parsed.warnings });
    return refuseClosed(deps, log, upload, receiptBase, parsed.warnings);
  }
  if (result.previous?.generation) {
    await discardGeneration(repo, log, upload, result.previous.generation, result.previous.chunks ?? 1);
  }
  // Kept for a rebuild of the table from S3; a fault here is retried as a duplicate, which writes it.
  if (original) await recordAcceptedUpload(deps, upload.period, upload.name, event.sequencer, original);
  log.info('upload accepted', { generation, ...counts, warnings: parsed.warnings.length });
  await writeReceipt(deps, upload, acceptedUploadReceipt({ ...receiptBase, counts, warnings: parsed.warnings }));
  return 'accepted';
}

async function removeUpload(deps: IngestDeps, log: Log, event: ObjectEvent, upload: UploadKey): Promise<IngestOutcome> {
  const receiptBase = receiptBaseOf(upload, event);
  const result = await deps.repo.removeUpload(upload.period, upload.name, event, deps.clock());
  if (result.outcome === 'stale') {
    if (result.previous?.sequencer === event.sequencer && result.previous.lastOutcome === 'deleted') {
      await recordRemoval(deps, upload.period, upload.name, event.sequencer);
      await writeReceipt(deps, upload, removedUploadReceipt(receiptBase));
      return 'duplicate';
    }
    return 'stale';
  }
  if (result.outcome === 'closed') {
    log.warn('upload removed after the period closed; the closed document keeps its rows');
    return refuseClosed(deps, log, upload, receiptBase, []);
  }
  if (result.outcome === 'full') {
    // Only a key the period does not know can make it grow: nothing of the file is in the
    // tertial, so its removal changes nothing there; it is answered, and nothing is recorded.
    log.warn('removal of a file the period does not know, in a period with no room to record it');
    await writeReceipt(deps, upload, removedUploadReceipt(receiptBase));
    return 'removed';
  }
  await recordRemoval(deps, upload.period, upload.name, event.sequencer);
  if (result.previous?.generation) {
    await discardGeneration(deps.repo, log, upload, result.previous.generation, result.previous.chunks ?? 1);
  }
  await writeReceipt(deps, upload, removedUploadReceipt(receiptBase));
  return 'removed';
}

/** What every receipt of an upload event says about the file. */
interface ReceiptBase {
  readonly period: UploadKey['period'];
  readonly file: string;
  readonly key: string;
  readonly receivedAt: Date;
}

function receiptBaseOf(upload: UploadKey, event: ObjectEvent): ReceiptBase {
  return { period: upload.period, file: upload.name, key: event.key, receivedAt: new Date(event.eventTime) };
}

function rejectedReceipt(
  base: ReceiptBase,
  refused: { readonly errors: readonly InputIssue[]; readonly warnings: readonly InputIssue[] },
  hasPreviousVersion: boolean,
): UploadReceipt {
  return rejectedUploadReceipt({ ...base, errors: refused.errors, warnings: refused.warnings, hasPreviousVersion });
}

/**
 * The period's item has no room for another file (DynamoDB's 400 KB item limit): the
 * file is refused with a receipt that says so, and the period is as it was. An error
 * log line, because the operator should know a period is that full.
 */
async function refuseFull(
  deps: IngestDeps,
  log: Log,
  upload: UploadKey,
  base: ReceiptBase,
  result: CommitResult,
  parsed: { readonly errors: readonly InputIssue[]; readonly warnings: readonly InputIssue[] },
  original?: Uint8Array,
): Promise<IngestOutcome> {
  log.error('upload refused: the period item has reached DynamoDB’s item size limit');
  await writeReceipt(
    deps,
    upload,
    rejectedReceipt(
      base,
      { errors: [periodFullIssue(upload.name, upload.period), ...parsed.errors], warnings: parsed.warnings },
      // The version in force, read by the commit that was refused.
      result.previous?.generation !== undefined,
    ),
    parsed.errors.length > 0 ? original : undefined,
  );
  return 'refused_full';
}

async function refuseClosed(
  deps: IngestDeps,
  log: Log,
  upload: UploadKey,
  base: ReceiptBase,
  warnings: readonly InputIssue[],
): Promise<IngestOutcome> {
  log.info('upload refused: period is closed');
  await writeReceipt(
    deps,
    upload,
    rejectedReceipt(base, { errors: [closedPeriodIssue(upload.name, upload.period)], warnings }, false),
  );
  return 'refused_closed';
}

/**
 * An infrastructure fault: nothing from the file became visible. Tell the uploader (best
 * effort: storage may be what failed) before the error goes back to Lambda for a retry.
 */
async function reportFault(
  deps: IngestDeps,
  log: Log,
  upload: UploadKey,
  base: ReceiptBase,
  hasPreviousVersion: boolean,
  error: unknown,
): Promise<void> {
  log.error('upload failed on an infrastructure fault; nothing from it is visible', { error });
  try {
    await writeReceipt(deps, upload, failedUploadReceipt({ ...base, hasPreviousVersion }));
  } catch (receiptError) {
    log.error('could not write the failure receipt either', { error: receiptError });
  }
}

/**
 * Writes the receipt three ways: for a refused workbook, a copy of the staff's own file
 * with the bad cells marked; a page people open from the S3 console; and the JSON,
 * last, because tools wait for it. Then the receipts topic tells the subscribers.
 */
async function writeReceipt(
  deps: IngestDeps,
  upload: UploadKey,
  receipt: UploadReceipt,
  original?: Uint8Array,
): Promise<void> {
  const { period, name } = upload;
  let markedUpKey: string | undefined;
  const format = uploadFormat(name);
  if (receipt.status === 'rejected' && original && 'read' in format && format.read === 'xlsx') {
    // Only a refused workbook gets a marked-up copy; the module is small (it reuses the
    // reader's zip and XML code), so loading it on demand only keeps it off the cold path.
    const { annotateWorkbook } = await import('../core/annotate.js');
    const marked = await annotateWorkbook(original, receipt.errors);
    if (marked) {
      markedUpKey = annotatedUploadKey(period, name);
      await deps.objects.put(deps.documentsBucket, markedUpKey, marked, CONTENT_TYPES.xlsx);
    }
  }
  const annotatedCopy = markedUpKey && keyFileName(markedUpKey);
  await issueReceipt(deps, {
    receipt,
    key: uploadReceiptKey(period, name),
    about: period,
    html: {
      key: uploadReceiptHtmlKey(period, name),
      body: receiptHtml(receipt, annotatedCopy ? { annotatedCopy } : {}),
    },
    ...(markedUpKey ? { markedUpKey } : {}),
  });
}

/** Garbage collection of rows no period item points at; a failure here loses nothing visible. */
async function discardGeneration(
  repo: PeriodRepository,
  log: Log,
  upload: UploadKey,
  generation: string,
  chunks: number,
): Promise<void> {
  try {
    await repo.deleteGeneration(upload.period, generation, chunks);
  } catch (err) {
    log.warn('could not delete unreferenced rows; they are invisible and can be collected later', {
      generation,
      error: err,
    });
  }
}
