/**
 * Conformance: the store (PeriodRepository) against both local DynamoDB backends, the
 * same assertions on each: dynalite (what the local stack runs) and Amazon's own
 * DynamoDB Local (the jar inside `amplify-dynamodb-simulator`, run by
 * cli/dynamodb-local.ts; needs `java`).
 *
 * Running DynamoDB Local itself: `-disableTelemetry` alone still has it resolve its
 * telemetry endpoint at start; the DDB_LOCAL_TELEMETRY=0 variable stops that (set by
 * cli/dynamodb-local.ts). It does not exit when its port is taken (it hangs after a
 * BindException), and writes dynamodb-local-metadata.json into its working directory.
 *
 * Differences found between dynalite 4.0.0 and DynamoDB Local 1.25.1 (probed with the
 * raw API). None of them reaches the repository, which is why it runs on both:
 * - String comparison in condition expressions (`<`, `>`): dynalite compares UTF-16
 *   code units (JavaScript `<`), DynamoDB Local compares UTF-8 bytes as DynamoDB does,
 *   so e.g. '\u{1F600}' < '\uFF61' on dynalite but not on DynamoDB Local. Sort-key order
 *   in Query is UTF-8 on both. The repository compares only normalised sequencers,
 *   40 upper-case hex digits, where both orders agree.
 * - TransactWriteItems: dynalite answers UnknownOperationException; DynamoDB Local
 *   supports it. The repository uses no transactions.
 * - ReturnValuesOnConditionCheckFailure: dynalite ignores it (no Item on the
 *   ConditionalCheckFailedException); DynamoDB Local returns the item. Not used.
 * - An empty string as a map key (`{ M: { '': … } }`): dynalite stores it, DynamoDB
 *   Local refuses it (ValidationException "Empty attribute name"), as DynamoDB does. The
 *   files map is keyed by upload name, which the key parser never leaves empty.
 * - Nesting beyond 32 levels: dynalite stores it, DynamoDB Local refuses it, as
 *   DynamoDB does. The repository's items nest 3 levels deep.
 * - CreateTable: dynalite (createTableMs 0) answers CREATING and is ACTIVE a tick
 *   later; DynamoDB Local answers ACTIVE. The table is awaited to ACTIVE below.
 * - Messages differ, names agree: ResourceNotFoundException ("Requested resource not
 *   found" vs "Cannot do operations on a non-existent table"), ValidationException for
 *   more than 38 digits in a number or more than 25 requests in a BatchWriteItem.
 * The same on both: ConditionalCheckFailedException for a failed condition, also one on
 * a missing nested path (`#files.#f.#seq = :v` is false when `#files.#f` is absent);
 * `attribute_not_exists(#files.#f)` true on a missing item; ValidationException for SET
 * on a path under a missing map, for unused expression names or values, for overlapping
 * paths, for duplicate keys in one BatchWriteItem; `ADD` on a missing number gives 1;
 * the item size limit is exactly 409,600 bytes (names + values, UTF-8); Query pages at
 * 1 MB; empty strings are allowed outside keys and refused in keys; lone surrogates
 * round-trip unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable, startDynamoDbServer } from '../../cli/local-stack.js';
import type { Period, UploadContent } from '../../lambdas/core/domain.js';
import { createClients, LOCAL_CREDENTIALS, type Clients } from '../../lambdas/storage/clients.js';
import {
  PeriodRepository,
  newGeneration,
  periodPk,
  type ClosureRecord,
  type FileEntry,
} from '../../lambdas/storage/repository.js';

const REGION = 'eu-north-1';
const TABLE = 'tertial';

interface Backend {
  readonly name: string;
  start(): Promise<{ endpoint: string; close(): Promise<void> }>;
}

const BACKENDS: readonly Backend[] = [
  { name: 'dynalite', start: () => startDynamoDbServer('dynalite', 0) },
  { name: 'DynamoDB Local', start: () => startDynamoDbServer('dynamodb-local', 0) },
];

/** A sequencer as the pipeline stores it: 40 upper-case hex digits. */
function seq(n: number): string {
  return n.toString(16).toUpperCase().padStart(40, '0');
}

const T0 = new Date('2023-12-01T08:00:00.000Z');

