/**
 * The common part of every handler: decode each S3 record, skip what S3 would not
 * have routed to this function, run the domain function for the rest, and throw at
 * the end if any record failed, so Lambda retries the event (every step is
 * idempotent per record, so the records that did succeed are safe to repeat).
 */
import type { S3Event } from 'aws-lambda';
import { decodeS3Event, type ObjectEvent } from './events.js';
import { routeInputEvent, routeOutputEvent, type NotificationTarget } from '../core/keys.js';
import type { Log } from '../core/log.js';
import { TertialError } from '../core/errors.js';

/**
 * Longest error message a failed invocation reports. Lambda writes `errorType` and
 * `errorMessage` (not the `cause`) into the failure queue's record, so the message
 * carries the causes; an SQS message holds 256 KiB, and an operator reads a few lines.
 */
export const MAX_FAILURE_MESSAGE_LENGTH = 4000;

/** Longest chain of causes spelled out in a failure message. */
const MAX_CAUSE_DEPTH = 5;

/**
 * What a failed invocation throws: which records failed and why, down to the root
 * cause, in its message (what the failure queue keeps); the original errors as `cause`.
 */
export class EventFailure extends TertialError {
  // Spelled out: the bundles are minified, and the name is what the failure queue shows.
  override readonly name = 'EventFailure';
  constructor(message: string, options?: { cause?: unknown }) {
    super('event_failed', message, options);
  }
}

/** `Name: message ← caused by Name: message …`, for a message that outlives the error object. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_CAUSE_DEPTH; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' ← caused by ');
}

function failure(
  failures: readonly { event: ObjectEvent; error: unknown }[],
  target: NotificationTarget,
): EventFailure {
  const lines = failures.map(
    ({ event, error }) => `${event.eventName} s3://${event.bucket}/${event.key}: ${describeError(error)}`,
  );
  const head = failures.length === 1 ? `${target} failed on ` : `${target} failed on ${failures.length} records: `;
  let message = head + lines.join('; ');
  if (message.length > MAX_FAILURE_MESSAGE_LENGTH) message = `${message.slice(0, MAX_FAILURE_MESSAGE_LENGTH - 1)}…`;
  const cause = failures.length === 1 ? failures[0]?.error : new AggregateError(failures.map((f) => f.error));
  return new EventFailure(message, { cause });
}

export async function dispatchS3Event<T>(
  event: S3Event,
  target: NotificationTarget,
  log: Log,
  handle: (e: ObjectEvent) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  const failures: { event: ObjectEvent; error: unknown }[] = [];
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
      log.warn('ignoring an event this function is not subscribed to', {
        bucket: e.bucket,
        key: e.key,
        eventName: e.eventName,
      });
      continue;
    }
    try {
      results.push(await handle(e));
    } catch (err) {
      log.error('event failed; it will be retried', {
        bucket: e.bucket,
        key: e.key,
        eventName: e.eventName,
        error: err,
        cause: describeError(err),
      });
      failures.push({ event: e, error: err });
    }
  }
  if (failures.length > 0) throw failure(failures, target);
  return results;
}
