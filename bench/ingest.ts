/**
 * Ingest: a workbook of N activity rows through the ingest handler (download from S3,
 * parse and validate, stage the rows, commit, write the receipt) against raw
 * BatchWriteItem of the same rows, as one item each, 25 per request and 4 requests in
 * flight (the repository's concurrency), on the same dynalite, round by round.
 *
 * A third figure is the storage floor of the project's own design: BatchWriteItem of the
 * very items `stageUpload` writes (the rows packed into ~300 KB JSON chunks).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import type { UploadContent } from '../lambdas/core/domain.js';
import { silentLog } from '../lambdas/core/log.js';
import { parseUpload } from '../lambdas/core/parse/index.js';
import { makeIngestHandler } from '../lambdas/ingest/handler.js';
import { chunkContent } from '../lambdas/storage/repository.js';
import { s3Event, sequencers } from '../test/helpers/events.js';
import { workbookBytes } from './lib/data.js';
import { interleaveTimed, median, medianRatio, type Samples } from './lib/measure.js';
import { startBenchStack } from './lib/stack.js';

export interface IngestResult {
  readonly rows: number;
  readonly rounds: number;
  readonly workbook_bytes: number;
  readonly tertial_ms: number;
  readonly batchwrite_ms: number;
  readonly batchwrite_items: number;
  readonly tertial_vs_batchwrite: number;
  readonly chunk_batchwrite_ms: number;
  readonly chunk_items: number;
  readonly samples: Samples;
}

const CONCURRENCY = 4;
const BATCH = 25;

async function batchWriteAll(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH) batches.push(items.slice(i, i + BATCH));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      let pending = (batches[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
}

export async function benchIngest(
  rows: number,
  rounds: number,
  /** Called with one more upload through the handler after the measured rounds, e.g. to profile it. */
  extra?: (upload: () => Promise<number>) => Promise<void>,
): Promise<IngestResult> {
  const workbook = await workbookBytes(rows);
  const parsed = await parseUpload('aktiviteter.xlsx', workbook);
  if (!parsed.ok) throw new Error(`the generated workbook is refused: ${parsed.errors[0]?.message}`);
  const content: UploadContent = parsed.content;

  const stack = await startBenchStack();
  try {
    // Events are delivered here, one at a time, so that only the measured work runs: the
    // stack would also run the functions the receipt triggers (the period's views), in
    // this same thread, where on AWS they are other Lambdas.
    stack.setDelivery(false);
    const ingest = makeIngestHandler(stack.runtime, silentLog);
    const db = stack.runtime.clients.dynamo;
    const table = stack.config.tableName;
    const sequencer = sequencers();
    let n = 0;

    // Every round uploads to a period of its own, so every round does the same work.
    const upload = async (handler: (event: S3Event) => Promise<unknown[]>): Promise<number> => {
      const key = `uploads/bench/${2000 + ++n}/T1/aktiviteter.xlsx`;
      await stack.put(key, workbook);
      const event = s3Event(stack.config.uploadsBucket, key, sequencer(), 'ObjectCreated:Put', workbook.length);
      const start = performance.now();
      const outcome = await handler(event);
      const ms = performance.now() - start;
      if (outcome[0] !== 'accepted') throw new Error(`ingest: ${outcome.join(', ')}`);
      return ms;
    };
    const cases = {
      tertial: () => upload(ingest),
      batchwrite: async () => {
        const round = ++n;
        const items = content.activities.map((a, i) => ({
          pk: `BENCH#rows#${round}`,
          sk: `ROW#${String(i).padStart(6, '0')}`,
          ...a,
        }));
        const start = performance.now();
        await batchWriteAll(db, table, items);
        return performance.now() - start;
      },
      chunks: async () => {
        const round = ++n;
        const items = chunkContent(content).map((entries, i) => ({
          pk: `BENCH#chunks#${round}`,
          sk: `GEN#${i}`,
          upload: 'x.xlsx',
          entries,
        }));
        const start = performance.now();
        await batchWriteAll(db, table, items);
        return performance.now() - start;
      },
    };
    // Each case times only its own work (the S3 upload before an ingest is the uploader's).
    const samples = await interleaveTimed(cases, { rounds, warmup: 1 });
    if (extra) await extra(() => upload(ingest));
    const t = samples.tertial ?? [];
    const b = samples.batchwrite ?? [];
    return {
      rows,
      rounds,
      workbook_bytes: workbook.length,
      tertial_ms: median(t),
      batchwrite_ms: median(b),
      batchwrite_items: content.activities.length,
      tertial_vs_batchwrite: medianRatio(t, b),
      chunk_batchwrite_ms: median(samples.chunks ?? []),
      chunk_items: chunkContent(content).length,
      samples,
    };
  } finally {
    await stack.dispose();
  }
}
