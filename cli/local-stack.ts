/**
 * The local embedded stack: real S3 and DynamoDB API servers on loopback (s3rver and
 * dynalite), and the same Lambda handlers, invoked with S3 event records shaped as
 * AWS sends them. What AWS does between a bucket and a function is done here:
 * routing by the bucket's notification rules, URL-encoding the key, a sequencer that
 * orders events on one key, and asynchronous retries.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import dynalite from 'dynalite';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { listenOnLoopback, startLocalS3 } from './local-s3.js';
import { makeAssembleHandler } from '../lambdas/assemble/handler.js';
import { installedLibreOffice, type PdfConverter } from '../lambdas/assemble/pdf.js';
import { makeIngestHandler } from '../lambdas/ingest/handler.js';
import { makeTemplateCheckHandler } from '../lambdas/template-check/handler.js';
import { makeViewsHandler } from '../lambdas/views/handler.js';
import { encodeEventKey, routeInputEvent, routeOutputEvent, type NotificationTarget } from '../lambdas/core/keys.js';
import { withFields, type Log } from '../lambdas/core/log.js';
import type { InvocationContext } from '../lambdas/runtime/invocation.js';
import { outboxNotifier } from '../lambdas/runtime/outbox.js';
import { LOCAL_CREDENTIALS } from '../lambdas/storage/clients.js';
import type { RuntimeConfig } from '../lambdas/storage/config.js';
import { TABLE_KEY } from '../lambdas/storage/repository.js';
import { createRuntime, type Runtime } from '../lambdas/storage/runtime.js';

import { LOCAL_BUCKETS, LOCAL_REGION, LOCAL_TABLE } from './local-config.js';

export { LOCAL_BUCKETS, LOCAL_REGION, LOCAL_TABLE };

export interface LocalStackOptions {
  /** Data directory; s3rver's files and dynalite's LevelDB live under it. */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly s3Port: number;
  readonly dynamodbPort: number;
  readonly log: Log;
  /**
   * The DynamoDB API server: dynalite (the default, pure Node) or Amazon's DynamoDB
   * Local (a Java process; used to check that the two agree).
   */
  readonly dynamodb?: 'dynalite' | 'dynamodb-local';
  /** Delay between Lambda-style retries of a failed event. */
  readonly retryDelayMs?: number;
  /**
   * Makes the PDF beside each document: by default LibreOffice when /usr/bin/soffice
   * exists (as in the container image the assemble function runs in), `false` for none.
   */
  readonly convertToPdf?: PdfConverter | false;
}

export interface LocalStack {
  readonly config: RuntimeConfig;
  readonly runtime: Runtime;
  /**
   * Resolves when no handler invocation is running or queued. With `timeoutMs`, rejects
   * after that long naming every event still in flight (so a test that would hang says what hangs).
   */
  idle(timeoutMs?: number): Promise<void>;
  /**
   * Stops or resumes delivering S3 events to the handlers (tests that deliver crafted
   * events themselves pause it). Events that arrive while paused are dropped.
   */
  setDelivery(enabled: boolean): void;
  /** Lets pages of this browser origin (the local web server's) send signed requests to the S3 port. */
  allowBrowserOrigin(origin: string): void;
  /** Events that failed every attempt (AWS would keep them in the failure destination). */
  readonly failedEvents: readonly { event: S3Event; error: unknown }[];
  close(): Promise<void>;
}

/** The functions' names as the stack deploys them (`{namePrefix}-…` with the default prefix). */
export const LOCAL_FUNCTION_NAMES: Record<NotificationTarget, string> = {
  ingest: 'tertial-ingest',
  assemble: 'tertial-assemble',
  templateCheck: 'tertial-template-check',
  views: 'tertial-views',
};

/** Where the local topics' messages go, under the data directory (README: "Receipts by e-mail"). */
export const OUTBOX_DIR = 'outbox';

