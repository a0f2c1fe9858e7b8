/**
 * The previous tertial of the same year, as the draft and the close both compare with it.
 */
import type { Period, Tertial } from '../core/domain.js';
import type { PreviousTertial } from '../core/report.js';
import type { PeriodRepository } from './repository.js';

/** The tertial a period's report compares with: the one before it in the same year (none for T1). */
export function comparedTertial(period: Period): Period | undefined {
  return period.tertial === 1 ? undefined : { ...period, tertial: (period.tertial - 1) as Tertial };
}

/**
 * The previous tertial of the same year (T1 for T2, T2 for T3), if it is closed: its
 * frozen uploads. An open one is still changing, so it is left out.
 */
export async function loadPreviousTertial(
  repo: Pick<PeriodRepository, 'getPeriod' | 'readActiveUploads'>,
  period: Period,
): Promise<PreviousTertial | undefined> {
  const previous = comparedTertial(period);
  if (!previous) return undefined;
  const record = await repo.getPeriod(previous);
  if (record?.state !== 'CLOSED') return undefined;
  const uploads = await repo.readActiveUploads(record);
  return { period: previous, uploads: uploads.map((u) => ({ name: u.name, content: u.content })) };
}
