/**
 * The stored formats of the table and of the period history in S3, one schema each.
 * Closed tertials are read again for years (the next tertial's comparison, reindex, a
 * re-render), so every item and record is parsed on every read, never cast: data that
 * no longer fits fails loudly with the item's key instead of turning into `undefined`
 * in a committee document.
 *
 * Each format carries `schemaVersion`. Version 0 is what the pipeline wrote before the
 * field existed; it is read through an explicit migration. A change to a format adds a
 * version and a migration here, and a fixture folder under `test/fixtures/stored/`
 * (the stored-format tests read every folder, so old data keeps being readable).
 *
 * zod's `mini` entry keeps the bundles small (about 20 KiB against about 90 KiB for
 * the same schemas with the classic entry).
 */
import * as z from 'zod/mini';
import {
  ACTIVITY_STATUSES,
  ASSESSMENTS,
  type Activity,
  type CaseSection,
  type Goal,
  type UploadContent,
} from '../core/domain.js';
import { TertialError } from './errors.js';

export const SCHEMA_VERSION = 1;

/** A stored item or record that does not match its schema: a fault, never staff input. */
export class StoredFormatError extends TertialError {
  constructor(what: string, detail: string) {
    super('stored_format', `${what} does not match its stored format: ${detail}`);
  }
}

/** Version 0 (no field) or the current one; anything else was written by a newer version of the code. */
const schemaVersion = z.optional(z.union([z.literal(0), z.literal(SCHEMA_VERSION)]));

const sourceRef = z.object({ file: z.string(), sheet: z.string(), row: z.number() });

const goalEntry = z.object({
  t: z.literal('g'),
  id: z.optional(z.string()),
  title: z.string(),
  assessment: z.optional(z.enum(ASSESSMENTS)),
  motivation: z.string(),
  focusArea: z.optional(z.string()),
  source: sourceRef,
});

const activityEntry = z.object({
  t: z.literal('a'),
  goalRef: z.string(),
  title: z.string(),
  status: z.enum(ACTIVITY_STATUSES),
  comment: z.string(),
  responsible: z.optional(z.string()),
  source: sourceRef,
});

const caseEntry = z.union([
  z.object({
    t: z.literal('c'),
    kind: z.enum(['summary', 'considerations', 'proposal']),
    text: z.string(),
    source: sourceRef,
  }),
  z.object({ t: z.literal('c'), kind: z.literal('focusArea'), name: z.string(), text: z.string(), source: sourceRef }),
]);

/** One chunk of staged rows: a JSON array of entries, each tagged goal, activity or case text. */
const chunkEntries = z.array(z.union([goalEntry, activityEntry, caseEntry]));

export const chunkItem = z.object({
  schemaVersion,
  pk: z.string(),
  sk: z.string(),
  upload: z.string(),
  entries: z.string(),
});

const counts = z.object({ goals: z.number(), activities: z.number(), caseSections: z.number() });

export const fileEntry = z.object({
  sequencer: z.string().check(z.regex(/^[0-9A-F]{40}$/)),
  generation: z.optional(z.string()),
  acceptedSequencer: z.optional(z.string().check(z.regex(/^[0-9A-F]{40}$/))),
  chunks: z.optional(z.number()),
  counts: z.optional(counts),
  acceptedAt: z.optional(z.string()),
  lastOutcome: z.enum(['accepted', 'rejected', 'deleted']),
  lastEventAt: z.string(),
});

const closure = z.object({
  meetingDate: z.optional(z.string()),
  diarienummer: z.optional(z.string()),
  documentDate: z.optional(z.string()),
});

export const closureRecord = z.object({
  closedAt: z.string(),
  documentKey: z.string(),
  closure,
  template: z.optional(z.string()),
});

/** What `previousClosures` keeps: the closure undone, or (reopened before a closure was recorded) only when. */
const previousClosure = z.union([closureRecord, z.object({ reopenedAt: z.string() })]);

export const periodItem = z.object({
  schemaVersion,
  pk: z.string(),
  sk: z.literal('PERIOD'),
  state: z.enum(['OPEN', 'CLOSED']),
  version: z.number(),
  files: z.record(z.string(), fileEntry),
  closure: z.optional(closureRecord),
  previousClosures: z.optional(z.array(previousClosure)),
  createdAt: z.optional(z.string()),
  updatedAt: z.optional(z.string()),
  reopenedAt: z.optional(z.string()),
});

export const templateItem = z.object({
  schemaVersion,
  pk: z.string(),
  sk: z.literal('TEMPLATE'),
  sequencer: z.string(),
  key: z.string(),
  acceptedAt: z.string(),
});

/** The index entry of one of a committee's periods. */
export const periodIndexItem = z.object({
  schemaVersion,
  pk: z.string(),
  sk: z.string(),
  year: z.number(),
  tertial: z.union([z.literal(1), z.literal(2), z.literal(3)]),
});

/**
 * The record of a close in the period history (`history/…/closes/{version}.json`):
 * the closure as the table recorded it and every file in force, by the sequencer of the
 * accepted copy beside it.
 */
export const closeRecord = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  kind: z.literal('close'),
  period: z.string(),
  version: z.number(),
  closure: closureRecord,
  files: z.record(
    z.string(),
    z.object({ sequencer: z.string(), counts: z.optional(counts), acceptedAt: z.optional(z.string()) }),
  ),
});

export const reopenRecord = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  kind: z.literal('reopening'),
  period: z.string(),
  version: z.number(),
  reopenedAt: z.string(),
});

export type StoredFileEntry = z.infer<typeof fileEntry>;
export type CloseRecord = z.infer<typeof closeRecord>;
export type ReopenRecord = z.infer<typeof reopenRecord>;

/** Parses `value` against `schema`, naming `what` (an item key, an object key) when it does not fit. */
export function parseStored<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new StoredFormatError(what, detail);
}

/** JSON text of a stored record → its parsed value. */
export function parseStoredJson<T>(schema: z.ZodMiniType<T>, text: string, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StoredFormatError(what, `not JSON (${(err as Error).message})`);
  }
  return parseStored(schema, raw, what);
}

/** The rows of one chunk, as domain values. Versions 0 and 1 share the entry format. */
export function parseChunkEntries(json: string, what: string): UploadContent {
  const entries = parseStoredJson(chunkEntries, json, what);
  const goals: Goal[] = [];
  const activities: Activity[] = [];
  const caseSections: CaseSection[] = [];
  for (const { t, ...rest } of entries) {
    if (t === 'g') goals.push(rest as Goal);
    else if (t === 'a') activities.push(rest as Activity);
    else caseSections.push(rest as CaseSection);
  }
  return { goals, activities, caseSections };
}
