/**
 * What happens to uploads the layout does not expect, what the receipts topic gets, and
 * what every log line of an invocation carries, against the real local S3 and DynamoDB.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context, LambdaFunctionURLEvent, S3Event } from 'aws-lambda';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OUTBOX_DIR } from '../../cli/local-stack.js';
import { makeIngestHandler } from '../../lambdas/ingest/handler.js';
import type { Log } from '../../lambdas/core/log.js';
import type { MisplacedReceipt } from '../../lambdas/core/receipt.js';
import type { OutboxFile } from '../../lambdas/runtime/outbox.js';
import { defaultParts, zipParts } from '../fixtures/crafted-templates.js';
import { s3Event, sequencers } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/local.js';

// Nothing here makes a document, and the assemble entry point's cold start would start
// LibreOffice (for the first close) in the test process: this file runs without it.
vi.mock('../../lambdas/assemble/pdf.js', async (actual) => ({
  ...(await actual<typeof import('../../lambdas/assemble/pdf.js')>()),
  installedLibreOffice: () => undefined,
}));

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

  it('a closure and a reopening written to a key outside the layout get receipts/_misplaced/{key}.json, and nothing is closed or reopened', async () => {
    const period = { committee: 'ks', year: 2024, tertial: 1 } as const;
    for (const [key, says] of [
      ['closures/ks/2024/t1', 'Ingen tertial har stängts'],
      ['closures/ks/2024/T1.json', 'Ingen tertial har stängts'],
      ['reopenings/ks/2024/t1', 'Ingen tertial har öppnats igen'],
    ] as const) {
      await stack.put(key, '');
      await stack.idle();
      const receipt = await stack.outputJson<MisplacedReceipt>(`receipts/_misplaced/${key}.json`);
      expect(receipt, key).toMatchObject({ kind: 'misplaced', status: 'rejected', key });
      expect(receipt?.errors.map((e) => e.code)).toEqual(['misplaced_key']);
      expect(receipt?.errors[0]?.message, key).toContain('menade du "T1"?');
      expect(receipt?.errors[0]?.message, key).toContain(says);
      const message = (await outbox()).find((m) => m.message.includes(`receipts/_misplaced/${key}.json`));
      expect(message?.attributes, key).toEqual({ committee: 'ks' });
      expect(lines.filter((l) => l.key === key).map((l) => [l.level, l.message])).toContainEqual([
        'WARN',
        `${key.startsWith('closures/') ? 'closure' : 'reopening'} outside the layout; answered with a receipt`,
      ]);
    }
    expect(await stack.runtime.repo.getPeriod(period)).toBeUndefined();
    expect(await stack.runtime.objects.list(stack.config.documentsBucket, 'documents/ks/2024/')).toEqual([]);
    expect(stack.failedEvents).toEqual([]);
  });

  it('a template under another name than templates/ks.docx gets receipts/_misplaced/{key}.json, and the template in force stays', async () => {
    await stack.put('templates/ks.docx', zipParts(defaultParts()));
    await stack.idle();
    const inForce = await stack.runtime.repo.getAcceptedTemplate('ks');
    expect(inForce).toBeDefined();
    for (const key of ['templates/ks.DOCX', 'templates/KS.docx']) {
      await stack.put(key, zipParts(defaultParts()));
      await stack.idle();
      const receipt = await stack.outputJson<MisplacedReceipt>(`receipts/_misplaced/${key}.json`);
      expect(receipt, key).toMatchObject({ kind: 'misplaced', status: 'rejected', key });
      expect(receipt?.errors[0]?.message, key).toContain('menade du "templates/ks.docx"?');
      expect(receipt?.message, key).toContain('har fel namn');
      const message = (await outbox()).find((m) => m.message.includes(`receipts/_misplaced/${key}.json`));
      expect(message?.attributes, key).toEqual({ committee: 'ks' });
    }
    expect(await stack.runtime.repo.getAcceptedTemplate('ks')).toEqual(inForce);
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

/** The configuration the functions read at cold start, pointed at the local stack. */
function stubFunctionEnv(): void {
  const { config } = stack;
  vi.stubEnv('UPLOADS_BUCKET', config.uploadsBucket);
  vi.stubEnv('DOCUMENTS_BUCKET', config.documentsBucket);
  vi.stubEnv('TABLE_NAME', config.tableName);
  vi.stubEnv('AWS_REGION', config.region);
  vi.stubEnv('S3_ENDPOINT', config.s3Endpoint ?? '');
  vi.stubEnv('DYNAMODB_ENDPOINT', config.dynamodbEndpoint ?? '');
  vi.stubEnv('SIGN_IN_PARAMETER', '/tertial/sign-in');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
}

