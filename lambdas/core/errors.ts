/**
 * The one base of every fault the code throws. Bad staff input is never one of these:
 * it is data (an `InputIssue` in a receipt). A fault is thrown so that Lambda retries
 * the event (and, in the end, the failure destination keeps it) or a command exits;
 * `code` is stable for alarms and tests, and `cause` keeps what went wrong below it.
 * Pure (no AWS, no file system), so the core and every edge can import it.
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

/**
 * The deployment's configuration is missing or malformed: an environment variable of a
 * function, or a value of the CDK context. The message names the variable or value.
 * (A committee's settings file is staff input, not this: it is a receipt warning.)
 */
export class ConfigError extends TertialError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_invalid', message, options);
  }
}
