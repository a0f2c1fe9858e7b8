import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How long Lambda keeps retrying an event, and how long a failed event then waits for someone. */
export const ASYNC_RETRY_ATTEMPTS = 2;
/**
 * Long enough to ride out throttling or a short service disruption (Lambda keeps
 * retrying those until the event is this old), short enough that a stuck event reaches
 * the failure queue, and its alarm, the same working day.
 */
export const MAX_EVENT_AGE = Duration.hours(6);
/** SQS's maximum: two weeks to notice, fix and redrive. */
export const FAILED_EVENT_RETENTION = Duration.days(14);

export interface FailurePathProps {
  readonly namePrefix: string;
}

/**
 * Where an S3 event ends up when its function still fails after the retries (or the
 * event grew too old): one queue shared by all functions. Each message is Lambda's
 * invocation record, which names the function, the error and the original S3 event, so
 * one queue to watch is enough. Nothing consumes it automatically: an operator reads it
 * and redrives by hand (README, "Deploy to AWS").
 */
export class FailurePath extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FailurePathProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${props.namePrefix}-failed-events`,
      // SSE-SQS: encrypted at rest without a KMS key for the functions to be granted.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: FAILED_EVENT_RETENTION,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter stage itself: the on-failure destination of the functions, read by an operator, never by a consumer that could fail and need a DLQ of its own.',
    });
  }
}
