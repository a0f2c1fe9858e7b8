/**
 * The domain vocabulary shared by every layer: periods, goals, activities and the
 * issues found in staff input. Pure types and small helpers, no I/O.
 */
import type { IssueCode } from './issue-codes.js';

export type Tertial = 1 | 2 | 3;

/** A committee's reporting period: one tertial of one year. */
export interface Period {
  /** Committee slug, `[a-z0-9-]{1,32}`, e.g. `ks`. */
  readonly committee: string;
  readonly year: number;
  readonly tertial: Tertial;
}

export const ACTIVITY_STATUSES = ['Ej påbörjad', 'Pågående', 'Genomförd', 'Avbruten'] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];

export const ASSESSMENTS = ['Uppfyllt', 'Delvis uppfyllt', 'Ej uppfyllt', 'Ej bedömt'] as const;
export type Assessment = (typeof ASSESSMENTS)[number];

/** Where a value came from, so every message can name the file, sheet and row. */
export interface SourceRef {
  readonly file: string;
  readonly sheet: string;
  /** 1-based row number as staff see it in Excel (or the CSV line's record number + header offset). */
  readonly row: number;
}

export interface Goal {
  /** Short id such as `KS1`; optional. */
  readonly id?: string;
  readonly title: string;
  readonly assessment?: Assessment;
  /** May contain `\n`: each line is its own paragraph in the document. */
  readonly motivation: string;
  readonly focusArea?: string;
  readonly source: SourceRef;
}

export interface Activity {
  /** The goal's id or its title, as written in the `Mål` column. */
  readonly goalRef: string;
  readonly title: string;
  readonly status: ActivityStatus;
  /** May contain `\n`: each line is its own paragraph in the document. */
  readonly comment: string;
  readonly responsible?: string;
  readonly source: SourceRef;
}

/** One row of the `Ärende` sheet. */
export type CaseSection =
  | { readonly kind: 'summary'; readonly text: string; readonly source: SourceRef }
  | { readonly kind: 'considerations'; readonly text: string; readonly source: SourceRef }
  | { readonly kind: 'proposal'; readonly text: string; readonly source: SourceRef }
  | { readonly kind: 'focusArea'; readonly name: string; readonly text: string; readonly source: SourceRef };

/** Everything one accepted upload contributes to its period. */
export interface UploadContent {
  readonly goals: readonly Goal[];
  readonly activities: readonly Activity[];
  readonly caseSections: readonly CaseSection[];
}

/**
 * A problem with staff input. `code` is stable English for machines and logs;
 * `message` is Swedish for the person who uploaded the file.
 */
export interface InputIssue {
  readonly code: IssueCode;
  readonly message: string;
  readonly file: string;
  readonly sheet?: string;
  readonly row?: number;
  /** The column's header as staff wrote it, or its letter when there is no header. */
  readonly column?: string;
  readonly value?: string;
}

export type ParseResult =
  | { readonly ok: true; readonly content: UploadContent; readonly warnings: readonly InputIssue[] }
  | { readonly ok: false; readonly errors: readonly InputIssue[]; readonly warnings: readonly InputIssue[] };

export const COMMITTEE_PATTERN = /^[a-z0-9-]{1,32}$/;

export function formatPeriod(p: Period): string {
  return `${p.committee} ${p.year}-T${p.tertial}`;
}
