/**
 * Nothing lost, nothing doubled: at-least-once and out-of-order S3 events, DynamoDB
 * throttling and partial batches, a process that dies mid-ingest, and a close racing
 * an upload. All against the real local S3 and DynamoDB servers; faults are injected
 * under the SDK (test/helpers/faults.ts), so the SDK's own retries run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closureKey, closureReceiptKey, documentKey, uploadKey, uploadReceiptKey } from '../../lambdas/core/keys.js';
import type { Period } from '../../lambdas/core/domain.js';
import type { ClosureReceipt, UploadReceipt } from '../../lambdas/core/receipt.js';
import { silentLog } from '../../lambdas/core/log.js';
import { makeAssembleHandler } from '../../lambdas/assemble/handler.js';
import { makeIngestHandler } from '../../lambdas/ingest/handler.js';
import { createClients } from '../../lambdas/storage/clients.js';
import { s3ObjectStore } from '../../lambdas/storage/objects.js';
import { PeriodRepository } from '../../lambdas/storage/repository.js';
import type { Runtime } from '../../lambdas/storage/runtime.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { s3Event, sequencers } from '../helpers/events.js';
import { faultyDynamoHandler, type FaultPlan } from '../helpers/faults.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { simpleWorkbook } from '../helpers/workbook.js';

let stack: TestStack;
/** The fault-injecting runtimes' clients, closed after each test so their sockets do not pile up. */
const faultyClients: ReturnType<typeof createClients>[] = [];
let periodCounter = 0;
const nextSequencer = sequencers();

function freshPeriod(): Period {
  periodCounter += 1;
  return { committee: `rb-${periodCounter}`, year: 2023, tertial: 2 };
}

