/**
 * The AWS clients, built in one place. The endpoint comes from configuration so the
 * same handler code talks to AWS or to the local S3 and DynamoDB servers.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { RuntimeConfig } from './config.js';

export interface Clients {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBDocumentClient;
}

/** Access key s3rver insists on; dynalite accepts any. Used only with a local endpoint. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * No request waits forever. The SDK sets no timeout of its own: a socket that stalls (a
 * server that accepted the request and never answers) would hold the invocation until
 * Lambda's timeout and, locally, hold the stack. A stalled request fails with the SDK's
 * TimeoutError, which its retry strategy retries like any transient fault. The socket
 * bound is on inactivity, so a large object that keeps arriving is never cut off.
 */
export const HTTP_TIMEOUTS = {
  /** A connection to S3 or DynamoDB is made in milliseconds; 3 s is a network that is down. */
  connectionTimeout: 3_000,
  /** No byte for 30 s on an open request: the slowest answer seen (a batch on a loaded machine) is well under 5 s. */
  socketTimeout: 30_000,
} as const;

export interface ClientOptions {
  readonly maxAttempts?: number;
  /** Replaces the HTTP layer under the SDK (its retries still run): for fault injection in tests. */
  readonly dynamoRequestHandler?: DynamoDBClientConfig['requestHandler'];
  readonly s3RequestHandler?: S3ClientConfig['requestHandler'];
  /** Replaces {@link HTTP_TIMEOUTS} (a test of a stalled server need not wait 30 s). */
  readonly timeouts?: { readonly connectionTimeout: number; readonly socketTimeout: number };
}

export function createClients(
  config: Pick<RuntimeConfig, 'region' | 's3Endpoint' | 'dynamodbEndpoint'>,
  options: ClientOptions = {},
): Clients {
  const timeouts = options.timeouts ?? HTTP_TIMEOUTS;
  const s3 = new S3Client({
    region: config.region,
    maxAttempts: options.maxAttempts ?? 5,
    requestHandler: options.s3RequestHandler ?? timeouts,
    ...(config.s3Endpoint
      ? {
          endpoint: config.s3Endpoint,
          forcePathStyle: true,
          credentials: LOCAL_CREDENTIALS,
        }
      : {}),
    // s3rver cannot verify the SDK's default flexible checksums and stores streamed
    // bodies with the checksum trailer in them; on AWS this only skips an optional check.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamoBase = new DynamoDBClient({
    region: config.region,
    maxAttempts: options.maxAttempts ?? 8,
    requestHandler: options.dynamoRequestHandler ?? timeouts,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  const dynamo = DynamoDBDocumentClient.from(dynamoBase, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { s3, dynamo };
}
