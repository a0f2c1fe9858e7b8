/**
 * Decoding S3 event records into the pipeline's own event shape. S3 writes keys
 * URL-encoded with `+` for space; this is the only place that undoes it.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { decodeEventKey, normalizeSequencer } from '../core/keys.js';
import type { Log } from '../core/log.js';

export interface ObjectEvent {
  readonly bucket: string;
  readonly key: string;
  readonly kind: 'created' | 'removed';
  /** Normalised (fixed-width, comparable) sequencer for ordering events on one key. */
  readonly sequencer: string;
  readonly versionId?: string;
  /** Object size in bytes, as the event reports it (created events only). */
  readonly size?: number;
  readonly eventTime: string;
  readonly eventName: string;
}

export type DecodedRecord = { ok: true; event: ObjectEvent } | { ok: false; reason: string; record: unknown };

export function decodeRecord(record: S3EventRecord): DecodedRecord {
  const name = record?.eventName ?? '';
  const kind = name.startsWith('ObjectCreated:')
    ? 'created'
    : name.startsWith('ObjectRemoved:')
      ? 'removed'
      : undefined;
  if (!kind) return { ok: false, reason: `unsupported event ${name || '(none)'}`, record };
  const raw = record.s3?.object?.key;
  const key = typeof raw === 'string' ? decodeEventKey(raw) : undefined;
  if (!key) return { ok: false, reason: 'missing or malformed object key', record };
  const bucket = record.s3?.bucket?.name;
  if (!bucket) return { ok: false, reason: 'missing bucket name', record };
  let sequencer: string;
  try {
    sequencer = normalizeSequencer(String(record.s3.object.sequencer ?? ''));
  } catch {
    return { ok: false, reason: 'missing or malformed sequencer', record };
  }
  const versionId = record.s3.object.versionId;
  const size = record.s3.object.size;
  return {
    ok: true,
    event: {
      bucket,
      key,
      kind,
      sequencer,
      eventTime: record.eventTime,
      eventName: name,
      ...(versionId && versionId !== 'null' ? { versionId } : {}),
      ...(typeof size === 'number' && Number.isFinite(size) ? { size } : {}),
    },
  };
}

export function decodeS3Event(event: S3Event): DecodedRecord[] {
  return (event?.Records ?? []).map(decodeRecord);
}

/**
 * An event a function's notification delivered that is not its kind of object (a key
 * outside its layout, or a removal it does not act on): logged with what it was, and
 * answered `ignored`, never retried.
 */
export function ignoreOutsideLayout(log: Log, event: ObjectEvent, layout: string): 'ignored' {
  log.warn(`ignoring object outside the ${layout} layout`, {
    bucket: event.bucket,
    key: event.key,
    eventName: event.eventName,
  });
  return 'ignored';
}