/** A runtime on the same servers whose DynamoDB traffic goes through `plan`. */
function faultyRuntime(plan: FaultPlan, options: { maxAttempts?: number; chunkBytes?: number } = {}) {
  const { handler, stats } = faultyDynamoHandler(stack.config.dynamodbEndpoint as string, plan);
  const clients = createClients(stack.config, {
    dynamoRequestHandler: handler,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  const runtime: Runtime = {
    config: stack.config,
    clients,
    objects: s3ObjectStore(clients.s3),
    repo: new PeriodRepository(clients.dynamo, stack.config.tableName, { chunkBytes: options.chunkBytes ?? 400 }),
    notify: stack.runtime.notify,
  };
  faultyClients.push(clients);
  return { runtime, stats };
}

/** Puts an object without the stack delivering its event: the test delivers events itself. */
async function putQuietly(key: string, body: Uint8Array | string): Promise<void> {
  stack.setDelivery(false);
  try {
    await stack.put(key, body);
  } finally {
    stack.setDelivery(true);
  }
}

function activities(n: number, prefix: string) {
  return Array.from({ length: n }, (_, i) => ({
    title: `${prefix} ${String(i + 1).padStart(3, '0')}`,
    status: 'Pågående',
    comment: `Kommentar ${i + 1} för ${prefix}`,
  }));
}

async function activeActivityTitles(period: Period): Promise<string[]> {
  const record = await stack.runtime.repo.getPeriod(period);
  if (!record) return [];
  const uploads = await stack.runtime.repo.readActiveUploads(record);
  return uploads.flatMap((u) => u.content.activities.map((a) => a.title)).sort();
}

beforeAll(async () => {
  stack = await startTestStack();
});

afterEach(() => {
  for (const clients of faultyClients.splice(0)) {
    clients.s3.destroy();
    clients.dynamo.destroy();
  }
});

afterAll(async () => {
  await stack?.dispose();
});

describe('events: at least once, in no set order', () => {
  it('duplicate event: the same S3 event delivered 3 times in parallel has one effect and one receipt', async () => {
    const period = freshPeriod();
    const key = uploadKey(period, 'dubblett.xlsx');
    await putQuietly(key, await simpleWorkbook({ id: 'D1', title: 'Dubbletter' }, activities(40, 'Rad')));
    const ingest = makeIngestHandler(stack.runtime, silentLog);
    const event = s3Event(stack.config.uploadsBucket, key, nextSequencer());

    const outcomes = (await Promise.all([ingest(event), ingest(event), ingest(event)])).flat();
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'accepted').every((o) => o === 'stale' || o === 'duplicate')).toBe(true);
    expect(await activeActivityTitles(period)).toHaveLength(40);
    // The losers' staged rows were removed: only the winner's generation has items.
    expect((await stack.runtime.repo.countStagedRows(period)).size).toBe(1);
    const receipt = await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'dubblett.xlsx'));
    expect(receipt?.status).toBe('accepted');

    // Delivered once more later: still one effect, the receipt rewritten identically.
    const before = await stack.output(uploadReceiptKey(period, 'dubblett.xlsx'));
    expect(await ingest(event)).toEqual(['duplicate']);
    expect(
      Buffer.from((await stack.output(uploadReceiptKey(period, 'dubblett.xlsx'))) as Uint8Array).equals(
        Buffer.from(before as Uint8Array),
      ),
    ).toBe(true);
  });

  it('out of order: version 2 processed before version 1 leaves version 2 in force', async () => {
    const period = freshPeriod();
    const key = uploadKey(period, 'ordning.xlsx');
    const ingest = makeIngestHandler(stack.runtime, silentLog);
    const seq1 = nextSequencer();
    const seq2 = nextSequencer();
    await putQuietly(
      key,
      await simpleWorkbook({ id: 'O1', title: 'Ordning' }, [{ title: 'Version 2', status: 'Genomförd' }]),
    );
    expect(await ingest(s3Event(stack.config.uploadsBucket, key, seq2))).toEqual(['accepted']);
    // Version 1's event arrives late (its content is long gone; on AWS it is read by versionId).
    expect(await ingest(s3Event(stack.config.uploadsBucket, key, seq1))).toEqual(['stale']);
    expect(await activeActivityTitles(period)).toEqual(['Version 2']);
  });

  it('concurrent uploads: 20 files and 5 overwrites of one file at once leave every file’s latest version, counts exact', async () => {
    const period = freshPeriod();
    const files = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => ({
        name: `fil-${String(i).padStart(2, '0')}.xlsx`,
        bytes: await simpleWorkbook({ id: `C${i}`, title: `Mål ${i}` }, activities(5 + i, `Fil ${i}`)),
      })),
    );
    const overwrites = await Promise.all(
      Array.from({ length: 5 }, (_, v) =>
        simpleWorkbook({ id: 'CX', title: 'Skrivs över' }, activities(3, `Version ${v + 1}`)),
      ),
    );
    await Promise.all(files.map((f) => stack.put(uploadKey(period, f.name), f.bytes)));
    for (const bytes of overwrites) await stack.put(uploadKey(period, 'overskriven.xlsx'), bytes);
    await stack.idle();

    const record = await stack.runtime.repo.getPeriod(period);
    const uploads = await stack.runtime.repo.readActiveUploads(record!);
    expect(uploads.map((u) => u.name)).toEqual([...files.map((f) => f.name), 'overskriven.xlsx']);
    for (const [i, f] of files.entries()) {
      const upload = uploads.find((u) => u.name === f.name);
      expect(upload?.content.activities.map((a) => a.title)).toEqual(activities(5 + i, `Fil ${i}`).map((a) => a.title));
    }
    // Rows are never mixed between versions of one file: exactly version 5's three.
    expect(uploads.find((u) => u.name === 'overskriven.xlsx')?.content.activities.map((a) => a.title)).toEqual([
      'Version 5 001',
      'Version 5 002',
      'Version 5 003',
    ]);
    const total = uploads.reduce((n, u) => n + u.content.activities.length, 0);
    expect(total).toBe(files.reduce((n, _, i) => n + 5 + i, 0) + 3);
    // Superseded versions' rows are gone: one generation per file.
    expect((await stack.runtime.repo.countStagedRows(period)).size).toBe(21);
  });

  it('delete: removing an upload removes exactly its rows; a delete older than a later re-upload is ignored', async () => {
    const period = freshPeriod();
    const ingest = makeIngestHandler(stack.runtime, silentLog);
    const keep = uploadKey(period, 'behall.xlsx');
    const gone = uploadKey(period, 'tabort.xlsx');
    await stack.put(
      keep,
      await simpleWorkbook({ id: 'K1', title: 'Behåll' }, [{ title: 'Stannar', status: 'Pågående' }]),
    );
    await stack.put(
      gone,
      await simpleWorkbook({ id: 'K2', title: 'Ta bort' }, [{ title: 'Försvinner', status: 'Pågående' }]),
    );
    await stack.idle();
    await stack.remove(gone);
    await stack.idle();
    expect(await activeActivityTitles(period)).toEqual(['Stannar']);

    // A delete that S3 sequenced before a re-upload, delivered after it: ignored.
    const deleteSeq = nextSequencer();
    const uploadSeq = nextSequencer();
    await putQuietly(
      gone,
      await simpleWorkbook({ id: 'K2', title: 'Ta bort' }, [{ title: 'Tillbaka', status: 'Genomförd' }]),
    );
    expect(await ingest(s3Event(stack.config.uploadsBucket, gone, uploadSeq))).toEqual(['accepted']);
    expect(
      await ingest(s3Event(stack.config.uploadsBucket, gone, deleteSeq, 'ObjectRemoved:DeleteMarkerCreated')),
    ).toEqual(['stale']);
    expect(await activeActivityTitles(period)).toEqual(['Stannar', 'Tillbaka']);
  });
});

