/**
 * The table layout: the one module that knows every item shape and every conditional
 * write. One table, keys `pk` and `sk`.
 *
 *   pk = PERIOD#{committee}#{year}#T{n}, sk = PERIOD
 *     the period item, and the commit point: state (OPEN | CLOSED), version (bumped by
 *     every commit), files (upload name → FileEntry), closure.
 *   pk = PERIOD#…, sk = GEN#{generation}#{chunk}
 *     the rows of one accepted upload, staged before the commit. They are visible only
 *     while the period item's files map points at their generation.
 *   pk = COMMITTEE#{committee}, sk = TEMPLATE
 *     which accepted copy of the committee's own template is in force.
 *   pk = COMMITTEE#{committee}, sk = PERIOD#{year}#T{n}
 *     the index of the committee's periods, written with the period item.
 *
 * Every item is parsed against its schema (`formats.ts`) when it is read, and mapped to
 * the domain values below here and nowhere else; callers use the named operations.
 *
 * A reader follows the period item, so it never sees a mix of two versions of one
 * upload; a commit is one conditional UpdateItem, which works the same on DynamoDB,
 * DynamoDB Local and dynalite (none of the pipeline needs transactions).
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Closure } from '../core/closure.js';
import type { Activity, CaseSection, Goal, Period, Tertial, UploadContent } from '../core/domain.js';
import { ContentionError, UnprocessedItemsError } from './errors.js';
import {
  chunkItem,
  parseChunkEntries,
  parseStored,
  periodIndexItem,
  periodItem,
  SCHEMA_VERSION,
  templateItem,
  type StoredFileEntry,
} from './formats.js';
import { committeePk, PERIOD_SK, periodPk } from './table-keys.js';

export type PeriodState = 'OPEN' | 'CLOSED';

export interface UploadCounts {
  readonly goals: number;
  readonly activities: number;
  readonly caseSections: number;
}

/** What the period item records for one upload key. */
export interface FileEntry {
  /** Normalised sequencer of the newest event applied for this key. */
  readonly sequencer: string;
  /** Generation of the version in force; absent when no version is (rejected first upload, or deleted). */
  readonly generation?: string;
  /** Sequencer of the event that brought the version in force: its accepted copy in the history is under it. */
  readonly acceptedSequencer?: string;
  readonly chunks?: number;
  readonly counts?: UploadCounts;
  /** When the version in force was accepted (ISO). */
  readonly acceptedAt?: string;
  /** The latest event's outcome for this key. */
  readonly lastOutcome: 'accepted' | 'rejected' | 'deleted';
  readonly lastEventAt: string;
}

export interface ClosureRecord {
  readonly closedAt: string;
  readonly documentKey: string;
  /** The closure's meeting metadata, kept so a retry renders the same document. */
  readonly closure: Closure;
  /** Which template (key and version) the document was rendered with. */
  readonly template?: string;
}

export interface PeriodRecord {
  readonly period: Period;
  readonly state: PeriodState;
  readonly version: number;
  readonly files: Readonly<Record<string, FileEntry>>;
  readonly closure?: ClosureRecord;
}

/** `full`: the period item would pass DynamoDB's 400 KB item limit (README: "Limits"); nothing was written. */
export type CommitOutcome = 'committed' | 'stale' | 'closed' | 'full';
export type CloseOutcome = 'closed' | 'already_closed' | 'changed';

/** Bytes of one staged chunk; DynamoDB's item limit is 400 KB including names. */
const CHUNK_BYTES = 300_000;
const BATCH_SIZE = 25;
const MAX_OPTIMISTIC_ATTEMPTS = 20;
const MAX_BATCH_ROUNDS = 10;

type Entry = ({ t: 'g' } & Goal) | ({ t: 'a' } & Activity) | ({ t: 'c' } & CaseSection);

export interface AcceptedTemplate {
  /** Normalised sequencer of the upload event that brought this version. */
  readonly sequencer: string;
  /** Its immutable copy in the output bucket. */
  readonly key: string;
  readonly acceptedAt: string;
}

