/**
 * The hooks the handlers call after an event: regenerate the period's draft and status
 * page. The event itself is already committed, so a fault here is logged and never
 * thrown: it must not make Lambda retry an upload, a close or a template check that
 * succeeded. The next event for the period writes the views again.
 */
import { formatPeriod, type Period } from '../core/domain.js';
import { withFields } from '../core/log.js';
import type { ViewDeps } from './deps.js';
import { writeDraft, type DraftResult } from './draft.js';
import { writeUntilStable } from './snapshot.js';
import { writeStatusPage } from './status-page.js';

export type ViewsOutcome = 'refreshed' | 'failed';

/**
 * Regenerates the period's draft (while it is open) and its status page, from one read
 * of the period. Never throws.
 */
export async function refreshPeriodViews(deps: ViewDeps, period: Period): Promise<ViewsOutcome> {
  const log = withFields(deps.log, { period: formatPeriod(period) });
  const scoped = { ...deps, log };
  try {
    await writeUntilStable(scoped, period, async (snapshot) => {
      let draft: DraftResult | undefined;
      try {
        draft = await writeDraft(scoped, snapshot);
      } catch (error) {
        // The status page is still worth writing: it says the draft is behind.
        log.warn('could not write the draft; the upload itself is committed', { error });
      }
      await writeStatusPage(scoped, snapshot, draft);
    });
    return 'refreshed';
  } catch (error) {
    log.warn('could not refresh the period views; the event itself is committed', { error });
    return 'failed';
  }
}

/**
 * After a template check: the committee's open periods' drafts render with the new template.
 * The periods come from the committee's index in the table (every period item has an
 * entry). Never throws.
 */
export async function refreshCommitteeViews(deps: ViewDeps, committee: string): Promise<ViewsOutcome> {
  let periods: Period[];
  try {
    periods = await deps.repo.listCommitteePeriods(committee);
  } catch (error) {
    deps.log.warn('could not list the committee periods to refresh their views', { committee, error });
    return 'failed';
  }
  let outcome: ViewsOutcome = 'refreshed';
  // One at a time: a committee has a few periods a year, and a Lambda has time.
  // (A closed period's draft is left alone; only its page is rewritten.)
  for (const period of periods) {
    if ((await refreshPeriodViews(deps, period)) === 'failed') outcome = 'failed';
  }
  return outcome;
}
