/**
 * The table can be rebuilt from S3: after the table is lost, `tertial reindex` replays
 * the objects under uploads/ (and the closure) and arrives at the same state.
 */
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../cli/local-stack.js';
import { closureKey, documentKey, uploadKey, uploadReceiptKey } from '../../lambdas/core/keys.js';
import { silentLog } from '../../lambdas/core/log.js';
import { assembleDeps } from '../../lambdas/assemble/handler.js';
import { ingestDeps } from '../../lambdas/ingest/handler.js';
import { reindexPeriod } from '../../lambdas/ingest/reindex.js';
import { LOCAL_CREDENTIALS } from '../../lambdas/storage/clients.js';
import type { Period } from '../../lambdas/core/domain.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { ACTIVITY_HEADER, buildWorkbook, simpleWorkbook } from '../helpers/workbook.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.dispose();
});

async function snapshot(period: Period) {
  const record = await stack.runtime.repo.getPeriod(period);
  const uploads = record ? await stack.runtime.repo.readActiveUploads(record) : [];
  return { state: record?.state, uploads: uploads.map((u) => ({ name: u.name, content: u.content })) };
}

async function loseTheTable(): Promise<void> {
  const client = new DynamoDBClient({
    region: stack.config.region,
    endpoint: stack.config.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  await client.send(new DeleteTableCommand({ TableName: stack.config.tableName }));
  // dynalite answers DELETING and drops the table a moment later: wait until it is gone.
  for (let i = 0; ; i++) {
    try {
      await client.send(new DescribeTableCommand({ TableName: stack.config.tableName }));
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') break;
      throw err;
    }
    if (i > 500) throw new Error('the table was not deleted');
    await new Promise((r) => setTimeout(r, 20));
  }
  client.destroy();
  await ensureTable(stack.config);
}

describe('reindex', () => {
  it('rebuilds a lost table from the uploads in S3: the same files in force with the same rows, open and closed periods alike', async () => {
    const open: Period = { committee: 'ri', year: 2024, tertial: 1 };
    const closed: Period = { committee: 'ri', year: 2023, tertial: 3 };
    for (const period of [open, closed]) {
      await stack.put(
        uploadKey(period, 'a.xlsx'),
        await simpleWorkbook({ id: 'A1', title: 'Första målet' }, [{ title: 'Gammal', status: 'Pågående' }]),
      );
      await stack.put(
        uploadKey(period, 'b.xlsx'),
        await simpleWorkbook({ id: 'B1', title: 'Andra målet' }, [
          { title: 'B-aktivitet', status: 'Genomförd', comment: 'Rad ett\nRad två' },
        ]),
      );
      await stack.put(
        uploadKey(period, 'c.xlsx'),
        await simpleWorkbook({ id: 'C1', title: 'Tas bort' }, [{ title: 'Borta', status: 'Pågående' }]),
      );
      await stack.idle();
      await stack.put(
        uploadKey(period, 'a.xlsx'),
        await simpleWorkbook({ id: 'A1', title: 'Första målet' }, [{ title: 'Ny', status: 'Genomförd' }]),
      );
      await stack.put(
        uploadKey(period, 'd.xlsx'),
        await buildWorkbook({ Aktiviteter: [ACTIVITY_HEADER, ['A1', 'Trasig', 'X', 'Klar', '']] }),
      );
      await stack.remove(uploadKey(period, 'c.xlsx'));
      await stack.idle();
    }
    await stack.put(closureKey(closed), '');
    await stack.idle();
    const before = { open: await snapshot(open), closed: await snapshot(closed) };
    expect(before.open.uploads.map((u) => u.name)).toEqual(['a.xlsx', 'b.xlsx']);
    expect(before.closed.state).toBe('CLOSED');

    // Reindexing an intact table changes nothing.
    const deps = { ...ingestDeps(stack.runtime, silentLog), ...assembleDeps(stack.runtime, silentLog) };
    const noop = await reindexPeriod(deps, open);
    expect(noop.uploads.map((u) => u.outcome)).toEqual(['stale', 'stale', 'stale', 'stale']);
    expect(await snapshot(open)).toEqual(before.open);

    await loseTheTable();
    expect(await snapshot(open)).toEqual({ state: undefined, uploads: [] });

    const replayedOpen = await reindexPeriod(deps, open);
    expect(replayedOpen.uploads).toEqual([
      { name: 'a.xlsx', outcome: 'restored' },
      { name: 'b.xlsx', outcome: 'restored' },
      { name: 'c.xlsx', outcome: 'removed' },
      { name: 'd.xlsx', outcome: 'rejected' },
    ]);
    expect(replayedOpen.closure).toBeUndefined();
    const replayedClosed = await reindexPeriod(deps, closed);
    expect(replayedClosed.closure).toBe('restored');

    expect(await snapshot(open)).toEqual(before.open);
    expect(await snapshot(closed)).toEqual(before.closed);
  });

  it('10.1: a table restore of a closed tertial rebuilds it as it was at the close: an upload refused after the close is left out, a file whose deletion was refused stays, and the document is neither rewritten nor announced again', async () => {
    const period: Period = { committee: 'rc', year: 2024, tertial: 2 };
    await stack.put(
      uploadKey(period, 'a.xlsx'),
      await simpleWorkbook({ id: 'A1', title: 'Första målet' }, [{ title: 'Vid stängningen', status: 'Pågående' }]),
    );
    await stack.put(
      uploadKey(period, 'b.xlsx'),
      await simpleWorkbook({ id: 'B1', title: 'Andra målet' }, [{ title: 'Ska finnas kvar', status: 'Genomförd' }]),
    );
    await stack.idle();
    await stack.put(closureKey(period), JSON.stringify({ diarienummer: 'RC 2024/7' }));
    await stack.idle();
    const document = documentKey(period);
    const issued = await stack.runtime.objects.get(stack.config.documentsBucket, document);
    expect(issued).toBeDefined();
    // After the close: a new version of a.xlsx, a new file and the deletion of b.xlsx, all refused (period_closed).
    await stack.put(
      uploadKey(period, 'a.xlsx'),
      await simpleWorkbook({ id: 'A1', title: 'Första målet' }, [{ title: 'För sent', status: 'Genomförd' }]),
    );
    await stack.put(
      uploadKey(period, 'c.xlsx'),
      await simpleWorkbook({ id: 'C1', title: 'För sent' }, [{ title: 'Kom efter stängningen', status: 'Pågående' }]),
    );
    await stack.remove(uploadKey(period, 'b.xlsx'));
    await stack.idle();
    expect(
      (await stack.outputJson<{ errors: { code: string }[] }>(uploadReceiptKey(period, 'c.xlsx')))?.errors.map(
        (e) => e.code,
      ),
    ).toEqual(['period_closed']);
    const before = await snapshot(period);
    expect(before.uploads.map((u) => u.name)).toEqual(['a.xlsx', 'b.xlsx']);
    const closedWith = (await stack.runtime.repo.getPeriod(period))?.closure;

    await loseTheTable();
    const announced: unknown[] = [];
    const deps = {
      ...ingestDeps(stack.runtime, silentLog),
      ...assembleDeps(stack.runtime, silentLog),
      announce: async (doc: unknown) => {
        announced.push(doc);
      },
    };
    const result = await reindexPeriod(deps, period);
    const after = await snapshot(period);
    expect(after).toEqual(before);
    expect(after.uploads.flatMap((u) => u.content.activities.map((a) => a.title))).toEqual([
      'Vid stängningen',
      'Ska finnas kvar',
    ]);
    expect((await stack.runtime.repo.getPeriod(period))?.closure).toEqual(closedWith);
    expect(closedWith?.closure.diarienummer).toBe('RC 2024/7');

    const now = await stack.runtime.objects.get(stack.config.documentsBucket, document);
    expect(now?.etag).toBe(issued?.etag);
    expect(now?.lastModified?.getTime()).toBe(issued?.lastModified?.getTime());
    expect(announced).toEqual([]);
    expect(result.closure).toBe('restored');
  });

  it('10.2: a table restore keeps the accepted version of a file whose newest object is a refused upload', async () => {
    const period: Period = { committee: 'rv', year: 2024, tertial: 1 };
    await stack.put(
      uploadKey(period, 'a.xlsx'),
      await simpleWorkbook({ id: 'A1', title: 'Målet' }, [{ title: 'Godkänd version', status: 'Pågående' }]),
    );
    await stack.idle();
    await stack.put(
      uploadKey(period, 'a.xlsx'),
      await buildWorkbook({ Aktiviteter: [ACTIVITY_HEADER, ['A1', 'Trasig', 'X', 'Klar', '']] }),
    );
    await stack.idle();
    expect((await stack.outputJson<{ status: string }>(uploadReceiptKey(period, 'a.xlsx')))?.status).toBe('rejected');
    const before = await snapshot(period);
    expect(before.uploads.map((u) => u.content.activities.map((a) => a.title))).toEqual([['Godkänd version']]);

    await loseTheTable();
    const deps = { ...ingestDeps(stack.runtime, silentLog), ...assembleDeps(stack.runtime, silentLog) };
    await reindexPeriod(deps, period);
    expect(await snapshot(period)).toEqual(before);
  });
});
