/**
 * reopenTertial: `reopenings/{committee}/{year}/T{n}` opens a closed tertial again
 * (CLOSED → OPEN, conditional). Uploads are accepted again, and the next closure writes
 * a new version of the document under the same key; with a versioned bucket (as the
 * stack deploys it) the previous version stays in S3's version history.
 */
import { formatPeriod } from '../core/domain.js';
import { ignoreOutsideLayout, type ObjectEvent } from '../runtime/events.js';
import { reopeningReceiptHtmlKey, reopeningReceiptKey, routePeriodActionKey } from '../core/keys.js';
import { withFields } from '../core/log.js';
import { reopeningReceipt } from '../core/receipt.js';
import { receiptHtml } from '../core/receipt-html.js';
import { issueReceipt } from '../runtime/issue-receipt.js';
import { answerMisplaced } from '../runtime/misplaced.js';
import { recordReopening } from '../storage/history.js';
import type { StepDeps } from '../storage/runtime.js';

/** A reopening needs what every pipeline step is given, nothing more. */
type ReopenDeps = StepDeps;

export type ReopenOutcome = 'reopened' | 'not_closed' | 'ignored' | 'misplaced';

export async function reopenTertial(deps: ReopenDeps, event: ObjectEvent): Promise<ReopenOutcome> {
  if (event.kind !== 'created') return ignoreOutsideLayout(deps.log, event, 'reopenings');
  const route = routePeriodActionKey(event.key, 'reopenings');
  if (route.action === 'ignore') return ignoreOutsideLayout(deps.log, event, 'reopenings');
  if (route.action === 'misplaced') return answerMisplaced(deps, event, route, 'reopenings');
  const { period } = route;
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