describe('DynamoDB faults', () => {
  it('throttling and partial batches on 30 % of requests: every row arrives exactly once', async () => {
    const period = freshPeriod();
    const key = uploadKey(period, 'strypt.xlsx');
    const rows = activities(300, 'Strypt');
    await putQuietly(key, await simpleWorkbook({ id: 'T1', title: 'Strypning' }, rows));
    const { runtime, stats } = faultyRuntime({ throttleRate: 0.3, unprocessedRate: 0.3, seed: 7 });
    const ingest = makeIngestHandler(runtime, silentLog);
    expect(await ingest(s3Event(stack.config.uploadsBucket, key, nextSequencer()))).toEqual(['accepted']);
    expect(stats.throttled, JSON.stringify(stats)).toBeGreaterThan(0);
    expect(stats.partialBatches, JSON.stringify(stats)).toBeGreaterThan(0);
    expect(await activeActivityTitles(period)).toEqual(rows.map((r) => r.title));
  });

  it('retries exhausted: the upload is marked failed, nothing partial is visible, the receipt says so, and the error is rethrown', async () => {
    const period = freshPeriod();
    const key = uploadKey(period, 'misslyckad.xlsx');
    // A version that is in force before the faults start.
    await stack.put(
      key,
      await simpleWorkbook({ id: 'F1', title: 'Fel' }, [{ title: 'Gammal version', status: 'Genomförd' }]),
    );
    await stack.idle();
    await putQuietly(key, await simpleWorkbook({ id: 'F1', title: 'Fel' }, activities(200, 'Ny version')));
    const { runtime, stats } = faultyRuntime(
      { throttleRate: 1, throttleOperations: ['BatchWriteItem'] },
      { maxAttempts: 2 },
    );
    const ingest = makeIngestHandler(runtime, silentLog);

    await expect(ingest(s3Event(stack.config.uploadsBucket, key, nextSequencer()))).rejects.toThrow(/throughput/i);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(await activeActivityTitles(period)).toEqual(['Gammal version']);
    const receipt = await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'misslyckad.xlsx'));
    expect(receipt?.status).toBe('failed');
    expect(receipt?.message).toMatch(/tekniskt fel/);
    expect(receipt?.message).toMatch(/tidigare godkända versionen/);
  });

  it('crash mid-ingest: the retry completes, no duplicate rows, and the dead attempt’s rows are invisible and swept', async () => {
    const period = freshPeriod();
    const key = uploadKey(period, 'krasch.xlsx');
    const rows = activities(200, 'Krasch');
    await putQuietly(key, await simpleWorkbook({ id: 'X1', title: 'Krasch' }, rows));
    const event = s3Event(stack.config.uploadsBucket, key, nextSequencer());

    // The process dies after two batches are written: nothing after that reaches DynamoDB.
    const dying = faultyRuntime({ crashAfter: { operation: 'BatchWriteItem', count: 2 } });
    await expect(makeIngestHandler(dying.runtime, silentLog)(event)).rejects.toThrow();
    expect(dying.stats.crashed).toBe(true);
    const orphanItems = await stack.runtime.repo.countStagedRows(period);
    expect(orphanItems.size).toBe(1); // the dead attempt's rows are there …
    expect(await activeActivityTitles(period)).toEqual([]); // … and invisible.

    // Lambda's retry, in a healthy process.
    const healthy = faultyRuntime({});
    expect(await makeIngestHandler(healthy.runtime, silentLog)(event)).toEqual(['accepted']);
    expect(await activeActivityTitles(period)).toEqual(rows.map((r) => r.title));

    // The close sweeps rows older than any attempt could still be running.
    const later = new Date(Date.now() + 60 * 60 * 1000);
    expect(await stack.runtime.repo.sweepOrphans(period, later, 20 * 60 * 1000)).toBe(1);
    expect((await stack.runtime.repo.countStagedRows(period)).size).toBe(1);
    expect(await activeActivityTitles(period)).toEqual(rows.map((r) => r.title));
  });
});