/** Lambda retries a failed asynchronous invocation twice. */
const ASYNC_ATTEMPTS = 3;

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { log } = options;
  await mkdir(join(options.dataDir, 's3'), { recursive: true });

  const s3 = await startLocalS3({
    directory: join(options.dataDir, 's3'),
    port: options.s3Port,
    buckets: [LOCAL_BUCKETS.uploads, LOCAL_BUCKETS.documents],
    credentials: LOCAL_CREDENTIALS,
  });
  const s3rver = s3.server;

  const kind = options.dynamodb ?? 'dynalite';
  let dynamo: Awaited<ReturnType<typeof startDynamoDbServer>>;
  try {
    dynamo = await startDynamoDbServer(
      kind,
      options.dynamodbPort,
      join(options.dataDir, kind === 'dynalite' ? 'dynamodb' : 'dynamodb-local'),
    );
  } catch (error) {
    // Nothing stays listening when the stack cannot start.
    await s3.close();
    throw error;
  }

  const config: RuntimeConfig = {
    uploadsBucket: LOCAL_BUCKETS.uploads,
    documentsBucket: LOCAL_BUCKETS.documents,
    tableName: LOCAL_TABLE,
    region: LOCAL_REGION,
    s3Endpoint: `http://127.0.0.1:${s3.port}`,
    dynamodbEndpoint: dynamo.endpoint,
  };
  await ensureTable(config);
  // What SNS would deliver to subscribers is written to {data}/outbox/, one file per message.
  const runtime = createRuntime(config, { notify: outboxNotifier(join(options.dataDir, OUTBOX_DIR)) });
  // The stack's own LibreOffice (when none is given): one warm instance, stopped with the stack.
  const ownPdf = options.convertToPdf === undefined ? installedLibreOffice() : undefined;
  const pdf = ownPdf ?? (options.convertToPdf || undefined);
  const handlers: Record<NotificationTarget, (event: S3Event, context?: InvocationContext) => Promise<unknown>> = {
    ingest: makeIngestHandler(runtime, log),
    assemble: makeAssembleHandler(runtime, log, undefined, pdf ? { convertToPdf: pdf } : {}),
    templateCheck: makeTemplateCheckHandler(runtime, log),
    views: makeViewsHandler(runtime, log),
  };

  /** Each running invocation, with what it handles (for the message of a bounded `idle`). */
  const inFlight = new Map<Promise<void>, string>();
  const settled = async (): Promise<void> => {
    // Events may arrive while we wait (an upload's handler never causes another, but be safe).
    while (inFlight.size > 0) await Promise.all([...inFlight.keys()]);
  };
  const failedEvents: { event: S3Event; error: unknown }[] = [];
  const sequencer = monotonicSequencer();
  const retryDelayMs = options.retryDelayMs ?? 1000;

  const invoke = async (target: NotificationTarget, event: S3Event): Promise<void> => {
    const fn = handlers[target];
    // One request id per event, kept across its retries, as Lambda does for an asynchronous invocation.
    const context: InvocationContext = { awsRequestId: randomUUID(), functionName: LOCAL_FUNCTION_NAMES[target] };
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
      try {
        await fn(event, context);
        return;
      } catch (error) {
        if (attempt === ASYNC_ATTEMPTS) {
          withFields(log, { function_request_id: context.awsRequestId, function_name: context.functionName }).error(
            'event failed every attempt; kept as failed',
            { target, attempts: attempt, error },
          );
          failedEvents.push({ event, error });
          return;
        }
        await new Promise((r) => setTimeout(r, retryDelayMs * attempt));
      }
    }
  };

  let delivering = true;
  s3rver.on('event', (raw: S3Event) => {
    if (!delivering) return;
    for (const record of raw.Records) {
      const bucket = record.s3.bucket.name;
      const key = record.s3.object.key; // s3rver gives the raw key
      const kind = record.eventName.startsWith('ObjectRemoved:') ? 'removed' : 'created';
      const target =
        bucket === LOCAL_BUCKETS.uploads
          ? routeInputEvent(key, kind)
          : bucket === LOCAL_BUCKETS.documents
            ? routeOutputEvent(key, kind)
            : undefined;
      if (!target) continue;
      const event: S3Event = { Records: [awsShapedRecord(record, key, sequencer())] };
      const p = invoke(target, event).finally(() => inFlight.delete(p));
      inFlight.set(p, `${target} ${bucket}/${key}`);
    }
  });

  return {
    config,
    runtime,
    failedEvents,
    setDelivery(enabled) {
      delivering = enabled;
    },
    allowBrowserOrigin(origin) {
      s3.allowOrigin(origin);
    },
    async idle(timeoutMs) {
      if (timeoutMs === undefined) return settled();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const running = [...inFlight.values()].join(', ');
          reject(new Error(`events still in flight after ${timeoutMs} ms: ${running}`));
        }, timeoutMs);
      });
      try {
        await Promise.race([settled(), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await settled();
      runtime.clients.s3.destroy();
      runtime.clients.dynamo.destroy();
      await s3.close();
      await dynamo.close();
      await ownPdf?.close();
    },
  };
}

/** A DynamoDB API server on loopback: dynalite, or Amazon's DynamoDB Local. In memory without `dataDir`. */
export async function startDynamoDbServer(
  kind: 'dynalite' | 'dynamodb-local',
  port: number,
  dataDir?: string,
): Promise<{ endpoint: string; close(): Promise<void> }> {
  if (kind === 'dynamodb-local') return startDynamoDbLocal({ port, ...(dataDir ? { dataDir } : {}) });
  const server: Server = dynalite({
    ...(dataDir ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const actual = await listenOnLoopback(server, port);
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * s3rver's records carry the raw key and a millisecond sequencer (two writes in one
 * millisecond tie). AWS URL-encodes the key (`+` for space) and orders events on a key
 * by sequencer; this makes the record look like AWS's.
 */
function awsShapedRecord(record: S3EventRecord, rawKey: string, sequencer: string): S3EventRecord {
  return {
    ...record,
    eventSource: 'aws:s3',
    awsRegion: LOCAL_REGION,
    s3: {
      ...record.s3,
      bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
      object: { ...record.s3.object, key: encodeEventKey(rawKey), sequencer },
    },
  };
}

function monotonicSequencer(): () => string {
  let last = 0n;
  return () => {
    const now = BigInt(Date.now()) * 4096n;
    last = now > last ? now : last + 1n;
    return last.toString(16).toUpperCase();
  };
}

/** Creates the table as the CDK stack does (keys `pk`, `sk`), unless it exists, and waits until it is ACTIVE. */
export async function ensureTable(
  config: Pick<RuntimeConfig, 'region' | 'dynamodbEndpoint' | 'tableName'>,
): Promise<void> {
  const client = new DynamoDBClient({
    region: config.region,
    endpoint: config.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: config.tableName }));
    } catch (err) {
      if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
      await client.send(
        new CreateTableCommand({
          TableName: config.tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE_KEY.partitionKey, AttributeType: 'S' },
            { AttributeName: TABLE_KEY.sortKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
          ],
        }),
      );
    }
    // dynalite answers CREATING and is ACTIVE a moment later; DynamoDB Local is ACTIVE at once.
    for (let i = 0; ; i++) {
      const out = await client.send(new DescribeTableCommand({ TableName: config.tableName }));
      if (out.Table?.TableStatus === 'ACTIVE') return;
      if (i > 200) throw new Error(`table ${config.tableName} stuck in ${String(out.Table?.TableStatus)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    client.destroy();
  }
}