/** The JSON lines Powertools writes while `run` runs (on AWS they go to CloudWatch). */
async function loggedLines(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
  stubFunctionEnv();
  const written: string[] = [];
  const capture = (chunk: unknown) => (written.push(String(chunk)), true);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
    vi.unstubAllEnvs();
  }
  return written
    .flatMap((w) => w.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function lambdaContext(id: string, functionName: string): Context {
  return {
    awsRequestId: id,
    functionName,
    memoryLimitInMB: '512',
    invokedFunctionArn: `arn:aws:lambda:eu-north-1:1:function:${functionName}`,
  } as Context;
}

describe('every log line can be traced to its event', () => {
  it('the AWS entry point passes the Lambda context to the logger: request id, cold start, function name', async () => {
    const { config } = stack;
    const logged = await loggedLines(async () => {
      const { handler } = await import('../../lambdas/ingest/handler.js');
      stack.setDelivery(false);
      await stack.put('uploads/lc/2023/T3/plan.xls', 'x');
      await stack.put('uploads/lc/2023/T3/noter.txt', 'x');
      stack.setDelivery(true);
      await handler(
        s3Event(config.uploadsBucket, 'uploads/lc/2023/T3/plan.xls', nextSequencer()),
        lambdaContext('request-1', 'tertial-ingest'),
      );
      await handler(
        s3Event(config.uploadsBucket, 'uploads/lc/2023/T3/noter.txt', nextSequencer()),
        lambdaContext('request-2', 'tertial-ingest'),
      );
    });
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

  type S3Entry = (event: S3Event, context: Context) => Promise<unknown>;
  it.each<[string, () => Promise<S3Entry>]>([
    ['assemble', async () => (await import('../../lambdas/assemble/handler.js')).handler],
    ['template-check', async () => (await import('../../lambdas/template-check/handler.js')).handler],
    ['views', async () => (await import('../../lambdas/views/handler.js')).handler],
  ])(
    'the %s entry point passes the Lambda context to the logger too: every line has the request id',
    async (name, load) => {
      const functionName = `tertial-${name}`;
      // An upload's event, which only ingest is subscribed to: each of these functions logs that it ignores it.
      const event = () => s3Event(stack.config.uploadsBucket, 'uploads/lc/2023/T3/noter.txt', nextSequencer());
      const handler = await load();
      // Each invocation's lines apart: every one carries that invocation's context, the first as the cold start.
      for (const [n, coldStart] of [
        [1, true],
        [2, false],
      ] as const) {
        const context = lambdaContext(`${name}-${n}`, functionName);
        const logged = await loggedLines(async () => void (await handler(event(), context)));
        expect(logged.length).toBeGreaterThan(0);
        for (const line of logged)
          expect(line).toMatchObject({
            function_request_id: context.awsRequestId,
            function_name: functionName,
            service: functionName,
            cold_start: coldStart,
          });
      }
    },
  );

  it('the web entry point passes the Lambda context to the logger: failed, answered and sign-in requests each log a line with their request id', async () => {
    const signInSettings = {
      userPoolId: 'eu-north-1_test',
      clientId: 'test-client',
      domain: 'https://tertial.auth.eu-north-1.amazoncognito.com',
      publicOrigin: 'https://d123.cloudfront.net',
    };
    // SSM is down for the first request and answers the second; the second's token is taken as valid.
    const ssm = vi
      .spyOn(SSMClient.prototype, 'send')
      .mockImplementationOnce(() => Promise.reject(new Error('SSM is unavailable')))
      .mockImplementation(() => Promise.resolve({ Parameter: { Value: JSON.stringify(signInSettings) } }));
    // The second request's token is taken as valid; later ones have none that verifies.
    const verify = vi
      .spyOn(CognitoJwtVerifier.prototype, 'verify')
      .mockResolvedValueOnce({ email: 'anna@example.se', 'cognito:groups': ['ks-staff'] } as never)
      .mockRejectedValue(new Error('token expired'));
    const request = {
      rawPath: '/api/session',
      rawQueryString: 'committee=ks&year=2023&tertial=3',
      cookies: ['tertial_id=token'],
      requestContext: { http: { method: 'GET' } },
    } as unknown as LambdaFunctionURLEvent;
    const statuses: number[] = [];
    let logged: Record<string, unknown>[];
    try {
      logged = await loggedLines(async () => {
        const { handler } = await import('../../lambdas/web/handler.js');
        const send = async (id: string, r: LambdaFunctionURLEvent) => {
          const answer = await handler(r, lambdaContext(id, 'tertial-web'));
          statuses.push(typeof answer === 'string' ? 200 : (answer.statusCode ?? 0));
        };
        for (const id of ['web-1', 'web-2', 'web-3']) await send(id, request);
        // A page asks for sign-in; a callback whose state is not the flow's is refused.
        await send('web-4', { ...request, rawPath: '/status/ks/2023/T3.html', cookies: [] });
        await send('web-5', { ...request, rawPath: '/auth/callback', rawQueryString: 'code=c&state=s', cookies: [] });
      });
    } finally {
      ssm.mockRestore();
      verify.mockRestore();
    }
    expect(statuses).toEqual([502, 200, 401, 302, 400]);
    expect(logged.map((l) => [l.level, l.message, l.function_request_id, l.cold_start, l.reason])).toEqual([
      ['ERROR', 'web request failed', 'web-1', true, undefined],
      ['INFO', 'answered', 'web-2', false, undefined],
      ['INFO', 'sign-in answer', 'web-3', false, 'session_missing'],
      ['INFO', 'sign-in answer', 'web-4', false, 'sign_in_started'],
      ['WARN', 'sign-in answer', 'web-5', false, 'sign_in_failed_state'],
    ]);
    expect(logged.every((l) => l.function_name === 'tertial-web' && l.service === 'web')).toBe(true);
  });
});
