/**
 * The common part of both handlers: decode each S3 record, skip what S3 would not
 * have routed to this function, run the domain function for the rest, and throw at
 * the end if any record failed, so Lambda retries the event (every step is
 * idempotent per record, so the records that did succeed are safe to repeat).
 */
import type { S3Event } from 'aws-lambda';
import { decodeS3Event, type ObjectEvent } from './events.js';
import { routeInputEvent, routeOutputEvent, type NotificationTarget } from '../core/keys.js';
import type { Log } from '../core/log.js';

export async function dispatchS3Event<T>(
  event: S3Event,
  target: NotificationTarget,
  log: Log,
  handle: (e: ObjectEvent) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  const failures: unknown[] = [];
  for (const decoded of decodeS3Event(event)) {
    if (!decoded.ok) {
      // Not retryable (the record itself is malformed), so it is logged as an error
      // for the error alarm rather than thrown into a retry loop.
      log.error('dropping an S3 record that cannot be decoded', { reason: decoded.reason, record: decoded.record });
      continue;
    }
    const e = decoded.event;
    // Input and output keys never share a prefix the rules use, so one check serves both buckets.
    if ((routeInputEvent(e.key, e.kind) ?? routeOutputEvent(e.key, e.kind)) !== target) {
      log.warn('ignoring an event this function is not subscribed to', { bucket: e.bucket, key: e.key, eventName: e.eventName });
      continue;
    }
    try {
      results.push(await handle(e));
    } catch (err) {
      log.error('event failed; it will be retried', { bucket: e.bucket, key: e.key, eventName: e.eventName, error: err });
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} records failed`);
  return results;
}
