/**
 * What `tertial status --json` prints: a period's state as a documented, versioned
 * shape (README, "The `tertial` command"), built from the domain record and never from
 * the table item, so the table layout can change without changing what tools read.
 * Its times are Swedish time with the offset (`stockholmIso`), as a person reads them;
 * the table keeps UTC. Version 1 printed the table's UTC times (`…Z`).
 */
import { formatPeriod, type Period } from '../core/domain.js';
import { stockholmIso } from '../core/time.js';
import type { PeriodRecord, UploadCounts } from './repository.js';

export const PERIOD_STATUS_SCHEMA_VERSION = 2;

export interface PeriodStatusFile {
  /** Whether a version of the file is in force (its rows are in the period). */
  readonly inForce: boolean;
  /** The newest event for the file: accepted, rejected (refused) or deleted. */
  readonly lastOutcome: 'accepted' | 'rejected' | 'deleted';
  readonly lastEventAt: string;
  /** When the version in force was accepted. */
  readonly acceptedAt?: string;
  readonly counts?: UploadCounts;
}

export interface PeriodStatus {
  readonly schemaVersion: typeof PERIOD_STATUS_SCHEMA_VERSION;
  readonly period: string;
  readonly committee: string;
  readonly year: number;
  readonly tertial: number;
  /** `NONE`: nothing was ever uploaded or closed for the period. */
  readonly state: 'NONE' | 'OPEN' | 'CLOSED';
  readonly closure: {
    readonly closedAt: string;
    readonly document: string;
    readonly meetingDate?: string;
    readonly diarienummer?: string;
    readonly documentDate?: string;
  } | null;
  /** By upload name, in name order. */
  readonly files: Readonly<Record<string, PeriodStatusFile>>;
}

/** A stored time in Swedish time; a stored value that is not a time is shown as it is, not hidden. */
function time(stored: string): string {
  return Number.isNaN(Date.parse(stored)) ? stored : stockholmIso(stored);
}

export function periodStatus(period: Period, record: PeriodRecord | undefined): PeriodStatus {
  const files = Object.entries(record?.files ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, f]): [string, PeriodStatusFile] => [
      name,
      {
        inForce: f.generation !== undefined,
        lastOutcome: f.lastOutcome,
        lastEventAt: time(f.lastEventAt),
        ...(f.generation !== undefined && f.acceptedAt ? { acceptedAt: time(f.acceptedAt) } : {}),
        ...(f.generation !== undefined && f.counts ? { counts: f.counts } : {}),
      },
    ]);
  const closure = record?.state === 'CLOSED' && record.closure ? record.closure : undefined;
  return {
    schemaVersion: PERIOD_STATUS_SCHEMA_VERSION,
    period: formatPeriod(period),
    committee: period.committee,
    year: period.year,
    tertial: period.tertial,
    state: record?.state ?? 'NONE',
    closure: closure ? { closedAt: time(closure.closedAt), document: closure.documentKey, ...closure.closure } : null,
    files: Object.fromEntries(files),
  };
}
