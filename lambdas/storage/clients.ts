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

export interface ClientOptions {
  readonly maxAttempts?: number;
  /** Replaces the HTTP layer under the SDK (its retries still run): for fault injection in tests. */
  readonly dynamoRequestHandler?: DynamoDBClientConfig['requestHandler'];
  readonly s3RequestHandler?: S3ClientConfig['requestHandler'];
}

export function createClients(
  config: Pick<RuntimeConfig, 'region' | 's3Endpoint' | 'dynamodbEndpoint'>,
  options: ClientOptions = {},
): Clients {
  const s3 = new S3Client({
    region: config.region,
    maxAttempts: options.maxAttempts ?? 5,
    ...(options.s3RequestHandler ? { requestHandler: options.s3RequestHandler } : {}),
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
    ...(options.dynamoRequestHandler ? { requestHandler: options.dynamoRequestHandler } : {}),
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  const dynamo = DynamoDBDocumentClient.from(dynamoBase, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { s3, dynamo };
}