const TEMPLATE_SK = 'TEMPLATE';

export { periodPk };

function chunkSk(generation: string, chunk: number): string {
  return `GEN#${generation}#${String(chunk).padStart(5, '0')}`;
}

export function newGeneration(now: Date): string {
  return `${now.getTime().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** When a generation was created (ms), from its id; undefined for a malformed id. */
export function generationTime(generation: string): number | undefined {
  const m = /^([0-9a-z]+)-[0-9a-f]{8}$/.exec(generation);
  if (!m) return undefined;
  const ms = parseInt(m[1] as string, 36);
  return Number.isFinite(ms) ? ms : undefined;
}

export function countsOf(content: UploadContent): UploadCounts {
  return {
    goals: content.goals.length,
    activities: content.activities.length,
    caseSections: content.caseSections.length,
  };
}

/** Splits an upload's entries into JSON chunks that each fit one item. */
export function chunkContent(content: UploadContent, chunkBytes = CHUNK_BYTES): string[] {
  const entries: Entry[] = [
    ...content.goals.map((g) => ({ t: 'g' as const, ...g })),
    ...content.activities.map((a) => ({ t: 'a' as const, ...a })),
    ...content.caseSections.map((c) => ({ t: 'c' as const, ...c })),
  ];
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const entry of entries) {
    const json = JSON.stringify(entry);
    const bytes = Buffer.byteLength(json) + 1;
    if (current.length > 0 && size + bytes > chunkBytes) {
      chunks.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += bytes;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(`[${current.join(',')}]`);
  return chunks;
}

export function unchunkContent(chunks: readonly string[], what = 'staged rows'): UploadContent {
  const goals: Goal[] = [];
  const activities: Activity[] = [];
  const caseSections: CaseSection[] = [];
  for (const chunk of chunks) {
    const content = parseChunkEntries(chunk, what);
    goals.push(...content.goals);
    activities.push(...content.activities);
    caseSections.push(...content.caseSections);
  }
  return { goals, activities, caseSections };
}

/** What an accepted upload records beside its rows. */
export interface AcceptedVersion {
  readonly generation: string;
  readonly chunks: number;
  readonly counts: UploadCounts;
  readonly acceptedAt: string;
}

/** One S3 event for one upload key: its sequencer and when S3 says it happened. */
export interface UploadEvent {
  readonly sequencer: string;
  readonly eventTime: string;
}

export type CommitResult = Awaited<ReturnType<PeriodRepository['commitFile']>>;

const PERIOD_INDEX_SK_PREFIX = 'PERIOD#';

function periodIndexSk(p: Period): string {
  return `${PERIOD_INDEX_SK_PREFIX}${p.year}#T${p.tertial}`;
}

/**
 * Version 0 entries do not say which event brought the version in force; when the
 * newest event was the accepted one, it is that event.
 */
function toFileEntry(entry: StoredFileEntry): FileEntry {
  if (entry.acceptedSequencer !== undefined || entry.generation === undefined || entry.lastOutcome !== 'accepted')
    return entry as FileEntry;
  return { ...entry, acceptedSequencer: entry.sequencer } as FileEntry;
}

/** The period item as read → the domain record. The one place that knows the item's fields. */
export function periodRecordFromItem(period: Period, raw: Record<string, unknown>): PeriodRecord {
  const item = parseStored(periodItem, raw, `period item ${periodPk(period)}`);
  return {
    period,
    state: item.state,
    version: item.version,
    files: Object.fromEntries(Object.entries(item.files).map(([name, entry]) => [name, toFileEntry(entry)])),
    ...(item.closure ? { closure: item.closure as ClosureRecord } : {}),
  };
}

function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * DynamoDB refuses an update that would make the item larger than 400 KB, with this
 * ValidationException (DynamoDB, DynamoDB Local and dynalite word it alike). The write
 * is refused whole, so the item is as it was.
 */
function isItemTooLarge(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'ValidationException' && /item size .*exceeded the maximum allowed size/i.test(e.message ?? '');
}

