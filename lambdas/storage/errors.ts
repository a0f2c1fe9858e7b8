/**
 * Infrastructure faults. Bad staff input is never one of these: it is data
 * (an `InputIssue` in a receipt). These are thrown so that Lambda retries the event
 * and, in the end, the failure destination keeps it.
 */
export class TertialError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A required environment variable is missing or malformed. */
export class ConfigError extends TertialError {
  constructor(message: string) {
    super('config_missing', message);
  }
}

/** A conditional write kept losing to concurrent writers. */
export class ContentionError extends TertialError {
  constructor(message: string) {
    super('contention', message);
  }
}

/** DynamoDB kept returning unprocessed items after every retry. */
export class UnprocessedItemsError extends TertialError {
  constructor(message: string) {
    super('unprocessed_items', message);
  }
}
