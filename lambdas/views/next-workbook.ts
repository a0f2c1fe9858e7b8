/**
 * When a tertial closes, the workbook for the next one is written to
 * `workbooks/{committee}/{year}/T{n}/`, so the secretary can send it out the same day.
 * Within a year (T1 → T2 → T3) it carries over the goals and every activity that is not
 * Genomförd or Avbruten, with last tertial's comment beside an empty one; the first
 * tertial of the next year gets the goals only.
 */
import { formatPeriod, type Period } from '../core/domain.js';
import { nextPeriod, workbookKey } from '../core/keys.js';
import { buildWorkbook } from '../core/workbook.js';
import { loadCommitteeSettings } from '../storage/committee-settings.js';
import { CONTENT_TYPES } from '../storage/objects.js';
import type { ViewDeps } from './deps.js';

export type NextWorkbookOutcome = 'written' | 'not_closed';

export async function writeNextWorkbook(deps: ViewDeps, period: Period): Promise<NextWorkbookOutcome> {
  const record = await deps.repo.getPeriod(period);
  if (record?.state !== 'CLOSED') return 'not_closed';
  const next = nextPeriod(period);
  const uploads = (await deps.repo.readActiveUploads(record)).map((u) => u.content);
  const settings = await loadCommitteeSettings(deps, period.committee);
  const bytes = await buildWorkbook({
    period: next,
    ...(settings.ok ? { config: settings.config } : {}),
    ...(next.year === period.year ? { previous: uploads } : { goals: uploads.flatMap((u) => u.goals) }),
  });
  const key = workbookKey(next);
  await deps.objects.put(deps.documentsBucket, key, bytes, CONTENT_TYPES.xlsx);
  deps.log.info('workbook for the next tertial written', {
    period: formatPeriod(period),
    next: formatPeriod(next),
    key,
  });
  return 'written';
}
