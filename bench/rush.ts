/**
 * The deadline rush: N uploads at once into one period, through the ingest handler,
 * on the local stack with dynalite and with DynamoDB Local (Amazon's own engine, so the
 * conditional writes are checked the way DynamoDB checks them).
 *
 * All N files are put first, then N events are handed to one handler at the same
 * moment, as S3 would fan out a burst to concurrent Lambdas. Reported: how many were
 * accepted, how many were lost (accepted, but not in force in the period afterwards,
 * or no answer at all), each upload's latency (p50, p99), the conditional-write retries
 * on the period item (commits that lost a condition race and read again), and the
 * period item's size afterwards (on DynamoDB each commit costs one write unit per KB of
 * the item, so its size is what makes it a hot spot there).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import { startScratchStack } from '../cli/scratch-stack.js';
import { silentLog } from '../lambdas/core/log.js';
import { uploadKey } from '../lambdas/core/keys.js';
import { makeIngestHandler } from '../lambdas/ingest/handler.js';
import { periodPk } from '../lambdas/storage/table-keys.js';
import { s3Event, sequencers } from '../test/helpers/events.js';

export interface RushBackendResult {
  readonly uploads: number;
  readonly accepted: number;
  readonly lost: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly retries: number;
  readonly wall_ms: number;
  readonly period_item_kb: number;
}

export interface RushResult extends RushBackendResult {
  readonly backend: 'dynalite';
  /** The same uploads, each into a period of its own, in the same run: what the shared period item costs. */
  readonly spread_p50_ms: number;
  readonly spread_p99_ms: number;
  readonly dynamodb_local?: RushBackendResult;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function csvFor(i: number): string {
  const rows = Array.from(
    { length: 5 },
    (_, r) => `M${i};Aktivitet ${r + 1} i fil ${i};Ansvarig ${i};Pågående;Kommentar till rad ${r + 1}`,
  );
  return `Mål;Aktivitet;Ansvarig;Status;Kommentar\r\n${rows.join('\r\n')}\r\n`;
}

async function rushOn(
  backend: 'dynalite' | 'dynamodb-local',
  uploads: number,
  spread = false,
): Promise<RushBackendResult> {
  const stack = await startScratchStack('rush', { log: silentLog, dynamodb: backend, convertToPdf: false });
  try {
    // Only the ingest runs: on AWS the views the receipts trigger are other Lambdas.
    stack.setDelivery(false);
    const db = stack.runtime.clients.dynamo;
    let retries = 0;
    db.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          const key = (args.input as { Key?: { sk?: unknown } }).Key;
          const sk = typeof key?.sk === 'string' ? key.sk : (key?.sk as { S?: string } | undefined)?.S;
          if ((err as { name?: string }).name === 'ConditionalCheckFailedException' && sk === 'PERIOD') retries++;
          throw err;
        }
      },
      { step: 'initialize', name: 'countPeriodConditionFailures' },
    );
    const period = { committee: 'rush', year: 2024, tertial: 1 } as const;
    // The baseline: the same uploads, each into a period of its own (no shared item).
    const periodOf = (i: number) =>
      spread ? { ...period, year: 2000 + (i % 100), tertial: ((Math.floor(i / 100) % 3) + 1) as 1 | 2 | 3 } : period;
    const names = Array.from({ length: uploads }, (_, i) => `fil-${String(i + 1).padStart(3, '0')}.csv`);
    const bodies = names.map((_, i) => csvFor(i + 1));
    await Promise.all(names.map((name, i) => stack.put(uploadKey(periodOf(i), name), bodies[i] as string)));
    const ingest = makeIngestHandler(stack.runtime, silentLog);
    const sequencer = sequencers();
    const events: S3Event[] = names.map((name, i) =>
      s3Event(
        stack.config.uploadsBucket,
        uploadKey(periodOf(i), name),
        sequencer(),
        'ObjectCreated:Put',
        Buffer.byteLength(bodies[i] as string),
      ),
    );
    const started = performance.now();
    const results = await Promise.all(
      events.map(async (event) => {
        const t0 = performance.now();
        try {
          const [outcome] = await ingest(event);
          return { outcome: String(outcome), ms: performance.now() - t0 };
        } catch {
          return { outcome: 'failed', ms: performance.now() - t0 };
        }
      }),
    );
    const wall = performance.now() - started;
    const inForce = new Set<string>();
    for (const p of new Set(names.map((_, i) => JSON.stringify(periodOf(i))))) {
      const record = await stack.runtime.repo.getPeriod(JSON.parse(p));
      for (const [name, f] of Object.entries(record?.files ?? {})) if (f.generation) inForce.add(`${p}/${name}`);
    }
    const accepted = results.filter((r) => r.outcome === 'accepted').length;
    const lost = names.filter(
      (name, i) => results[i]?.outcome !== 'accepted' || !inForce.has(`${JSON.stringify(periodOf(i))}/${name}`),
    ).length;
    const raw = await db.send(
      new GetCommand({
        TableName: stack.config.tableName,
        Key: { pk: periodPk(period), sk: 'PERIOD' },
        ConsistentRead: true,
      }),
    );
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    return {
      uploads,
      accepted,
      lost,
      p50_ms: Math.round(percentile(ms, 50)),
      p99_ms: Math.round(percentile(ms, 99)),
      retries,
      wall_ms: Math.round(wall),
      period_item_kb: Math.round(Buffer.byteLength(JSON.stringify(raw.Item ?? {})) / 102.4) / 10,
    };
  } finally {
    await stack.dispose();
  }
}

/** Dynalite always; DynamoDB Local where Java is installed (as CI installs it). */
export async function benchRush(uploads: number, withDynamoDbLocal: boolean): Promise<RushResult> {
  const dynalite = await rushOn('dynalite', uploads);
  const spread = await rushOn('dynalite', uploads, true);
  const local = withDynamoDbLocal ? await rushOn('dynamodb-local', uploads) : undefined;
  return {
    backend: 'dynalite',
    ...dynalite,
    spread_p50_ms: spread.p50_ms,
    spread_p99_ms: spread.p99_ms,
    ...(local ? { dynamodb_local: local } : {}),
  };
}
