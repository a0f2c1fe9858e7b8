/**
 * One read of everything the period's views are made from, and the rule that makes
 * concurrent refreshes converge.
 *
 * S3 has no compare-and-swap that s3rver supports, so two refreshes racing each other
 * can land in either order. Each refresh therefore writes first and then checks that
 * the period item is unchanged since its read; if it changed, it reads and writes
 * again. Whatever commit came last, the refresh that observed it writes after every
 * refresh that did not, so the last object written is built from the newest state.
 */
import type { Period, UploadContent } from '../core/domain.js';
import type { PreviousTertial } from '../core/report.js';
import { loadCommitteeSettings, type CommitteeSettings } from '../storage/committee-settings.js';
import { loadPreviousTertial } from '../storage/previous-tertial.js';
import type { FileEntry, PeriodRecord } from '../storage/repository.js';
import type { ViewDeps } from './deps.js';

export interface PeriodSnapshot {
  readonly period: Period;
  /** Undefined when nothing was ever uploaded or closed for the period. */
  readonly record: PeriodRecord | undefined;
  readonly settings: CommitteeSettings;
  /** The uploads in force, sorted by name. */
  readonly uploads: readonly { readonly name: string; readonly entry: FileEntry; readonly content: UploadContent }[];
  /** The previous tertial of the same year when it is closed, as the close compares with it. */
  readonly previous?: PreviousTertial | undefined;
}

export async function readSnapshot(deps: ViewDeps, period: Period): Promise<PeriodSnapshot> {
  const record = await deps.repo.getPeriod(period);
  const [settings, uploads, previous] = await Promise.all([
    loadCommitteeSettings(deps, period.committee),
    record ? deps.repo.readActiveUploads(record) : Promise.resolve([]),
    record ? loadPreviousTertial(deps.repo, period) : Promise.resolve(undefined),
  ]);
  return { period, record, settings, uploads, previous };
}

/** Every commit bumps the version; a close flips the state without bumping it. */
async function unchangedSince(deps: ViewDeps, snapshot: PeriodSnapshot): Promise<boolean> {
  const now = await deps.repo.getPeriod(snapshot.period);
  return now?.version === snapshot.record?.version && now?.state === snapshot.record?.state;
}

const MAX_ATTEMPTS = 4;

/** Runs `write` on a fresh snapshot until the period did not change while it ran (bounded). */
export async function writeUntilStable<T>(
  deps: ViewDeps,
  period: Period,
  write: (snapshot: PeriodSnapshot) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const snapshot = await readSnapshot(deps, period);
    const result = await write(snapshot);
    if (attempt >= MAX_ATTEMPTS || (await unchangedSince(deps, snapshot))) return result;
    // The event that changed it refreshes the views too; this attempt just must not be the last writer.
    deps.log.debug('period changed while its views were written; writing them again', { attempt });
  }
}
