/**
 * The table's key shapes, per item kind. No SDK import, so the CDK stack can use the
 * same constants for its `dynamodb:LeadingKeys` conditions that the repository writes
 * its keys with, and the two cannot drift apart.
 *
 *   pk = PERIOD#{committee}#{year}#T{n}   everything about one tertial: the period item,
 *                                         and the staged rows of its uploads
 *   pk = COMMITTEE#{committee}            everything about one committee: the template
 *                                         in force, the index of its periods
 */
import type { Period } from '../core/domain.js';

/** The partition-key prefix of each item kind; `{prefix}*` matches all keys of that kind. */
export const TABLE_KEY_PREFIXES = {
  period: 'PERIOD#',
  committee: 'COMMITTEE#',
} as const;

export type TableItemKind = keyof typeof TABLE_KEY_PREFIXES;

/** The partition key of every item of one period. */
export function periodPk(p: Period): string {
  return `${TABLE_KEY_PREFIXES.period}${p.committee}#${p.year}#T${p.tertial}`;
}

/** The sort key of a period's own item (its state, files and closure). */
export const PERIOD_SK = 'PERIOD';

/** The partition key of every item of one committee. */
export function committeePk(committee: string): string {
  return `${TABLE_KEY_PREFIXES.committee}${committee}`;
}

/**
 * The partition-key patterns (IAM `StringLike`) a function may touch, per item kind.
 * A committee slug cannot contain `#`, so `PERIOD#*` never matches a committee's items.
 */
export function leadingKeyPatterns(kinds: readonly TableItemKind[]): string[] {
  return kinds.map((kind) => `${TABLE_KEY_PREFIXES[kind]}*`);
}

/**
 * Which item kinds each function reads or writes. The views function only reads; the
 * template check touches nothing of a period.
 */
export const TABLE_ITEM_KINDS = {
  ingest: ['period', 'committee'],
  assemble: ['period', 'committee'],
  templateCheck: ['committee'],
  views: ['period', 'committee'],
} as const satisfies Record<string, readonly TableItemKind[]>;

/**
 * The item kinds the repository batch-writes: only a period's staged rows (staged by
 * `stageUpload`, removed by `deleteGeneration` and `sweepOrphans`). BatchWriteItem puts
 * or deletes whole items, unconditionally, so the functions get it on these kinds alone.
 */
export const BATCH_WRITTEN_KINDS = ['period'] as const satisfies readonly TableItemKind[];