export interface RepositoryOptions {
  /** Bytes of staged entries per item; smaller only in tests, to make many batches. */
  readonly chunkBytes?: number;
}

export class PeriodRepository {
  private readonly chunkBytes: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: RepositoryOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  }

  async getPeriod(period: Period): Promise<PeriodRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: periodPk(period), sk: PERIOD_SK }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return periodRecordFromItem(period, out.Item);
  }

  /**
   * The period's state and version with the entry of one file only. A commit needs no
   * more, and the period item grows with every file: reading all of it for each of a
   * deadline's hundreds of uploads made each commit cost in proportion to the period.
   */
  async getFileState(period: Period, uploadName: string): Promise<PeriodRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: periodPk(period), sk: PERIOD_SK },
        ProjectionExpression: 'pk, sk, schemaVersion, #state, #version, #files.#f',
        ExpressionAttributeNames: { '#state': 'state', '#version': 'version', '#files': 'files', '#f': uploadName },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    return periodRecordFromItem(period, { files: {}, ...out.Item });
  }

  /**
   * Creates the period item (OPEN, no files) unless it exists, and its entry in the
   * committee's index (first, so no period item exists without one). Idempotent.
   */
  async ensurePeriod(period: Period, now: Date): Promise<PeriodRecord> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: committeePk(period.committee), sk: periodIndexSk(period) },
        UpdateExpression: 'SET #sv = :sv, #year = :year, #tertial = :tertial',
        ExpressionAttributeNames: { '#sv': 'schemaVersion', '#year': 'year', '#tertial': 'tertial' },
        ExpressionAttributeValues: { ':sv': SCHEMA_VERSION, ':year': period.year, ':tertial': period.tertial },
      }),
    );
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: periodPk(period), sk: PERIOD_SK },
        // A version-0 item has the same fields as version 1: it is tagged, not converted.
        UpdateExpression:
          'SET #sv = :sv, #state = if_not_exists(#state, :open), #version = if_not_exists(#version, :zero), #files = if_not_exists(#files, :empty), #createdAt = if_not_exists(#createdAt, :now)',
        ExpressionAttributeNames: {
          '#sv': 'schemaVersion',
          '#state': 'state',
          '#version': 'version',
          '#files': 'files',
          '#createdAt': 'createdAt',
        },
        ExpressionAttributeValues: {
          ':sv': SCHEMA_VERSION,
          ':open': 'OPEN',
          ':zero': 0,
          ':empty': {},
          ':now': now.toISOString(),
        },
      }),
    );
    const record = await this.getPeriod(period);
    if (!record) throw new Error(`period item ${periodPk(period)} vanished after it was written`);
    return record;
  }

  /** Writes an upload's rows under a fresh generation. Invisible until {@link commitFile}. */
  async stageUpload(period: Period, generation: string, uploadName: string, content: UploadContent): Promise<number> {
    const chunks = chunkContent(content, this.chunkBytes);
    const items = chunks.map((entries, i) => ({
      schemaVersion: SCHEMA_VERSION,
      pk: periodPk(period),
      sk: chunkSk(generation, i),
      upload: uploadName,
      entries,
    }));
    try {
      await this.batchWrite(items.map((Item) => ({ PutRequest: { Item } })));
    } catch (err) {
      // Nothing points at this generation yet; remove what did arrive, then report the fault.
      await this.deleteGeneration(period, generation, chunks.length).catch(() => undefined);
      throw err;
    }
    return chunks.length;
  }

  async readGeneration(period: Period, generation: string): Promise<UploadContent> {
    const chunks: string[] = [];
    for await (const item of this.queryPrefix(periodPk(period), `GEN#${generation}#`))
      chunks.push(parseStored(chunkItem, item, `staged rows ${periodPk(period)} ${String(item.sk)}`).entries);
    return unchunkContent(chunks, `staged rows of generation ${generation} in ${periodPk(period)}`);
  }

  /** Deletes a generation's rows: the garbage of a superseded, removed or failed version. */
  async deleteGeneration(period: Period, generation: string, chunks: number): Promise<void> {
    const requests = Array.from({ length: chunks }, (_, i) => ({
      DeleteRequest: { Key: { pk: periodPk(period), sk: chunkSk(generation, i) } },
    }));
    await this.batchWrite(requests);
  }

  /**
   * An accepted upload, its rows already staged under `accepted.generation`: that
   * generation becomes the file's version in force.
   */
  async acceptUpload(
    period: Period,
    uploadName: string,
    event: UploadEvent,
    accepted: AcceptedVersion,
    now: Date,
  ): Promise<CommitResult> {
    return this.commitEvent(
      period,
      uploadName,
      event,
      'accepted',
      () => ({
        ...accepted,
        acceptedSequencer: event.sequencer,
      }),
      now,
    );
  }

  /** A refused upload: recorded as the key's newest event, while the accepted version in force (if any) stays in force. */
  async rejectUpload(period: Period, uploadName: string, event: UploadEvent, now: Date): Promise<CommitResult> {
    return this.commitEvent(
      period,
      uploadName,
      event,
      'rejected',
      (current) =>
        current?.generation !== undefined
          ? {
              generation: current.generation,
              ...(current.acceptedSequencer !== undefined ? { acceptedSequencer: current.acceptedSequencer } : {}),
              ...(current.chunks !== undefined ? { chunks: current.chunks } : {}),
              ...(current.counts ? { counts: current.counts } : {}),
              ...(current.acceptedAt ? { acceptedAt: current.acceptedAt } : {}),
            }
          : {},
      now,
    );
  }

  /** A deleted upload: the file has no version in force any more. */
  async removeUpload(period: Period, uploadName: string, event: UploadEvent, now: Date): Promise<CommitResult> {
    return this.commitEvent(period, uploadName, event, 'deleted', () => ({}), now);
  }

  /** Commits `event`'s outcome for the key, with what `kept` carries over of the version in force (or brings). */
  private commitEvent(
    period: Period,
    uploadName: string,
    event: UploadEvent,
    outcome: FileEntry['lastOutcome'],
    kept: (current: FileEntry | undefined) => Omit<FileEntry, 'sequencer' | 'lastOutcome' | 'lastEventAt'>,
    now: Date,
  ): Promise<CommitResult> {
    return this.commitFile(
      period,
      uploadName,
      event.sequencer,
      (current) => ({
        ...kept(current),
        sequencer: event.sequencer,
        lastOutcome: outcome,
        lastEventAt: event.eventTime,
      }),
      now,
    );
  }

  /** The committee's periods that have a period item, oldest first. */
  async listCommitteePeriods(committee: string): Promise<Period[]> {
    const periods: Period[] = [];
    for await (const raw of this.queryPrefix(committeePk(committee), PERIOD_INDEX_SK_PREFIX)) {
      const item = parseStored(periodIndexItem, raw, `period index ${committeePk(committee)} ${String(raw.sk)}`);
      periods.push({ committee, year: item.year, tertial: item.tertial as Tertial });
    }
    return periods;
  }

  /**
   * Records the outcome of one event for one upload key, if and only if the period is
   * open and the event is newer than the last one applied to that key. `next` builds
   * the new entry from the one in force (so a rejected version keeps the accepted
   * one's generation). Retries when another writer changed the same key in between.
   */
  async commitFile(
    period: Period,
    uploadName: string,
    sequencer: string,
    next: (current: FileEntry | undefined) => FileEntry,
    now: Date,
  ): Promise<{ outcome: CommitOutcome; previous?: FileEntry }> {
    for (let attempt = 0; attempt < MAX_OPTIMISTIC_ATTEMPTS; attempt++) {
      const record = (await this.getFileState(period, uploadName)) ?? (await this.ensurePeriod(period, now));
      const current = record.files[uploadName];
      if (current && current.sequencer >= sequencer) return { outcome: 'stale', previous: current };
      if (record.state !== 'OPEN') return { outcome: 'closed', ...(current ? { previous: current } : {}) };
      const entry = next(current);
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: periodPk(period), sk: PERIOD_SK },
            UpdateExpression: 'SET #files.#f = :entry, #updatedAt = :now ADD #version :one',
            ConditionExpression: current
              ? '#state = :open AND #files.#f.#seq = :prevSeq'
              : '#state = :open AND attribute_not_exists(#files.#f)',
            ExpressionAttributeNames: {
              '#files': 'files',
              '#f': uploadName,
              '#state': 'state',
              '#version': 'version',
              '#updatedAt': 'updatedAt',
              ...(current ? { '#seq': 'sequencer' } : {}),
            },
            ExpressionAttributeValues: {
              ':entry': entry,
              ':open': 'OPEN',
              ':one': 1,
              ':now': now.toISOString(),
              ...(current ? { ':prevSeq': current.sequencer } : {}),
            },
          }),
        );
        return { outcome: 'committed', ...(current ? { previous: current } : {}) };
      } catch (err) {
        if (isItemTooLarge(err)) return { outcome: 'full', ...(current ? { previous: current } : {}) };
        if (!isConditionFailure(err)) throw err;
        // Someone else wrote this key or closed the period: read again and decide anew.
      }
    }
    throw new ContentionError(
      `gave up committing ${uploadName} in ${periodPk(period)} after ${MAX_OPTIMISTIC_ATTEMPTS} attempts`,
    );
  }

  /**
   * Flips the period OPEN → CLOSED, but only if no upload was committed since the
   * caller read `expectedVersion`, so the document rendered from that read is exactly
   * what the closed period holds.
   */
  async closePeriod(period: Period, expectedVersion: number, closure: ClosureRecord): Promise<CloseOutcome> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: periodPk(period), sk: PERIOD_SK },
          UpdateExpression: 'SET #state = :closed, #closure = :closure',
          ConditionExpression: '#state = :open AND #version = :v',
          ExpressionAttributeNames: { '#state': 'state', '#closure': 'closure', '#version': 'version' },
          ExpressionAttributeValues: {
            ':closed': 'CLOSED',
            ':open': 'OPEN',
            ':v': expectedVersion,
            ':closure': closure,
          },
        }),
      );
      return 'closed';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const now = await this.getPeriod(period);
      return now?.state === 'CLOSED' ? 'already_closed' : 'changed';
    }
  }

  /**
   * Opens a closed period again (CLOSED → OPEN), keeping the closure it had in
   * `previousClosures`. Uploads are accepted again and the next close renders a new
   * version of the document under the same key (the old one stays in S3's version
   * history). Bumps the version, so a close rendered before the reopening cannot land.
   */
  async reopenPeriod(period: Period, reopenedAt: string): Promise<'reopened' | 'not_closed'> {
    const current = await this.getPeriod(period);
    if (current?.state !== 'CLOSED') return 'not_closed';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: periodPk(period), sk: PERIOD_SK },
          UpdateExpression:
            'SET #state = :open, #reopenedAt = :at, #previous = list_append(if_not_exists(#previous, :empty), :closure) REMOVE #closure ADD #version :one',
          // The version pins the closure being archived to the one just read.
          ConditionExpression: '#state = :closed AND #version = :v',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#closure': 'closure',
            '#previous': 'previousClosures',
            '#reopenedAt': 'reopenedAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':open': 'OPEN',
            ':closed': 'CLOSED',
            ':at': reopenedAt,
            ':empty': [],
            ':one': 1,
            ':v': current.version,
            ':closure': [current.closure ?? { reopenedAt }],
          },
        }),
      );
      return 'reopened';
    } catch (err) {
      if (isConditionFailure(err)) return 'not_closed';
      throw err;
    }
  }

  /** The uploads in force, sorted by name, with their rows. */
  async readActiveUploads(record: PeriodRecord): Promise<{ name: string; entry: FileEntry; content: UploadContent }[]> {
    const active = Object.entries(record.files)
      .filter(([, entry]) => entry.generation !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Promise.all(
      active.map(async ([name, entry]) => ({
        name,
        entry,
        content: await this.readGeneration(record.period, entry.generation as string),
      })),
    );
  }

  /**
   * Deletes staged rows that no file of the period points at: the leftovers of an
   * attempt that crashed or timed out before it could clean up after itself. Only
   * generations older than `minAgeMs` are touched, so an ingest still in flight keeps
   * its rows. Returns how many generations were removed.
   */
  async sweepOrphans(period: Period, now: Date, minAgeMs: number): Promise<number> {
    const record = await this.getPeriod(period);
    if (!record) return 0;
    const referenced = new Set(Object.values(record.files).flatMap((f) => (f.generation ? [f.generation] : [])));
    const orphans = new Set<string>();
    const keys: string[] = [];
    for (const sk of await this.stagedRowKeys(period)) {
      const generation = sk.split('#')[1] ?? '';
      if (referenced.has(generation)) continue;
      const bornAt = generationTime(generation);
      if (bornAt === undefined || now.getTime() - bornAt < minAgeMs) continue;
      orphans.add(generation);
      keys.push(sk);
    }
    await this.batchWrite(keys.map((sk) => ({ DeleteRequest: { Key: { pk: periodPk(period), sk } } })));
    return orphans.size;
  }

  /** How many staged row items each generation of the period has, referenced or not. */
  async countStagedRows(period: Period): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const sk of await this.stagedRowKeys(period)) {
      const generation = sk.split('#')[1] ?? '';
      counts.set(generation, (counts.get(generation) ?? 0) + 1);
    }
    return counts;
  }

  private async stagedRowKeys(period: Period): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of this.queryPrefix(periodPk(period), 'GEN#', 'sk')) keys.push(String(item.sk));
    return keys;
  }

  /** Every item of the partition whose sort key starts with `prefix`, page by page, read consistently. */
  private async *queryPrefix(
    pk: string,
    prefix: string,
    projection?: string,
  ): AsyncGenerator<Record<string, unknown>, void, undefined> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          ...(projection ? { ProjectionExpression: projection } : {}),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      yield* out.Items ?? [];
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** The committee's accepted template (the last valid `templates/{committee}.docx`), if any. */
  async getAcceptedTemplate(committee: string): Promise<AcceptedTemplate | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: committeePk(committee), sk: TEMPLATE_SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const item = parseStored(templateItem, out.Item, `template item ${committeePk(committee)}`);
    return { sequencer: item.sequencer, key: item.key, acceptedAt: item.acceptedAt };
  }

  /** Points the committee at a newly accepted template, unless a newer upload already won. */
  async acceptTemplate(committee: string, template: AcceptedTemplate): Promise<'accepted' | 'stale'> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: committeePk(committee), sk: TEMPLATE_SK },
          UpdateExpression: 'SET #sv = :sv, #seq = :seq, #key = :key, #acceptedAt = :at',
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :seq',
          ExpressionAttributeNames: {
            '#sv': 'schemaVersion',
            '#seq': 'sequencer',
            '#key': 'key',
            '#acceptedAt': 'acceptedAt',
          },
          ExpressionAttributeValues: {
            ':sv': SCHEMA_VERSION,
            ':seq': template.sequencer,
            ':key': template.key,
            ':at': template.acceptedAt,
          },
        }),
      );
      return 'accepted';
    } catch (err) {
      if (isConditionFailure(err)) return 'stale';
      throw err;
    }
  }

  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
    // A few batches in flight at once: fast on DynamoDB, gentle on dynalite.
    const concurrency = 4;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++] as Record<string, unknown>[];
        await this.writeBatchFully(batch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  }

  /** BatchWriteItem may return UnprocessedItems under throttling: resend them with backoff. */
  private async writeBatchFully(batch: Record<string, unknown>[]): Promise<void> {
    let pending = batch;
    for (let round = 0; round < MAX_BATCH_ROUNDS && pending.length > 0; round++) {
      if (round > 0) await sleep(Math.min(2000, 25 * 2 ** round) * (0.5 + Math.random()));
      const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }));
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
    if (pending.length > 0) {
      throw new UnprocessedItemsError(`${pending.length} items still unprocessed after ${MAX_BATCH_ROUNDS} rounds`);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The key schema both the CDK stack and the local stack create the table with. */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;
