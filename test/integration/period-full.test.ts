/**
 * A period whose table item has reached DynamoDB's 400 KB item limit (about a thousand
 * files): a new file is refused with a receipt that says why, nothing of the period
 * changes, and a removal still works. The limit is the engine's own, hit for real.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '../../lambdas/core/domain.js';
import { makeIngestHandler } from '../../lambdas/ingest/handler.js';
import { silentLog } from '../../lambdas/core/log.js';
import { s3Event, sequencers } from '../helpers/events.js';
import { historyPrefix, uploadKey, uploadReceiptKey } from '../../lambdas/core/keys.js';
import type { UploadReceipt } from '../../lambdas/core/receipt.js';
import { PERIOD_SK, periodPk } from '../../lambdas/storage/table-keys.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { simpleWorkbook } from '../helpers/workbook.js';

let stack: TestStack;

const period: Period = { committee: 'full', year: 2024, tertial: 1 };
const key = { pk: periodPk(period), sk: PERIOD_SK };

/** A refused file's entry, as the ingest records one (with a real event's sequencer). */
function refusedEntry(sequencer: string) {
  return {
    sequencer,
    lastOutcome: 'rejected',
    lastEventAt: '2024-02-01T10:00:00.000Z',
  };
}

/** Fills the period item with refused files' entries until the engine refuses one more. */
async function fillToTheLimit(): Promise<number> {
  const db = stack.runtime.clients.dynamo;
  const table = stack.config.tableName;
  const item = (await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  if (!item) throw new Error('no period item');
  // Most of the way at once (about 380 KB of entries with 180-character names) …
  const files = { ...(item.files as Record<string, { sequencer: string }>) };
  const sequencer = files['a.xlsx']?.sequencer as string;
  for (let i = 0; JSON.stringify(files).length < 380_000; i++)
    files[`${'x'.repeat(170)}-${i}.xlsx`] = refusedEntry(sequencer);
  await db.send(new PutCommand({ TableName: table, Item: { ...item, files } }));
  // … then one short entry at a time, until DynamoDB's own item size check refuses one.
  for (let i = 0; ; i++) {
    try {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #files.#f = :entry',
          ExpressionAttributeNames: { '#files': 'files', '#f': `z${i}.csv` },
          ExpressionAttributeValues: { ':entry': refusedEntry(sequencer) },
        }),
      );
    } catch (err) {
      expect((err as Error).name).toBe('ValidationException');
      return Object.keys(files).length + i;
    }
  }
}

// On dynalite and on Amazon's DynamoDB Local: both refuse the write that passes 400 KB, as DynamoDB does.
describe.each(['dynalite', 'dynamodb-local'] as const)('a period with no room for another file (%s)', (dynamodb) => {
  beforeAll(async () => {
    stack = await startTestStack({ dynamodb });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('refuses a new file with a receipt saying why, changes nothing, and still takes a removal', async () => {
    await stack.put(
      uploadKey(period, 'a.xlsx'),
      await simpleWorkbook({ id: 'F1', title: 'Fullt' }, [{ title: 'Finns redan', status: 'Pågående' }]),
    );
    await stack.idle();
    const entries = await fillToTheLimit();
    expect(entries).toBeGreaterThan(1000);
    const before = await stack.runtime.repo.getPeriod(period);

    await stack.put(
      uploadKey(period, 'ny.xlsx'),
      await simpleWorkbook({ id: 'F1', title: 'Fullt' }, [{ title: 'Får inte plats', status: 'Pågående' }]),
    );
    await stack.idle();
    expect(stack.failedEvents).toEqual([]);
    const receipt = await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'ny.xlsx'));
    expect(receipt?.status).toBe('rejected');
    expect(receipt?.errors.map((e) => e.code)).toEqual(['period_full']);
    expect(receipt?.errors[0]?.message).toMatch(/så många filer att fler inte får plats.*inget i tertialen ändrades/);
    const after = await stack.runtime.repo.getPeriod(period);
    expect(after?.version).toBe(before?.version);
    expect(after?.files['ny.xlsx']).toBeUndefined();
    expect(after?.files['a.xlsx']?.lastOutcome).toBe('accepted');

    // A removal of a file the period never had: answered, and nothing recorded, since nothing took effect.
    // (S3 announces a deletion of any key, on a versioned bucket; s3rver only of keys it has.)
    const ingest = makeIngestHandler(stack.runtime, silentLog);
    const removal = s3Event(
      stack.config.uploadsBucket,
      uploadKey(period, 'okänd.xlsx'),
      sequencers()(),
      'ObjectRemoved:DeleteMarkerCreated',
    );
    expect(await ingest(removal)).toEqual(['removed']);
    expect((await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'okänd.xlsx')))?.status).toBe('removed');
    expect((await stack.runtime.repo.getPeriod(period))?.files['okänd.xlsx']).toBeUndefined();
    const history = await stack.runtime.objects.list(stack.config.documentsBucket, historyPrefix(period));
    expect(history.map((o) => o.key).filter((k) => k.includes('okänd.xlsx'))).toEqual([]);

    await stack.remove(uploadKey(period, 'a.xlsx'));
    await stack.idle();
    expect((await stack.outputJson<UploadReceipt>(uploadReceiptKey(period, 'a.xlsx')))?.status).toBe('removed');
    expect((await stack.runtime.repo.getPeriod(period))?.files['a.xlsx']?.lastOutcome).toBe('deleted');
  });
});
