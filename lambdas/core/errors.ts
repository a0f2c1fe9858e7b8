/**
 * The one base of every fault the code throws. Bad staff input is never one of these:
 * it is data (an `InputIssue` in a receipt). A fault is thrown so that Lambda retries
 * the event (and, in the end, the failure destination keeps it) or a command exits;
 * `code` is stable for alarms and tests, and `cause` keeps what went wrong below it.
 * Pure (no AWS, no file system), so the core and every edge can import it.
 */
/**
 * Every fault's code (what alarms and tests match on). A person never reads these: what
 * staff read is an `IssueCode` in a receipt.
 */
export type FaultCode =
  /** The deployment's configuration: an environment variable or a CDK context value. */
  | 'config_invalid'
  /** A period kept changing while it was being closed (retried by Lambda). */
  | 'contention'
  /** LibreOffice could not make the PDF. */
  | 'pdf_conversion'
  /** A port of the local stack is taken. */
  | 'port_in_use'
  /** A stored record does not match any version of its schema. */
  | 'stored_format'
  /** DynamoDB left part of a batch unwritten after every retry. */
  | 'unprocessed_items'
  /** The command line was used wrongly (printed with its usage, exit code 2). */
  | 'usage'
  /** One or more records of an S3 event failed; the invocation fails so that Lambda retries it. */
  | 'event_failed'
  /** The template cannot be rendered (the template check refuses such a template first). */
  | 'invalid_template'
  /** The view model lacks a value a template tag needs (never `undefined` in a document). */
  | 'missing_value';

export class TertialError extends Error {
  constructor(
    readonly code: FaultCode,
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
