/**
 * Lambda entry point for the period views: every receipt written to the output bucket
 * (receipts/…json) regenerates its period's draft and status page, or, for a template
 * receipt, those of the committee's periods; a closing receipt also brings the next
 * tertial's workbook, and a closing or reopening receipt the next tertial's draft. Kept out of the ingest and assemble
 * functions so an upload never waits for (or loads) the document renderer.
 */
import type { Context, S3Event } from 'aws-lambda';
import { invocationLogger, type InvocationContext } from '../runtime/invocation.js';
import { dispatchS3Event } from '../runtime/dispatch.js';
import { formatPeriod } from '../core/domain.js';
import {
  closureReceiptKey,
  isMisplacedReceiptKey,
  nextPeriod,
  parseReceiptKey,
  reopeningReceiptKey,
} from '../core/keys.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../runtime/powertools-log.js';
import { createRuntime, type Runtime } from '../storage/runtime.js';
import { viewDeps, type ViewDeps } from './deps.js';
import { comparedTertial } from '../storage/previous-tertial.js';
import { writeNextWorkbook } from './next-workbook.js';
import { refreshCommitteeViews, refreshPeriodViews, type ViewsOutcome } from './refresh.js';

export type ViewsHandlerOutcome = ViewsOutcome | 'ignored';

export function makeViewsHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date()) {
  const baseViews = viewDeps(runtime, log, clock);
  const logFor = invocationLogger(log);
  return (event: S3Event, context?: InvocationContext): Promise<ViewsHandlerOutcome[]> => {
    const invocationLog = logFor(context);
    return handleViews(event, { ...baseViews, log: invocationLog });
  };
}

function handleViews(event: S3Event, views: ViewDeps): Promise<ViewsHandlerOutcome[]> {
  const { log } = views;
  return dispatchS3Event(event, 'views', log, async (e) => {
    // A misplaced upload's receipt belongs to no period: there is no view to refresh.
    if (isMisplacedReceiptKey(e.key)) return 'ignored';
    const about = parseReceiptKey(e.key);
    if (!about) {
      log.warn('ignoring an object outside the receipts layout', { bucket: e.bucket, key: e.key });
      return 'ignored';
    }
    let failure: { readonly error: unknown } | undefined;
    try {
      await ('period' in about
        ? refreshPeriodViews(views, about.period)
        : refreshCommitteeViews(views, about.committee));
      // A close or a reopening changes what the next tertial's draft compares with
      // ("Förändringar sedan tertial N"): its draft and page are written again, if it has begun.
      if (
        'period' in about &&
        (e.key === closureReceiptKey(about.period) || e.key === reopeningReceiptKey(about.period))
      ) {
        const next = nextPeriod(about.period);
        const compared = comparedTertial(next);
        // Only a tertial of the same year compares with this one (a T1 compares with none).
        if (compared?.year === about.period.year && compared.tertial === about.period.tertial)
          await refreshPeriodViews(views, next, { onlyIfBegun: true });
      }
    } catch (error) {
      failure = { error };
    }
    // A closing receipt: the next tertial's workbook, ready to send out, even when the
    // views failed (the retry writes it again, which is harmless).
    if ('period' in about && e.key === closureReceiptKey(about.period)) await writeNextWorkbook(views, about.period);
    // The views are this function's only work: a failure is thrown so Lambda retries
    // the event and, in the end, the failure queue keeps it, with the fault as cause.
    if (failure)
      throw new Error(`views not refreshed for ${'period' in about ? formatPeriod(about.period) : about.committee}`, {
        cause: failure.error,
      });
    return 'refreshed';
  });
}

let cached: ReturnType<typeof makeViewsHandler> | undefined;

export const handler = (event: S3Event, context: Context): Promise<ViewsHandlerOutcome[]> => {
  cached ??= makeViewsHandler(createRuntime(), powertoolsLog('tertial-views'));
  return cached(event, context);
};