describe('closing', () => {
  it('close racing an upload: exactly one order wins, and the document and both receipts agree with it', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 6; round++) {
      const period = freshPeriod();
      await stack.put(
        uploadKey(period, 'forst.xlsx'),
        await simpleWorkbook({ id: 'R1', title: 'Först' }, [{ title: 'Redan med', status: 'Genomförd' }]),
      );
      await stack.idle();
      const key = uploadKey(period, 'kapplopning.xlsx');
      await putQuietly(key, await simpleWorkbook({ id: 'R2', title: 'Kapplöpning' }, activities(30, 'Sen')));
      await putQuietly(closureKey(period), '');
      // Slow commits on one side, varying by round, so both orders happen.
      const slowIngest = faultyRuntime({
        delayMs: { operation: round % 2 ? 'UpdateItem' : 'BatchWriteItem', ms: 5 * round },
      });
      const slowClose = faultyRuntime({ delayMs: { operation: 'UpdateItem', ms: 5 * (6 - round) } });
      await Promise.all([
        makeIngestHandler(slowIngest.runtime, silentLog)(s3Event(stack.config.uploadsBucket, key, nextSequencer())),
        makeAssembleHandler(
          slowClose.runtime,
          silentLog,
        )(s3Event(stack.config.uploadsBucket, closureKey(period), nextSequencer())),
      ]);
      const upload = await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'kapplopning.xlsx'));
      const closure = await stack.outputJson<ClosureReceipt>(closureReceiptKey(period));
      const paragraphs = docxParagraphs((await stack.output(documentKey(period))) as Uint8Array);
      expect(closure?.status).toBe('closed');
      expect(paragraphs).toContain('Redan med');
      if (upload?.status === 'accepted') {
        expect(closure?.uploads).toContain('kapplopning.xlsx');
        expect(paragraphs).toContain('Sen 030');
      } else {
        expect(upload?.status).toBe('rejected');
        expect(upload?.errors[0]?.code).toBe('period_closed');
        expect(closure?.uploads).not.toContain('kapplopning.xlsx');
        expect(paragraphs).not.toContain('Sen 001');
      }
      outcomes.push(upload?.status ?? 'none');
    }
    // Not a timing assertion: just that the rounds exercised at least one order.
    expect(outcomes.length).toBe(6);
  });

  it('a config that does not parse: the period does not close, the receipt says why, and closing after the fix works', async () => {
    const period = freshPeriod();
    await stack.put(
      uploadKey(period, 'a.xlsx'),
      await simpleWorkbook({ id: 'C1', title: 'Konfig' }, [{ title: 'Något', status: 'Pågående' }]),
    );
    await stack.put(`config/${period.committee}.json`, '{"displayName": 42,');
    await stack.idle();
    await stack.put(closureKey(period), '');
    await stack.idle();
    const refused = await stack.outputJson<ClosureReceipt>(closureReceiptKey(period));
    expect(refused?.status).toBe('rejected');
    expect(refused?.errors[0]?.code).toBe('invalid_config');
    expect((await stack.runtime.repo.getPeriod(period))?.state).toBe('OPEN');
    expect(await stack.output(documentKey(period))).toBeUndefined();

    await stack.put(
      `config/${period.committee}.json`,
      JSON.stringify({ displayName: 'Konfigurationsnämnden', municipality: 'Ånge kommun' }),
    );
    await stack.put(closureKey(period), '');
    await stack.idle();
    expect((await stack.outputJson<ClosureReceipt>(closureReceiptKey(period)))?.status).toBe('closed');
    expect(docxParagraphs((await stack.output(documentKey(period))) as Uint8Array)).toContain('Konfigurationsnämnden');
  });
});

describe('hostile input at the edge', () => {
  it('a file over the size limit is refused from the event’s size, without being downloaded', async () => {
    const period = freshPeriod();
    const key = uploadKey(period, 'enorm.xlsx');
    await putQuietly(key, 'not really large');
    const ingest = makeIngestHandler(stack.runtime, silentLog);
    // The event says 50 MB; the object is tiny. Had it been downloaded and parsed, the
    // receipt would name another problem than the size.
    expect(
      await ingest(s3Event(stack.config.uploadsBucket, key, nextSequencer(), 'ObjectCreated:Put', 50 * 1024 * 1024)),
    ).toEqual(['rejected']);
    const receipt = await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'enorm.xlsx'));
    expect(receipt?.errors.map((e) => e.code)).toEqual(['file_too_large']);
    expect(await activeActivityTitles(period)).toEqual([]);
  });
});
