/**
 * reopenTertial: `reopenings/{committee}/{year}/T{n}` opens a closed tertial again
 * (CLOSED → OPEN, conditional). Uploads are accepted again, and the next closure writes
 * a new version of the document under the same key; with a versioned bucket (as the
 * stack deploys it) the previous version stays in S3's version history.
 */
import { formatPeriod } from '../core/domain.js';
import type { ObjectEvent } from '../runtime/events.js';
import { parseReopeningKey, reopeningReceiptHtmlKey, reopeningReceiptKey } from '../core/keys.js';
import { withFields, type Log } from '../core/log.js';
import { reopeningReceipt } from '../core/receipt.js';
import { receiptHtml } from '../core/receipt-html.js';
import { issueReceipt } from '../runtime/issue-receipt.js';
import type { Notifier } from '../runtime/notify.js';
import type { ObjectStore } from '../storage/objects.js';
import { recordReopening } from '../storage/history.js';
import type { PeriodRepository } from '../storage/repository.js';

export interface ReopenDeps {
  readonly objects: ObjectStore;
  readonly repo: PeriodRepository;
  readonly log: Log;
  readonly clock: () => Date;
  readonly documentsBucket: string;
  readonly notify: Notifier;
}

export type ReopenOutcome = 'reopened' | 'not_closed' | 'ignored';

export async function reopenTertial(deps: ReopenDeps, event: ObjectEvent): Promise<ReopenOutcome> {
  const period = parseReopeningKey(event.key);
  if (!period || event.kind !== 'created') {
    deps.log.warn('ignoring object outside the reopenings layout', { bucket: event.bucket, key: event.key });
    return 'ignored';
  }
  const log = withFields(deps.log, { bucket: event.bucket, key: event.key, period: formatPeriod(period) });
  const before = await deps.repo.getPeriod(period);
  const reopenedAt = deps.clock().toISOString();
  // Recorded first, under the version of the close it undoes: only that close can be undone by it.
  if (before?.state === 'CLOSED') await recordReopening(deps, period, before.version, reopenedAt);
  const outcome = await deps.repo.reopenPeriod(period, reopenedAt);
  log.info(outcome === 'reopened' ? 'period reopened' : 'reopening ignored: the period is not closed', { outcome });
  const receipt = reopeningReceipt({
    period,
    receivedAt: new Date(event.eventTime),
    reopened: outcome === 'reopened',
    ...(outcome === 'reopened' && before?.closure ? { previousDocument: before.closure.documentKey } : {}),
  });
  await issueReceipt(deps, {
    receipt,
    key: reopeningReceiptKey(period),
    about: period,
    html: { key: reopeningReceiptHtmlKey(period), body: receiptHtml(receipt) },
  });
  return outcome;
}
