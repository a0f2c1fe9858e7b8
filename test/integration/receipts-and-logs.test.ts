/**
 * What happens to uploads the layout does not expect, what the receipts topic gets, and
 * what every log line of an invocation carries, against the real local S3 and DynamoDB.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OUTBOX_DIR } from '../../cli/local-stack.js';
import { makeIngestHandler } from '../../lambdas/ingest/handler.js';
import type { Log } from '../../lambdas/core/log.js';
import type { MisplacedReceipt } from '../../lambdas/core/receipt.js';
import type { OutboxFile } from '../../lambdas/runtime/outbox.js';
import { s3Event, sequencers } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/local.js';

type Line = { level: string; message: string } & Record<string, unknown>;

function collectingLog(lines: Line[]): Log {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, ...fields });
  return { debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}

let stack: TestStack;
const lines: Line[] = [];
const nextSequencer = sequencers();

beforeAll(async () => {
  stack = await startTestStack({ log: collectingLog(lines) });
});
afterAll(async () => {
  await stack?.dispose();
});

async function outbox(): Promise<OutboxFile[]> {
  const dir = join(stack.dataDir, OUTBOX_DIR);
  const names = (await readdir(dir).catch(() => [])).sort();
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as OutboxFile));
}

describe('10.10: misplaced upload keys are answered, not dropped', () => {
  it('10.10: an upload under KS (wrong case) gets receipts/_misplaced/{key}.json saying what the layout expects, and nothing is stored', async () => {
    const key = 'uploads/KS/2023/T3/aktiviteter.xlsx';
    await stack.put(key, 'x');
    await stack.idle();
    const receipt = await stack.outputJson<MisplacedReceipt>(`receipts/_misplaced/${key}.json`);
    expect(receipt?.kind).toBe('misplaced');
    expect(receipt?.errors[0]?.message).toContain('"KS" är inte en nämnds förkortning');
    expect(receipt?.errors[0]?.message).toContain('menade du "ks"?');
    expect(await stack.runtime.repo.getPeriod({ committee: 'ks', year: 2023, tertial: 3 })).toBeUndefined();
    // Its message goes to the committee the key most likely meant.
    const message = (await outbox()).find((m) => m.message.includes(`receipts/_misplaced/${key}.json`));
    expect(message?.topic).toBe('receipts');
    expect(message?.attributes).toEqual({ committee: 'ks' });
    expect(lines.filter((l) => l.key === key && l.level === 'ERROR')).toEqual([]);
    expect(stack.failedEvents).toEqual([]);
  });

  it('10.10: where no receipt key can be formed (a key near S3’s 1,024-byte limit), the event is logged at ERROR for the alarm', async () => {
    const key = `uploads/ks/2023/T3/${'å'.repeat(495)}.xlsx`;
    const ingest = makeIngestHandler(stack.runtime, collectingLog(lines));
    expect(await ingest(s3Event(stack.config.uploadsBucket, key, nextSequencer()))).toEqual(['misplaced']);
    const errors = lines.filter((l) => l.key === key && l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/no receipt key can be formed/);
  });

  it('a folder placeholder from the S3 console gets no receipt and no error', async () => {
    const ingest = makeIngestHandler(stack.runtime, collectingLog(lines));
    const key = 'uploads/ks/2023/T3/';
    expect(await ingest(s3Event(stack.config.uploadsBucket, key, nextSequencer(), 'ObjectCreated:Put', 0))).toEqual([
      'ignored',
    ]);
    expect(await stack.runtime.objects.list(stack.config.documentsBucket, 'receipts/ks/2023/T3/')).toEqual([]);
    expect(lines.filter((l) => l.key === key).map((l) => l.level)).toEqual(['INFO']);
  });
});

describe('every log line can be traced to its event', () => {
  it('the AWS entry point passes the Lambda context to the logger: request id, cold start, function name', async () => {
    const { config } = stack;
    vi.stubEnv('UPLOADS_BUCKET', config.uploadsBucket);
    vi.stubEnv('DOCUMENTS_BUCKET', config.documentsBucket);
    vi.stubEnv('TABLE_NAME', config.tableName);
    vi.stubEnv('AWS_REGION', config.region);
    vi.stubEnv('S3_ENDPOINT', config.s3Endpoint ?? '');
    vi.stubEnv('DYNAMODB_ENDPOINT', config.dynamodbEndpoint ?? '');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    const written: string[] = [];
    const capture = (chunk: unknown) => (written.push(String(chunk)), true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      const { handler } = await import('../../lambdas/ingest/handler.js');
      const context = (id: string) =>
        ({
          awsRequestId: id,
          functionName: 'tertial-ingest',
          memoryLimitInMB: '512',
          invokedFunctionArn: 'arn:aws:lambda:eu-north-1:1:function:tertial-ingest',
        }) as Context;
      stack.setDelivery(false);
      await stack.put('uploads/lc/2023/T3/plan.xls', 'x');
      await stack.put('uploads/lc/2023/T3/noter.txt', 'x');
      stack.setDelivery(true);
      await handler(
        s3Event(config.uploadsBucket, 'uploads/lc/2023/T3/plan.xls', nextSequencer()),
        context('request-1'),
      );
      await handler(
        s3Event(config.uploadsBucket, 'uploads/lc/2023/T3/noter.txt', nextSequencer()),
        context('request-2'),
      );
    } finally {
      out.mockRestore();
      err.mockRestore();
      vi.unstubAllEnvs();
    }
    const logged = written
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const of = (id: string) => logged.filter((l) => l.function_request_id === id);
    expect(of('request-1').length).toBeGreaterThan(0);
    expect(of('request-2').length).toBeGreaterThan(0);
    // Every line is one invocation's: none without a request id.
    expect(logged.filter((l) => l.function_request_id === undefined)).toEqual([]);
    expect(
      of('request-1').every(
        (l) => l.cold_start === true && l.function_name === 'tertial-ingest' && l.service === 'tertial-ingest',
      ),
    ).toBe(true);
    expect(of('request-2').every((l) => l.cold_start === false && l.key === 'uploads/lc/2023/T3/noter.txt')).toBe(true);
    expect(await stack.outputJson<{ status: string }>('receipts/lc/2023/T3/plan.xls.json')).toMatchObject({
      status: 'rejected',
    });
  });
});