function sampleContent(file: string, tag = ''): UploadContent {
  const source = (row: number) => ({ file, sheet: 'Aktiviteter', row });
  return {
    goals: [
      {
        id: 'KS1',
        title: `Trygg och säker kommun${tag}`,
        assessment: 'Delvis uppfyllt',
        motivation: 'Första raden\nAndra raden',
        source: source(2),
      },
      { title: 'Mål utan id', motivation: '', focusArea: 'Välfärd', source: source(3) },
    ],
    activities: [
      {
        goalRef: 'KS1',
        title: `Översyn av rutiner${tag}`,
        status: 'Pågående',
        comment: 'Åäö “citat” — tankstreck',
        responsible: 'Kansliet',
        source: source(2),
      },
      { goalRef: 'Mål utan id', title: 'Tom kommentar', status: 'Ej påbörjad', comment: '', source: source(3) },
    ],
    caseSections: [
      { kind: 'summary', text: 'Sammanfattning', source: { file, sheet: 'Ärende', row: 2 } },
      { kind: 'focusArea', name: 'Välfärd', text: 'Text om välfärd', source: { file, sheet: 'Ärende', row: 3 } },
    ],
  };
}

/** More than 1 MB of rows: several chunks, and a Query that has to page. */
function largeContent(file: string): UploadContent {
  const activities = Array.from({ length: 45 }, (_, i) => ({
    goalRef: 'KS1',
    title: `Aktivitet ${i}`,
    status: 'Genomförd' as const,
    comment: `${i}:${'å'.repeat(12_000)}`, // 24 KB of UTF-8 each
    source: { file, sheet: 'Aktiviteter', row: i + 2 },
  }));
  return { goals: [], activities, caseSections: [] };
}

function acceptedEntry(sequencer: string, generation: string, chunks: number, content: UploadContent): FileEntry {
  return {
    sequencer,
    generation,
    acceptedSequencer: sequencer,
    chunks,
    counts: {
      goals: content.goals.length,
      activities: content.activities.length,
      caseSections: content.caseSections.length,
    },
    acceptedAt: T0.toISOString(),
    lastOutcome: 'accepted',
    lastEventAt: T0.toISOString(),
  };
}

/** As the ingest step builds a rejected version's entry: the accepted one stays in force. */
function rejectedEntry(sequencer: string) {
  return (current: FileEntry | undefined): FileEntry => ({
    ...(current?.generation
      ? {
          generation: current.generation,
          chunks: current.chunks,
          counts: current.counts,
          acceptedAt: current.acceptedAt,
        }
      : {}),
    sequencer,
    lastOutcome: 'rejected',
    lastEventAt: T0.toISOString(),
  });
}

const CLOSURE: ClosureRecord = {
  closedAt: '2023-12-20T10:00:00.000Z',
  documentKey: 'documents/ks/2023/T3/maluppfoljning.docx',
  closure: { meetingDate: '2024-01-15', diarienummer: 'KS 2023/123', documentDate: '2023-12-20' },
  template: 'templates/ks.docx#v1',
};

