/** S3 event records as AWS sends them, for delivering crafted events to a handler. */
import type { S3Event } from 'aws-lambda';
import { encodeEventKey } from '../../lambdas/core/keys.js';

export function s3Event(
  bucket: string,
  key: string,
  sequencer: string,
  eventName = 'ObjectCreated:Put',
  size = 1,
): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-north-1',
        eventTime: new Date().toISOString(),
        eventName,
        userIdentity: { principalId: 'test' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'test', 'x-amz-id-2': 'test' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'test',
          bucket: { name: bucket, ownerIdentity: { principalId: 'test' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeEventKey(key), size, eTag: 'test', sequencer },
        },
      },
    ],
  };
}

/**
 * Increasing sequencers, as S3 gives for successive writes to one key, on the same
 * clock as the local stack's (so they interleave correctly with its events).
 */
export function sequencers(): () => string {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 4096n;
    last = now > last ? now : last + 1n;
    return last.toString(16).toUpperCase();
  };
}
