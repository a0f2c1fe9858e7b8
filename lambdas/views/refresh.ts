/**
 * What the views function does for each receipt: regenerate the period's draft and
 * status page. The views are that function's only work, so a fault here is thrown to
 * its handler, which makes Lambda retry the receipt's event (the upload, close or
 * template check itself is already committed by its own function).
 */
import { formatPeriod, type Period } from '../core/domain.js';
import { withFields } from '../core/log.js';
import type { ViewDeps } from './deps.js';
import { writeDraft, type DraftResult } from './draft.js';
import { writeUntilStable } from './snapshot.js';
import { writeStatusPage } from './status-page.js';

export type ViewsOutcome = 'refreshed';

/**
 * Regenerates the period's draft (while it is open) and its status page, from one read
 * of the period. Throws when the status page could not be written.
 */
export async function refreshPeriodViews(
  deps: ViewDeps,
  period: Period,
  options: { readonly onlyIfBegun?: boolean } = {},
): Promise<ViewsOutcome> {
  const log = withFields(deps.log, { period: formatPeriod(period) });
  const scoped = { ...deps, log };
  await writeUntilStable(scoped, period, async (snapshot) => {
    // A period nothing has been written to yet has no views to refresh (when asked not to begin them).
    if (options.onlyIfBegun && !snapshot.record) return;
    let draft: DraftResult | undefined;
    try {
      draft = await writeDraft(scoped, snapshot);
    } catch (error) {
      // The status page is still worth writing: it says the draft is behind.
      log.warn('could not write the draft; the status page says it is behind', { error });
    }
    await writeStatusPage(scoped, snapshot, draft);
  });
  return 'refreshed';
}

/**
 * After a template check: the committee's open periods' drafts render with the new template.
 * The periods come from the committee's index in the table (every period item has an
 * entry). Every period is tried; then the first failure is thrown (the others are
 * logged), so a retry redoes them all.
 */
export async function refreshCommitteeViews(deps: ViewDeps, committee: string): Promise<ViewsOutcome> {
  const periods = await deps.repo.listCommitteePeriods(committee);
  let failure: { readonly error: unknown } | undefined;
  // One at a time: a committee has a few periods a year, and a Lambda has time.
  // (A closed period's draft is left alone; only its page is rewritten.)
  for (const period of periods) {
    try {
      await refreshPeriodViews(deps, period);
    } catch (error) {
      deps.log.warn('could not refresh the period views', { period: formatPeriod(period), error });
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
  return 'refreshed';
}