describe.each(BACKENDS)('PeriodRepository on $name', (backend) => {
  let server: { endpoint: string; close(): Promise<void> } | undefined;
  let clients: Clients;
  let raw: DynamoDBClient;
  let repo: PeriodRepository;
  let counter = 0;

  /** Each test works in a period of its own. */
  function freshPeriod(): Period {
    counter += 1;
    return { committee: `conf-${counter}`, year: 2023, tertial: 3 };
  }

  /** Stages and commits one accepted version of an upload. */
  async function accept(period: Period, name: string, sequencer: string, content: UploadContent) {
    const generation = newGeneration(T0);
    const chunks = await repo.stageUpload(period, generation, name, content);
    const entry = acceptedEntry(sequencer, generation, chunks, content);
    const result = await repo.commitFile(period, name, sequencer, () => entry, T0);
    return { generation, chunks, entry, result };
  }

  beforeAll(async () => {
    server = await backend.start();
    await ensureTable({ region: REGION, dynamodbEndpoint: server.endpoint, tableName: TABLE });
    clients = createClients({ region: REGION, dynamodbEndpoint: server.endpoint });
    raw = new DynamoDBClient({
      region: REGION,
      endpoint: server.endpoint,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    repo = new PeriodRepository(clients.dynamo, TABLE);
  });

  afterAll(async () => {
    clients?.dynamo.destroy();
    clients?.s3.destroy();
    raw?.destroy();
    await server?.close();
  });

  it('ensurePeriod creates an open, empty period once and is idempotent', async () => {
    const period = freshPeriod();
    const first = await repo.ensurePeriod(period, T0);
    expect(first).toEqual({ period, state: 'OPEN', version: 0, files: {} });
    const again = await repo.ensurePeriod(period, new Date('2023-12-02T00:00:00.000Z'));
    expect(again).toEqual(first);
    const item = await raw.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: periodPk(period) }, sk: { S: 'PERIOD' } },
        ConsistentRead: true,
      }),
    );
    expect(item.Item?.createdAt).toEqual({ S: T0.toISOString() });

    // ensurePeriod after a commit keeps the files and the version.
    await accept(period, 'a.xlsx', seq(1), sampleContent('a.xlsx'));
    const afterCommit = await repo.ensurePeriod(period, T0);
    expect(afterCommit.version).toBe(1);
    expect(Object.keys(afterCommit.files)).toEqual(['a.xlsx']);
  });

  it('stages, commits and reads back an upload; staged rows are invisible until the commit', async () => {
    const period = freshPeriod();
    const content = sampleContent('Mål ks.xlsx');
    const generation = newGeneration(T0);
    const chunks = await repo.stageUpload(period, generation, 'Mål ks.xlsx', content);
    expect(chunks).toBe(1);
    expect(await repo.readActiveUploads(await repo.ensurePeriod(period, T0))).toEqual([]);

    const entry = acceptedEntry(seq(1), generation, chunks, content);
    const result = await repo.commitFile(period, 'Mål ks.xlsx', seq(1), () => entry, T0);
    expect(result).toEqual({ outcome: 'committed' });
    const record = await repo.getPeriod(period);
    expect(record).toMatchObject({ state: 'OPEN', version: 1, files: { 'Mål ks.xlsx': entry } });
    expect(await repo.readActiveUploads(record!)).toEqual([{ name: 'Mål ks.xlsx', entry, content }]);
  });

  it('round-trips an upload of more than 1 MB across chunks and Query pages', async () => {
    const period = freshPeriod();
    const content = largeContent('stor.xlsx');
    const { chunks, result } = await accept(period, 'stor.xlsx', seq(1), content);
    expect(result.outcome).toBe('committed');
    expect(chunks).toBeGreaterThanOrEqual(4);
    const [active] = await repo.readActiveUploads((await repo.getPeriod(period))!);
    expect(active?.content).toEqual(content);
  });

  it('ignores a stale or repeated sequencer', async () => {
    const period = freshPeriod();
    const { entry } = await accept(period, 'a.xlsx', seq(0x20), sampleContent('a.xlsx'));
    let called = false;
    const never = (): FileEntry => {
      called = true;
      throw new Error('next() must not run for a stale event');
    };
    const older = await repo.commitFile(period, 'a.xlsx', seq(0x1f), never, T0);
    expect(older.outcome).toBe('stale');
    expect(older.previous).toEqual(entry);
    expect((await repo.commitFile(period, 'a.xlsx', seq(0x20), never, T0)).outcome).toBe('stale');
    expect(called).toBe(false);
    const record = await repo.getPeriod(period);
    expect(record?.version).toBe(1);
    expect(record?.files['a.xlsx']).toEqual(entry);
  });

  it('a rejected version keeps the accepted generation in force', async () => {
    const period = freshPeriod();
    const content = sampleContent('a.xlsx');
    const { entry } = await accept(period, 'a.xlsx', seq(1), content);
    const rejected = await repo.commitFile(period, 'a.xlsx', seq(2), rejectedEntry(seq(2)), T0);
    expect(rejected).toEqual({ outcome: 'committed', previous: entry });

    // A rejected first upload has no generation: nothing of it is in force.
    expect((await repo.commitFile(period, 'b.xlsx', seq(3), rejectedEntry(seq(3)), T0)).outcome).toBe('committed');

    const record = (await repo.getPeriod(period))!;
    expect(record.version).toBe(3);
    expect(record.files['a.xlsx']).toMatchObject({
      sequencer: seq(2),
      generation: entry.generation,
      lastOutcome: 'rejected',
    });
    expect(record.files['b.xlsx']).toEqual({
      sequencer: seq(3),
      lastOutcome: 'rejected',
      lastEventAt: T0.toISOString(),
    });
    expect(await repo.readActiveUploads(record)).toEqual([{ name: 'a.xlsx', entry: record.files['a.xlsx'], content }]);
  });

  it('concurrent commits each land once: optimistic retries on the conditional update', async () => {
    const period = freshPeriod();
    await repo.ensurePeriod(period, T0);
    const names = Array.from({ length: 8 }, (_, i) => `fil-${i}.xlsx`);
    const sequencers = [5, 9, 7, 6, 8].map(seq);
    const results = await Promise.all([
      ...names.map((name, i) => repo.commitFile(period, name, seq(i + 1), rejectedEntry(seq(i + 1)), T0)),
      // Five versions of one file at once: the newest wins, whatever the order.
      ...sequencers.map((s) => repo.commitFile(period, 'samma.xlsx', s, rejectedEntry(s), T0)),
    ]);
    expect(results.slice(0, names.length).every((r) => r.outcome === 'committed')).toBe(true);
    const record = (await repo.getPeriod(period))!;
    expect(Object.keys(record.files).sort()).toEqual([...names, 'samma.xlsx'].sort());
    expect(record.files['samma.xlsx']?.sequencer).toBe(seq(9));
    const committed = results.filter((r) => r.outcome === 'committed').length;
    expect(record.version).toBe(committed);
  });

  it('closes only at the expected version, once, and refuses commits afterwards', async () => {
    const period = freshPeriod();
    const { entry } = await accept(period, 'a.xlsx', seq(1), sampleContent('a.xlsx'));

    expect(await repo.closePeriod(period, 0, CLOSURE)).toBe('changed');
    expect((await repo.getPeriod(period))?.state).toBe('OPEN');

    expect(await repo.closePeriod(period, 1, CLOSURE)).toBe('closed');
    const closed = await repo.getPeriod(period);
    expect(closed).toMatchObject({ state: 'CLOSED', version: 1, closure: CLOSURE });

    expect(await repo.closePeriod(period, 1, CLOSURE)).toBe('already_closed');
    expect(await repo.closePeriod(period, 0, CLOSURE)).toBe('already_closed');

    const late = await repo.commitFile(period, 'a.xlsx', seq(2), rejectedEntry(seq(2)), T0);
    expect(late.outcome).toBe('closed');
    expect(late.previous).toEqual(entry);
    const lateNew = await repo.commitFile(period, 'ny.xlsx', seq(3), rejectedEntry(seq(3)), T0);
    expect(lateNew.outcome).toBe('closed');
    expect(await repo.getPeriod(period)).toEqual(closed);
  });

  it('a close on a period that was never created is a change, not a close', async () => {
    const period = freshPeriod();
    expect(await repo.closePeriod(period, 0, CLOSURE)).toBe('changed');
    expect(await repo.getPeriod(period)).toBeUndefined();
  });

  it("deleteGeneration removes exactly that generation's rows, and is idempotent", async () => {
    const period = freshPeriod();
    const big = largeContent('a.xlsx');
    const small = sampleContent('b.xlsx');
    const genA = newGeneration(T0);
    const genB = newGeneration(T0);
    const chunksA = await repo.stageUpload(period, genA, 'a.xlsx', big);
    await repo.stageUpload(period, genB, 'b.xlsx', small);

    await repo.deleteGeneration(period, genA, chunksA);
    expect(await repo.readGeneration(period, genA)).toEqual({ goals: [], activities: [], caseSections: [] });
    expect(await repo.readGeneration(period, genB)).toEqual(small);
    await repo.deleteGeneration(period, genA, chunksA);
  });

  it('keeps the newest accepted template and reports older ones as stale', async () => {
    const committee = `conf-tpl-${++counter}`;
    expect(await repo.getAcceptedTemplate(committee)).toBeUndefined();
    const v5 = { sequencer: seq(5), key: 'accepted-templates/ks/5.docx', acceptedAt: T0.toISOString() };
    expect(await repo.acceptTemplate(committee, v5)).toBe('accepted');
    expect(await repo.acceptTemplate(committee, { ...v5, sequencer: seq(3), key: 'old.docx' })).toBe('stale');
    expect(await repo.acceptTemplate(committee, { ...v5, key: 'same-sequencer.docx' })).toBe('stale');
    expect(await repo.getAcceptedTemplate(committee)).toEqual(v5);
    const v9 = { sequencer: seq(9), key: 'accepted-templates/ks/9.docx', acceptedAt: '2023-12-03T00:00:00.000Z' };
    expect(await repo.acceptTemplate(committee, v9)).toBe('accepted');
    expect(await repo.getAcceptedTemplate(committee)).toEqual(v9);
  });

  it("the named operations: a refused upload keeps the accepted version and the event that brought it, a removal ends it; the committee's index lists its periods", async () => {
    const period = freshPeriod();
    const other: Period = { ...period, tertial: 1 };
    const generation = newGeneration(T0);
    const content = sampleContent('a.xlsx');
    const chunks = await repo.stageUpload(period, generation, 'a.xlsx', content);
    const counts = { goals: 2, activities: 2, caseSections: 2 };
    const at = T0.toISOString();
    expect(
      (
        await repo.acceptUpload(
          period,
          'a.xlsx',
          { sequencer: seq(1), eventTime: at },
          { generation, chunks, counts, acceptedAt: at },
          T0,
        )
      ).outcome,
    ).toBe('committed');
    expect((await repo.rejectUpload(period, 'a.xlsx', { sequencer: seq(2), eventTime: at }, T0)).outcome).toBe(
      'committed',
    );
    const afterRefusal = await repo.getPeriod(period);
    expect(afterRefusal?.files['a.xlsx']).toEqual({
      sequencer: seq(2),
      generation,
      acceptedSequencer: seq(1),
      chunks,
      counts,
      acceptedAt: at,
      lastOutcome: 'rejected',
      lastEventAt: at,
    });
    expect((await repo.readActiveUploads(afterRefusal!)).map((u) => u.content)).toEqual([content]);
    expect((await repo.removeUpload(period, 'a.xlsx', { sequencer: seq(3), eventTime: at }, T0)).outcome).toBe(
      'committed',
    );
    expect((await repo.getPeriod(period))?.files['a.xlsx']).toEqual({
      sequencer: seq(3),
      lastOutcome: 'deleted',
      lastEventAt: at,
    });
    expect((await repo.removeUpload(period, 'a.xlsx', { sequencer: seq(3), eventTime: at }, T0)).outcome).toBe('stale');

    // A commit reads one file's entry, not the whole period item.
    await accept(period, 'Mål ks.v2.xlsx', seq(4), sampleContent('Mål ks.v2.xlsx'));
    const state = await repo.getFileState(period, 'Mål ks.v2.xlsx');
    expect(Object.keys(state?.files ?? {})).toEqual(['Mål ks.v2.xlsx']);
    expect(state?.version).toBe((await repo.getPeriod(period))?.version);
    expect(Object.keys((await repo.getFileState(period, 'other.xlsx'))?.files ?? {})).toEqual([]);

    await repo.ensurePeriod(other, T0);
    expect(await repo.listCommitteePeriods(period.committee)).toEqual([other, period]);
    expect(await repo.listCommitteePeriods(`${period.committee}-x`)).toEqual([]);
  });

  it('raw API behaviours the repository relies on', async () => {
    const key = (pk: string) => ({ pk: { S: `RAW#${pk}` }, sk: { S: 'X' } });
    const failure = async (p: Promise<unknown>) => {
      try {
        await p;
        return 'ok';
      } catch (err) {
        return (err as Error).name;
      }
    };
    // SET on a path under a missing map is invalid (why ensurePeriod creates `files`).
    expect(
      await failure(
        raw.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key('nofiles'),
            UpdateExpression: 'SET #files.#f = :v',
            ExpressionAttributeNames: { '#files': 'files', '#f': 'a.xlsx' },
            ExpressionAttributeValues: { ':v': { S: '1' } },
          }),
        ),
      ),
    ).toBe('ValidationException');
    // A condition on a missing nested path is false, not an error.
    await raw.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('files'), files: { M: {} } } }));
    expect(
      await failure(
        raw.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key('files'),
            UpdateExpression: 'SET #files.#f = :v',
            ConditionExpression: '#files.#f.#seq = :v',
            ExpressionAttributeNames: { '#files': 'files', '#f': 'a.xlsx', '#seq': 'sequencer' },
            ExpressionAttributeValues: { ':v': { S: '1' } },
          }),
        ),
      ),
    ).toBe('ConditionalCheckFailedException');
    // The 400 KB item limit counts names and values in UTF-8: 409,600 bytes fit, one more does not.
    const item = (total: number) => ({
      ...key('size'),
      e: { S: 'x'.repeat(total - 'pk'.length - 'RAW#size'.length - 'sk'.length - 'X'.length - 'e'.length) },
    });
    expect(await failure(raw.send(new PutItemCommand({ TableName: TABLE, Item: item(409_600) })))).toBe('ok');
    expect(await failure(raw.send(new PutItemCommand({ TableName: TABLE, Item: item(409_601) })))).toBe(
      'ValidationException',
    );
  });
});
