/**
 * The period history in the output bucket (`history/…`, keys in `core/keys.ts`): what
 * the table commits, kept as immutable objects, so a lost table can be rebuilt from S3
 * alone, on AWS and on the local stack alike (s3rver keeps no object versions, and a
 * refused upload or a refused deletion leaves the upload object saying something
 * else than what is in force).
 *
 *   an accepted upload   a copy of its bytes, under its event's sequencer
 *   a removal            an empty mark, under its event's sequencer
 *   a close              what was in force and the closure, under the period item's version
 *   a reopening          the close it undid, under the same version
 *
 * Each object is written after the commit it records and again by the retry of an
 * event whose commit is already in force, so a crash between the two is made good by
 * Lambda's retry. Nothing refused is ever recorded.
 */
import { formatPeriod, type Period } from '../core/domain.js';
import {
  acceptedCopyKey,
  closeRecordKey,
  historyPrefix,
  parseHistoryKey,
  removalMarkKey,
  reopenRecordKey,
} from '../core/keys.js';
import { closeRecord, parseStoredJson, SCHEMA_VERSION, type CloseRecord, type ReopenRecord } from './formats.js';
import { CONTENT_TYPES, type ObjectStore } from './objects.js';
import type { PeriodRecord } from './repository.js';

const BINARY = 'application/octet-stream';

export interface HistoryDeps {
  readonly objects: ObjectStore;
  readonly documentsBucket: string;
}

/** Writes `key` unless it exists: history objects are never replaced. */
async function writeOnce(
  deps: HistoryDeps,
  key: string,
  body: Uint8Array | string,
  contentType: string,
): Promise<void> {
  if (await deps.objects.exists(deps.documentsBucket, key)) return;
  await deps.objects.put(deps.documentsBucket, key, body, contentType);
}

export async function recordAcceptedUpload(
  deps: HistoryDeps,
  period: Period,
  name: string,
  sequencer: string,
  bytes: Uint8Array,
): Promise<void> {
  await writeOnce(deps, acceptedCopyKey(period, name, sequencer), bytes, BINARY);
}

export async function recordRemoval(deps: HistoryDeps, period: Period, name: string, sequencer: string): Promise<void> {
  await writeOnce(deps, removalMarkKey(period, name, sequencer), '', BINARY);
}

/** The record of a close, from the period as it was closed. */
export function closeRecordOf(record: PeriodRecord): CloseRecord {
  if (record.state !== 'CLOSED' || !record.closure)
    throw new Error(`period ${formatPeriod(record.period)} is not closed`);
  const files: CloseRecord['files'] = {};
  for (const [name, entry] of Object.entries(record.files)) {
    if (entry.generation === undefined || entry.acceptedSequencer === undefined) continue;
    files[name] = {
      sequencer: entry.acceptedSequencer,
      ...(entry.counts ? { counts: entry.counts } : {}),
      ...(entry.acceptedAt ? { acceptedAt: entry.acceptedAt } : {}),
    };
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'close',
    period: formatPeriod(record.period),
    version: record.version,
    closure: record.closure,
    files,
  };
}

export async function recordClose(deps: HistoryDeps, record: PeriodRecord): Promise<void> {
  const value = closeRecordOf(record);
  await writeOnce(
    deps,
    closeRecordKey(record.period, value.version),
    `${JSON.stringify(value, null, 2)}\n`,
    CONTENT_TYPES.json,
  );
}

/** Written before the reopening's conditional update, keyed by the version of the close it undoes. */
export async function recordReopening(
  deps: HistoryDeps,
  period: Period,
  closedVersion: number,
  reopenedAt: string,
): Promise<void> {
  const value: ReopenRecord = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'reopening',
    period: formatPeriod(period),
    version: closedVersion,
    reopenedAt,
  };
  await writeOnce(
    deps,
    reopenRecordKey(period, closedVersion),
    `${JSON.stringify(value, null, 2)}\n`,
    CONTENT_TYPES.json,
  );
}

export interface FileHistory {
  /** The newest event that took effect for the file. */
  readonly kind: 'accepted' | 'removed';
  readonly sequencer: string;
  /** The accepted copy (for `accepted`). */
  readonly key: string;
  readonly lastModified: Date;
}

export interface PeriodHistory {
  /** Per upload name, the newest event that took effect. */
  readonly files: ReadonlyMap<string, FileHistory>;
  /** The newest close, if it was not undone by a reopening. */
  readonly close?: CloseRecord;
  /** Whether the history holds anything at all (periods from before it existed do not). */
  readonly empty: boolean;
}

export async function readHistory(deps: HistoryDeps, period: Period): Promise<PeriodHistory> {
  const files = new Map<string, FileHistory>();
  const closes = new Map<number, string>();
  const reopened = new Set<number>();
  const listed = await deps.objects.list(deps.documentsBucket, historyPrefix(period));
  for (const object of listed) {
    const parsed = parseHistoryKey(period, object.key);
    if (!parsed) continue;
    if (parsed.kind === 'closed') closes.set(parsed.version, object.key);
    else if (parsed.kind === 'reopened') reopened.add(parsed.version);
    else if (parsed.kind === 'accepted' || parsed.kind === 'removed') {
      const known = files.get(parsed.name);
      if (!known || known.sequencer < parsed.sequencer) {
        files.set(parsed.name, {
          kind: parsed.kind,
          sequencer: parsed.sequencer,
          key: object.key,
          lastModified: object.lastModified,
        });
      }
    }
  }
  const newest = Math.max(-1, ...closes.keys());
  let close: CloseRecord | undefined;
  if (newest >= 0 && !reopened.has(newest)) {
    const key = closes.get(newest) as string;
    const object = await deps.objects.get(deps.documentsBucket, key);
    if (!object) throw new Error(`history object ${key} vanished while it was read`);
    close = parseStoredJson(closeRecord, new TextDecoder().decode(object.bytes), `close record ${key}`);
  }
  return { files, ...(close ? { close } : {}), empty: listed.length === 0 };
}
