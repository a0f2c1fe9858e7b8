/**
 * The storage layer's faults, under the one base of `core/errors.ts`. They are thrown
 * so that Lambda retries the event and, in the end, the failure destination keeps it.
 */
import { TertialError } from '../core/errors.js';

export { ConfigError, TertialError } from '../core/errors.js';

/** A conditional write kept losing to concurrent writers. */
export class ContentionError extends TertialError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('contention', message, options);
  }
}

/** DynamoDB kept returning unprocessed items after every retry. */
export class UnprocessedItemsError extends TertialError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unprocessed_items', message, options);
  }
}
