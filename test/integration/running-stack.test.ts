/**
 * `tertial local` left running, driven from other processes the way people drive it:
 * `tertial upload/close/status`, and Debian's AWS CLI (`/usr/bin/aws`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITIES, ACTIVITIES_WORKBOOK } from '../../examples/ks-2023-T3.js';
import { MAX_UPLOAD_NAME_LENGTH } from '../../lambdas/core/keys.js';
import type { OutboxFile } from '../../lambdas/runtime/outbox.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import {
  defaultParts,
  doctypeTemplate,
  externalRelationshipTemplate,
  nestedLoopTemplate,
  oversizedDocumentTemplate,
  zipParts,
} from '../fixtures/crafted-templates.js';
import { inflatingEntryWorkbook, largeRefusedWorkbook, longAttributeWorkbook } from '../fixtures/hostile-workbooks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tertial.mjs');
const AWS = '/usr/bin/aws';
// CI installs awscli (.ci/run); on a machine without it these tests are skipped, and say so.
const hasAws = existsSync(AWS);
if (!hasAws && process.env.CI) throw new Error(`${AWS} is missing; .ci/run installs it (apt-get install awscli)`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let work: string;
let stack: ChildProcess;
let env: Record<string, string>;
let s3Endpoint: string;
/** The page server's address `tertial local` printed. */
let webUrl: string;
let dataDir: string;

function run(
  file: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: ROOT, env: { ...process.env, ...env, ...extraEnv }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

const tertial = (args: string[], extraEnv: Record<string, string> = {}) =>
  run(process.execPath, [BIN, ...args], extraEnv);
const aws = (args: string[]) =>
  run(AWS, ['--endpoint-url', s3Endpoint, ...args], {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_DEFAULT_REGION: 'eu-north-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });

/** Starts `tertial local --data D` and waits until it serves. */
async function startStack(): Promise<{ process: ChildProcess; output: string }> {
  const child = spawn(process.execPath, [BIN, 'local', '--data', dataDir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not come up:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code}:\n${output}`)));
  });
  return { process: child, output };
}

async function stopStack(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  return exited;
}

/** Polls with the AWS CLI until the object can be fetched (a handler writes it a moment after the event). */
async function awsFetch(key: string, target: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let fetched = { code: 1, stdout: '', stderr: '' };
  for (let i = 0; i < 100 && fetched.code !== 0; i++) {
    fetched = await aws(['s3', 'cp', `s3://tertial-documents/${key}`, target]);
    if (fetched.code !== 0) await new Promise((r) => setTimeout(r, 200));
  }
  return fetched;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long after its upload a hostile file must have its receipt. */
const RECEIPT_WITHIN_MS = 10_000;
/** How long a receipt is waited for, so that a late one is measured rather than only missed. */
const RECEIPT_WAIT_MS = 30_000;
/**
 * How long the stack may take to answer a listing while it works on a hostile file. The
 * local stack reads a workbook in the process that serves S3, and each of a listing's few
 * turns of the event loop waits behind a read in progress (about 0.3 s at a time for the
 * large workbooks below): on two busy cores a listing took up to 2.3 s while both were
 * read, before the marked-up copy stopped indexing every cell, and under 0.2 s since. What
 * the bound is there to catch is a file that stalls the stack, as the long attribute did
 * for tens of seconds before tags were bounded.
 */
const ANSWER_WITHIN_MS = 5_000;

/** One listing of the documents bucket with the AWS CLI, and how long the stack took to answer it. */
interface Listing {
  /** Key → ETag of every object under the prefix. */
  readonly etags: ReadonlyMap<string, string>;
  /** From the CLI's first request to the stack's last response, as the CLI's --debug log stamps them. */
  readonly answerMs: number | undefined;
  /** The whole command, the CLI's own start-up included (one to three seconds of it on a busy machine). */
  readonly commandMs: number;
  readonly failure?: string;
}

const DEBUG_STAMP =
  /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3}) - \S+ - botocore\.(endpoint - DEBUG - Sending http request|parsers - DEBUG - Response headers)/gm;

/** The time between the first request the CLI sent and the last response it got, from its --debug log. */
function answerTime(debugLog: string): number | undefined {
  let sent: number | undefined;
  let answered: number | undefined;
  for (const [, day, time, ms, what] of debugLog.matchAll(DEBUG_STAMP)) {
    const at = Date.parse(`${day}T${time}.${ms}`);
    if (what?.startsWith('endpoint')) sent ??= at;
    else answered = at;
  }
  return sent !== undefined && answered !== undefined ? answered - sent : undefined;
}

/**
 * Lists the documents bucket under `prefix` with the AWS CLI (the ListObjectsV2 request
 * `aws s3 ls` sends, with the ETags). The stack's answer is timed from the CLI's own debug
 * stamps: the CLI takes longer than the bound to start on a busy machine, and that is not
 * the stack's time.
 */
async function listDocuments(prefix: string): Promise<Listing> {
  const started = Date.now();
  const listed = await aws([
    '--debug',
    's3api',
    'list-objects-v2',
    '--bucket',
    'tertial-documents',
    '--prefix',
    prefix,
    '--query',
    'Contents[].[Key,ETag]',
    '--output',
    'json',
  ]);
  const commandMs = Date.now() - started;
  const rows = listed.code === 0 ? ((JSON.parse(listed.stdout || 'null') as [string, string][] | null) ?? []) : [];
  return {
    etags: new Map(rows),
    answerMs: answerTime(listed.stderr),
    commandMs,
    ...(listed.code !== 0 ? { failure: listed.stderr.slice(-1000) } : {}),
  };
}

/** A receipt awaited at `key`: one other than the receipt with ETag `before`, if any was there. */
interface AwaitedReceipt {
  readonly key: string;
  /** When its upload was stored (the `aws s3 cp` returned). */
  readonly since: number;
  readonly before?: string;
}

/**
 * Lists `prefix` until each awaited key holds its new receipt, giving up on a key
 * {@link RECEIPT_WAIT_MS} after its upload. Returns, per key seen, how long after its
 * upload a listing first showed it, and its ETag; every listing goes into `listings`.
 */
async function awaitReceipts(
  prefix: string,
  awaited: readonly AwaitedReceipt[],
  listings: Listing[],
): Promise<Map<string, { afterMs: number; etag: string }>> {
  const seen = new Map<string, { afterMs: number; etag: string }>();
  const waiting = () => awaited.filter((a) => !seen.has(a.key) && Date.now() - a.since < RECEIPT_WAIT_MS);
  while (waiting().length > 0) {
    const listing = await listDocuments(prefix);
    listings.push(listing);
    const now = Date.now();
    for (const a of awaited) {
      const etag = listing.etags.get(a.key);
      if (!seen.has(a.key) && etag !== undefined && etag !== a.before)
        seen.set(a.key, { afterMs: now - a.since, etag });
    }
    if (waiting().length > 0) await sleep(200);
  }
  return seen;
}

/** Lists `prefix` again and again until `work` settles: the stack must answer while it takes uploads, too. */
async function listingUntil<T>(prefix: string, listings: Listing[], work: Promise<T>): Promise<T> {
  const state = { settled: false };
  const result = work.finally(() => {
    state.settled = true;
  });
  result.catch(() => undefined);
  while (!state.settled) listings.push(await listDocuments(prefix));
  return result;
}

/** The receipt at `key` came within {@link RECEIPT_WITHIN_MS} of its upload. */
function expectReceiptInTime(seen: ReadonlyMap<string, { afterMs: number }>, key: string): void {
  const after = seen.get(key)?.afterMs;
  expect(
    after ?? Infinity,
    `${key}: ${after === undefined ? `no receipt within ${RECEIPT_WAIT_MS} ms` : `receipt after ${after} ms`}`,
  ).toBeLessThan(RECEIPT_WITHIN_MS);
}

/** The slowest answer among the listings, for the test's notes and its assertion's message. */
function answerFigures(listings: readonly Listing[]): string {
  const slowest = Math.max(...listings.map((l) => l.answerMs ?? Infinity));
  const slowestCommand = Math.max(...listings.map((l) => l.commandMs));
  return `slowest answer ${slowest} ms of ${listings.length} listings (the whole aws command: up to ${slowestCommand} ms)`;
}

/** Every listing was answered, each within {@link ANSWER_WITHIN_MS}. */
function expectAnsweredMeanwhile(listings: readonly Listing[]): void {
  expect(listings.length).toBeGreaterThan(0);
  const unanswered = listings.filter((l) => l.answerMs === undefined || l.failure !== undefined);
  expect(
    unanswered.map((l) => l.failure ?? 'no response in the CLI log'),
    'listings the stack did not answer',
  ).toEqual([]);
  expect(Math.max(...listings.map((l) => l.answerMs ?? Infinity)), answerFigures(listings)).toBeLessThanOrEqual(
    ANSWER_WITHIN_MS,
  );
}

/** A receipt of the documents bucket, fetched with the AWS CLI. */
async function readReceipt(key: string): Promise<{
  kind?: string;
  status?: string;
  key?: string;
  message?: string;
  errors?: { code: string; message: string }[];
}> {
  const got = await aws(['s3', 'cp', `s3://tertial-documents/${key}`, '-']);
  expect(got.code, got.stderr).toBe(0);
  return JSON.parse(got.stdout);
}

/** Every message in the local stack's outbox, with its file name. */
async function outboxMessages(): Promise<(OutboxFile & { file: string })[]> {
  const outbox = join(dataDir, 'outbox');
  return Promise.all(
    (await readdir(outbox)).map(async (file) => ({
      file,
      ...(JSON.parse(await readFile(join(outbox, file), 'utf8')) as OutboxFile),
    })),
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tertial-running-'));
  dataDir = join(work, 'data');
  const [s3Port, dynamodbPort, webPort] = [await freePort(), await freePort(), await freePort()];
  env = {
    TERTIAL_S3_PORT: String(s3Port),
    TERTIAL_DYNAMODB_PORT: String(dynamodbPort),
    TERTIAL_WEB_PORT: String(webPort),
  };
  s3Endpoint = `http://127.0.0.1:${s3Port}`;
  const started = await startStack();
  stack = started.process;
  webUrl = /sidor (http:\/\/\S+?)\/?(?:\s|$)/.exec(started.output)?.[1] ?? '';
});

afterAll(async () => {
  if (stack) await stopStack(stack);
  await rm(work, { recursive: true, force: true });
});

describe('a running local stack', () => {
  it('takes an upload from tertial upload, shows it in tertial status, and closes with tertial close', async () => {
    const upload = await tertial(['upload', 'ks', '2024-T1', 'examples/ks-2023-T3-aktiviteter.xlsx']);
    expect(upload.code).toBe(0);
    expect(upload.stdout).toMatch(/är mottagen och gäller för tertial 1 2024: 0 mål, 16 aktiviteter/);

    const status = await tertial(['status', 'ks', '2024-T1', '--json']);
    expect(status.code).toBe(0);
    const record = JSON.parse(status.stdout) as {
      state: string;
      files: Record<string, { lastOutcome: string; counts: { activities: number } }>;
    };
    expect(record.state).toBe('OPEN');
    expect(record.files['ks-2023-T3-aktiviteter.xlsx']?.counts.activities).toBe(16);

    const closed = await tertial(['close', 'ks', '2024-T1', '--diarienummer', 'KS 2024/12']);
    expect(closed.code).toBe(0);
    expect(closed.stdout).toMatch(/Tertial 1 2024 är stängd/);
    expect((await tertial(['status', 'ks', '2024-T1'])).stdout).toMatch(/STÄNGD/);
  });

  it('serves a period’s status page at the address it printed, on loopback', async () => {
    expect(webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${webUrl}/status/ks/2024/T1/index.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toMatch(/<h1>Kommunstyrelsen: måluppföljning tertial 1 2024<\/h1>/);
  });

  it('prints the receipt’s errors and exits non-zero for a refused upload', async () => {
    const result = await tertial(['upload', 'test/fixtures/bad.xlsx', '--committee', 'ks', '--period', '2024-T2']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/togs inte emot/);
    expect(result.stdout).toMatch(/fel: bad\.xlsx: Fliken "Aktiviteter", rad 3, kolumn "Status"/);
  });

  it('uploads a name the pipeline refuses (plan.xls) rather than refusing it itself, and prints the receipt’s reason and how to save as .xlsx', async () => {
    const file = join(work, 'plan.xls');
    await writeFile(file, 'inte ett kalkylblad\n');
    const result = await tertial(['upload', 'ks', '2025-T3', file]);
    // Not the command's own refusal of a name (a usage error, exit code 2, on stderr).
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Uppladdad: s3://tertial-uploads/uploads/ks/2025/T3/plan.xls (20 byte)');
    expect(lines.slice(1)).toContainEqual(expect.stringMatching(/^Filen "plan\.xls" togs inte emot\b/));
    expect(lines.slice(1)).toContainEqual(
      expect.stringMatching(
        /^ {2}fel: plan\.xls: Filen "plan\.xls" är en \.xls-fil, .*Arkiv → Spara som → Excel-arbetsbok \(\*\.xlsx\)/,
      ),
    );
  });

  it('streams a large file (over 1 MiB) whole, and prints no progress line when stderr is not a terminal', async () => {
    const comment = 'Arbetet fortgår enligt plan, åäö. '.repeat(18);
    const rows = Array.from(
      { length: 2500 },
      (_, i) => `Ökad trygghet;Aktivitet ${i + 1};Pågående;${comment};Åsa Öberg`,
    );
    const file = join(work, 'stor.csv');
    const text = `Mål;Aktivitet;Status;Kommentar;Ansvarig\n${rows.join('\n')}\n`;
    await writeFile(file, text);
    const size = Buffer.byteLength(text);
    expect(size).toBeGreaterThan(1024 * 1024);
    const result = await tertial(['upload', file, '--committee', 'ks', '--period', '2025-T1']);
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(`(${size} byte)`);
    expect(result.stdout).toMatch(/är mottagen och gäller för tertial 1 2025: .*2[ \u00a0]?500 aktiviteter/);
  });

  it.skipIf(!hasAws)(
    'answers every upload name with a receipt within 10 s, in the outbox too, with one request id per event, and the close’s document holds only the accepted file',
    { timeout: 120_000 },
    async () => {
      const folder = 'uploads/ks/2025/T2';
      const names = ['EKONOMI.XLSX', 'plan.xls', 'mål.ods', 'rapport.xlsm', 'noter.txt'];
      const junk = join(work, 'junk.bin');
      await writeFile(junk, 'inte ett kalkylblad\n');
      for (const name of names) {
        const source = name === 'EKONOMI.XLSX' ? 'examples/ks-2023-T3-aktiviteter.xlsx' : junk;
        const started = Date.now();
        const up = await aws(['s3', 'cp', source, `s3://tertial-uploads/${folder}/${name}`]);
        expect(up.code, up.stderr).toBe(0);
        let receipt: { status?: string; message?: string; errors?: { message: string }[] } = {};
        while (!receipt.status && Date.now() - started < 10_000) {
          const got = await aws(['s3', 'cp', `s3://tertial-documents/receipts/ks/2025/T2/${name}.json`, '-']);
          if (got.code === 0) receipt = JSON.parse(got.stdout);
          else await new Promise((r) => setTimeout(r, 200));
        }
        expect(receipt.status, `receipt of ${name} within 10 s`).toBe(
          name === 'EKONOMI.XLSX' ? 'accepted' : 'rejected',
        );
        if (name === 'EKONOMI.XLSX') {
          expect(receipt.message).toMatch(
            /"EKONOMI\.XLSX" är mottagen och gäller för tertial 2 2025: 0 mål, 16 aktiviteter/,
          );
        } else {
          expect(receipt.message).toContain('Inget från filen har sparats.');
          expect(receipt.errors?.[0]?.message).toContain(`är en .${name.slice(name.lastIndexOf('.') + 1)}-fil`);
          expect(receipt.errors?.[0]?.message).toContain('Arkiv → Spara som');
        }
      }
      // A folder created in the S3 console gets no receipt and no error.
      expect(
        (await aws(['s3api', 'put-object', '--bucket', 'tertial-uploads', '--key', `${folder}/ny mapp/`])).code,
      ).toBe(0);

      const status = JSON.parse((await tertial(['status', 'ks', '2025-T2', '--json'])).stdout) as {
        files: Record<string, { lastOutcome: string }>;
      };
      expect(Object.fromEntries(Object.entries(status.files).map(([n, f]) => [n, f.lastOutcome]))).toEqual({
        'EKONOMI.XLSX': 'accepted',
        'plan.xls': 'rejected',
        'mål.ods': 'rejected',
        'rapport.xlsm': 'rejected',
        'noter.txt': 'rejected',
      });

      // Each receipt is also a message in the outbox, with the attributes a subscription filters on.
      const messages = await outboxMessages();
      for (const name of names) {
        const message = messages.find(
          (m) => m.topic === 'receipts' && m.message.includes(`receipts/ks/2025/T2/${name}.json`),
        );
        expect(message, name).toBeDefined();
        expect(message?.attributes).toEqual({ committee: 'ks', period: '2025-T2' });
        expect(message?.subject).toBe(name === 'EKONOMI.XLSX' ? `Kvitto: ${name}` : `Kvitto: ${name} (inte mottagen)`);
      }

      // The log lines of one event share a request id, and name the function.
      const lines = (await readFile(join(work, 'data', 'logs', 'tertial.log'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const name of names) {
        const ofUpload = lines.filter((l) => l.key === `${folder}/${name}` && l.function_name === 'tertial-ingest');
        expect(ofUpload.length, name).toBeGreaterThan(0);
        const ids = new Set(ofUpload.map((l) => l.function_request_id));
        expect(ids.size, name).toBe(1);
        expect([...ids][0]).toMatch(/^[0-9a-f-]{36}$/);
        expect(ofUpload.every((l) => typeof l.cold_start === 'boolean')).toBe(true);
      }
      const placeholder = lines.filter((l) => l.key === `${folder}/ny mapp/`);
      expect(placeholder.map((l) => l.level)).toEqual(['INFO']);

      // Closed, the tertial's document holds the accepted workbook's activities and nothing of the refused files.
      const close = await aws(['s3api', 'put-object', '--bucket', 'tertial-uploads', '--key', 'closures/ks/2025/T2']);
      expect(close.code, close.stderr).toBe(0);
      const target = join(work, 'ks-2025-T2.docx');
      const fetched = await awsFetch('documents/ks/2025/T2/ks-maluppfoljning-2025-T2.docx', target);
      expect(fetched.code, fetched.stderr).toBe(0);
      const paragraphs = docxParagraphs(await readFile(target), { footers: true });
      const activities = ACTIVITIES.filter((a) => a.workbook === ACTIVITIES_WORKBOOK).map((a) => a.title);
      expect(activities).toHaveLength(16);
      for (const title of activities) expect(paragraphs, title).toContain(title);
      const text = paragraphs.join('\n');
      for (const refused of [...names.filter((n) => n !== 'EKONOMI.XLSX'), 'inte ett kalkylblad'])
        expect(text, refused).not.toContain(refused);
    },
  );

  it.skipIf(!hasAws)(
    'works with Debian’s AWS CLI: upload, close, fetch the document, whose announcement is in the outbox (skipped only where awscli is not installed)',
    { timeout: 180_000 },
    async () => {
      const up = await aws([
        's3',
        'cp',
        'examples/ks-2023-T3-mal-och-arende.xlsx',
        's3://tertial-uploads/uploads/ks/2024/T3/mål och ärende.xlsx',
      ]);
      expect(up.code, up.stderr).toBe(0);
      // The upload's receipt appears once the ingest handler is done.
      let receipt = '';
      for (let i = 0; i < 50 && !receipt.includes('"status"'); i++) {
        receipt = (await aws(['s3', 'cp', 's3://tertial-documents/receipts/ks/2024/T3/mål och ärende.xlsx.json', '-']))
          .stdout;
        if (!receipt.includes('"status"')) await new Promise((r) => setTimeout(r, 200));
      }
      expect(JSON.parse(receipt).status).toBe('accepted');

      const close = await aws(['s3api', 'put-object', '--bucket', 'tertial-uploads', '--key', 'closures/ks/2024/T3']);
      expect(close.code, close.stderr).toBe(0);
      const target = join(work, 'fetched.docx');
      let fetched = { code: 1, stdout: '', stderr: '' };
      for (let i = 0; i < 50 && fetched.code !== 0; i++) {
        fetched = await aws([
          's3',
          'cp',
          's3://tertial-documents/documents/ks/2024/T3/ks-maluppfoljning-2024-T3.docx',
          target,
        ]);
        if (fetched.code !== 0) await new Promise((r) => setTimeout(r, 200));
      }
      expect(fetched.code, fetched.stderr).toBe(0);
      const paragraphs = docxParagraphs(await readFile(target));
      expect(paragraphs).toContain('Kommunstyrelsens måluppföljning tertialrapport 3 2024');

      // The document is announced on the document topic (after its PDF), with the attributes a subscription filters on.
      const key = 'documents/ks/2024/T3/ks-maluppfoljning-2024-T3.docx';
      const announcementsOf = async () =>
        (await outboxMessages()).filter(
          (m) => m.file.endsWith('-documents.json') && (JSON.parse(m.message) as { key?: string }).key === key,
        );
      let announcements = await announcementsOf();
      for (const deadline = Date.now() + 120_000; announcements.length === 0 && Date.now() < deadline;) {
        await sleep(500);
        announcements = await announcementsOf();
      }
      expect(announcements, 'one announcement of the document').toHaveLength(1);
      const [announcement] = announcements;
      expect(announcement?.topic).toBe('documents');
      expect(announcement?.attributes).toEqual({ committee: 'ks', period: '2024-T3' });
      expect(JSON.parse(announcement?.message ?? '{}')).toMatchObject({
        committee: 'ks',
        year: 2024,
        tertial: 3,
        bucket: 'tertial-documents',
        key,
      });
    },
  );

  it.skipIf(!hasAws)(
    'each crafted hostile workbook gets its receipt within 10 s, two large refused ones uploaded at once too, and the stack answers every listing meanwhile within 5 s',
    { timeout: 180_000 },
    async ({ annotate }) => {
      const folder = 'ks/2026/T1';
      const receipts = `receipts/${folder}/`;
      const listings: Listing[] = [];
      const upload = async (name: string, bytes: Uint8Array): Promise<AwaitedReceipt> => {
        const file = join(work, name);
        await writeFile(file, bytes);
        const up = await aws(['s3', 'cp', file, `s3://tertial-uploads/uploads/${folder}/${name}`]);
        expect(up.code, up.stderr).toBe(0);
        // The clock starts once S3 has the file: the CLI's own start-up (seconds on a busy machine) is not the stack's.
        return { key: `${receipts}${name}.json`, since: Date.now() };
      };

      const hostile: [string, Uint8Array][] = [
        ['lang-attribut.xlsx', longAttributeWorkbook()],
        ['uppblasande-bild.xlsx', inflatingEntryWorkbook()],
        ['ljugande-bild.xlsx', inflatingEntryWorkbook({ declareSize: false })],
        ['xml-bomb.xlsx', new Uint8Array(await readFile(join(ROOT, 'test/fixtures/corpus/real-poi-xmlbomb.xlsx')))],
        ['langt-bort.xlsx', new Uint8Array(await readFile(join(ROOT, 'test/fixtures/far-cell.xlsx')))],
      ];
      for (const [name, bytes] of hostile) {
        const awaited = await upload(name, bytes);
        expectReceiptInTime(await awaitReceipts(receipts, [awaited], listings), awaited.key);
        expect((await readReceipt(awaited.key)).status, name).toBe('rejected');
      }

      // A workbook the reader goes through whole: 1.5 MB whose sheet inflates to 45 MiB, refused row by row.
      const large = largeRefusedWorkbook();
      expect(large.byteLength).toBeGreaterThan(1_200_000);
      expect(large.byteLength).toBeLessThan(1_800_000);
      // Two at once: the local stack reads them in its one process, and on two busy cores three take most of the 10 s.
      const names = ['stor-1.xlsx', 'stor-2.xlsx'];
      const uploaded = await listingUntil(receipts, listings, Promise.all(names.map((name) => upload(name, large))));
      const seen = await awaitReceipts(receipts, uploaded, listings);
      await annotate(
        `large workbooks' receipts after ${uploaded.map((a) => seen.get(a.key)?.afterMs ?? 'none').join(', ')} ms; ${answerFigures(listings)}`,
      );
      for (const awaited of uploaded) {
        expectReceiptInTime(seen, awaited.key);
        const receipt = await readReceipt(awaited.key);
        expect(receipt.status, awaited.key).toBe('rejected');
        expect(receipt.errors?.[0]?.code, awaited.key).toBe('unknown_status');
      }
      expectAnsweredMeanwhile(listings);
    },
  );

  it.skipIf(!hasAws)(
    'each crafted hostile template gets its refusal within 10 s and the accepted template stays in force, while the stack answers every listing within 5 s',
    { timeout: 180_000 },
    async ({ annotate }) => {
      const receipts = 'receipts/templates/';
      const key = `${receipts}ks.docx.json`;
      const listings: Listing[] = [];
      let before = (await listDocuments(receipts)).etags.get(key);
      // Each upload replaces the last under the one key, and so does its receipt.
      const uploadTemplate = async (label: string, bytes: Uint8Array) => {
        const file = join(work, `mall-${label}.docx`);
        await writeFile(file, bytes);
        const up = await aws(['s3', 'cp', file, 's3://tertial-uploads/templates/ks.docx']);
        expect(up.code, up.stderr).toBe(0);
        const seen = await awaitReceipts(
          receipts,
          [{ key, since: Date.now(), ...(before ? { before } : {}) }],
          listings,
        );
        expectReceiptInTime(seen, key);
        before = seen.get(key)?.etag;
        return readReceipt(key);
      };

      expect((await uploadTemplate('standard', zipParts(defaultParts()))).status).toBe('accepted');
      const hostile: [string, Uint8Array, string][] = [
        ['640-mib', oversizedDocumentTemplate(640), '640 MiB uppackad'],
        ['nastlad', nestedLoopTemplate(10), 'Avsnittet {#goals} står inuti avsnittet {#goals}'],
        [
          'extern-bild',
          externalRelationshipTemplate('image', 'http://127.0.0.1:9/x.png'),
          'hänvisar till något utanför dokumentet (image: http://127.0.0.1:9/x.png)',
        ],
        [
          'doctype',
          doctypeTemplate('word/_rels/document.xml.rels'),
          'Delen word/_rels/document.xml.rels i mallen har en DOCTYPE-deklaration',
        ],
      ];
      for (const [label, bytes, expected] of hostile) {
        const receipt = await uploadTemplate(label, bytes);
        expect(receipt.status, label).toBe('rejected');
        expect(receipt.errors?.map((e) => e.message).join('\n'), label).toContain(expected);
        expect(receipt.message, label).toContain('Den tidigare godkända mallen gäller fortfarande.');
      }
      // Only the accepted template was ever copied to where a close takes it from.
      const copies = await aws(['s3', 'ls', 's3://tertial-documents/templates/ks/']);
      expect(copies.code, copies.stderr).toBe(0);
      expect(copies.stdout.split('\n').filter((l) => l.endsWith('.docx'))).toHaveLength(1);
      await annotate(answerFigures(listings));
      expectAnsweredMeanwhile(listings);
    },
  );

  it.skipIf(!hasAws)(
    'each misplaced upload key gets receipts/_misplaced/{key}.json within 10 s saying what is wrong, and nothing is stored',
    { timeout: 180_000 },
    async ({ annotate }) => {
      const receipts = 'receipts/_misplaced/';
      const listings: Listing[] = [];
      const longName = `${'a'.repeat(MAX_UPLOAD_NAME_LENGTH - 4)}.xlsx`;
      const misplaced: [string, string][] = [
        ['uploads/ks/2025/T4/a.xlsx', '"T4" är inte en tertial (T1, T2 eller T3)'],
        ['uploads/KS/2025/T1/a.xlsx', '"KS" är inte en nämnds förkortning'],
        ['uploads/ks/2025/t1/a.xlsx', 'menade du "T1"?'],
        ['uploads/ks/2025/T1/sub/a.xlsx', 'filen ligger i en undermapp'],
        ['uploads/ks/0000/T1/a.xlsx', '"0000" är inte ett år mellan 2000 och 2100'],
        [`uploads/ks/2025/T1/${longName}`, `filnamnet är längre än ${MAX_UPLOAD_NAME_LENGTH} tecken`],
      ];
      for (const [key, expected] of misplaced) {
        // A workbook that would be accepted where it belongs.
        const up = await aws(['s3', 'cp', 'examples/ks-2023-T3-aktiviteter.xlsx', `s3://tertial-uploads/${key}`]);
        expect(up.code, up.stderr).toBe(0);
        const awaited = { key: `${receipts}${key}.json`, since: Date.now() };
        const seen = await awaitReceipts(receipts, [awaited], listings);
        expectReceiptInTime(seen, awaited.key);
        const receipt = await readReceipt(awaited.key);
        expect(receipt).toMatchObject({ kind: 'misplaced', status: 'rejected', key });
        expect(receipt.errors?.map((e) => e.code)).toEqual(['misplaced_key']);
        expect(receipt.errors?.[0]?.message, key).toContain(expected);
      }
      const status = JSON.parse((await tertial(['status', 'ks', '2025-T1', '--json'])).stdout) as {
        files: Record<string, unknown>;
      };
      expect(Object.keys(status.files)).not.toContain('a.xlsx');
      expect(Object.keys(status.files)).not.toContain(longName);
      await annotate(answerFigures(listings));
      expectAnsweredMeanwhile(listings);
    },
  );

  it.skipIf(!hasAws)(
    'stays under 600 MB resident (VmHWM) over all of the hostile workbooks, templates and keys above',
    async ({ annotate }) => {
      // The stack's own peak resident set, over everything it was sent since it started.
      const status = await readFile(`/proc/${stack.pid}/status`, 'utf8');
      const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
      await annotate(`VmHWM ${peakMb.toFixed(0)} MB`);
      expect(peakMb, `VmHWM ${peakMb.toFixed(0)} MB`).toBeLessThan(600);
    },
  );

  it('tertial close of a tertial that is already closed answers at once, naming the document', async () => {
    const again = await tertial(['close', 'ks', '2024-T1']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /Tertial 1 2024 är redan stängd sedan \d{4}-\d{2}-\d{2} \d{2}:\d{2}\. Dokumentet: s3:\/\/tertial-documents\/documents\/ks\/2024\/T1\/ks-maluppfoljning-2024-T1\.docx/,
    );
  });

  it('tertial close ks 2030-T1 (nothing uploaded) is refused with the receipt’s reason, and --tom closes it', async () => {
    const refused = await tertial(['close', 'ks', '2030-T1']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/kunde inte stängas/);
    expect(refused.stdout).toMatch(/fel: .*ingen godkänd fil, så dokumentet skulle visa 0 mål och 0 aktiviteter/);
    const closed = await tertial(['close', 'ks', '2030-T1', '--tom']);
    expect(closed.code, closed.stdout).toBe(0);
  });

  it('tertial status prints its times in Swedish local time', async () => {
    const json = JSON.parse((await tertial(['status', 'ks', '2024-T1', '--json'])).stdout) as {
      files: Record<string, { lastEventAt: string }>;
    };
    const at = json.files['ks-2023-T3-aktiviteter.xlsx']?.lastEventAt ?? '';
    const expected = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm',
      dateStyle: 'short',
      timeStyle: 'short',
    }).format(new Date(at));
    const table = (await tertial(['status', 'ks', '2024-T1'])).stdout;
    expect(table).toMatch(/Tid \(svensk tid\)/);
    expect(table).toContain(expected);
  });

  it('with no stack running, a command says so at once and names the address it tried', async () => {
    const [s3Port, dynamodbPort] = [await freePort(), await freePort()];
    const result = await tertial(['upload', 'ks', '2024-T1', 'examples/ks-2023-T3-aktiviteter.xlsx'], {
      TERTIAL_S3_PORT: String(s3Port),
      TERTIAL_DYNAMODB_PORT: String(dynamodbPort),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`Den lokala stacken svarar inte på http://127.0.0.1:${s3Port}`);
  });

  it.each(['TERTIAL_S3_PORT', 'TERTIAL_DYNAMODB_PORT', 'TERTIAL_WEB_PORT'])(
    'a busy port (%s): one Swedish line naming the port and its variable, a non-zero exit, nothing left listening',
    async (variable) => {
      const busy = env[variable] as string;
      const others = { TERTIAL_S3_PORT: '0', TERTIAL_DYNAMODB_PORT: '0', TERTIAL_WEB_PORT: '0', [variable]: busy };
      const second = await tertial(['local', '--data', join(work, `second-${variable}`)], others);
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([
        `tertial: Port ${busy} är upptagen (kör den lokala stacken redan?). Välj en annan med ${variable}=PORT, eller 0 för en ledig.`,
      ]);
      // The process ended by itself (a hang would hit the timeout), so nothing of it still listens.
    },
  );
});

describe('tertial local, the stack and nothing else', () => {
  it.skipIf(!hasAws)(
    'starts empty; an upload to ks/2023/T3 and a close with Debian’s AWS CLI produce that upload’s document, and a restart with the same --data keeps it',
    async () => {
      // The demo did not run: ks 2023-T3 is the stack's own, and empty.
      expect((await tertial(['status', 'ks', '2023-T3'])).stdout).toMatch(/inget uppladdat ännu/);
      const up = await aws([
        's3',
        'cp',
        'examples/ks-2023-T3-aktiviteter.xlsx',
        's3://tertial-uploads/uploads/ks/2023/T3/aktiviteter.xlsx',
      ]);
      expect(up.code, up.stderr).toBe(0);
      const receipt = await awsFetch('receipts/ks/2023/T3/aktiviteter.xlsx.json', join(work, 'receipt.json'));
      expect(receipt.code, receipt.stderr).toBe(0);
      expect(JSON.parse(await readFile(join(work, 'receipt.json'), 'utf8')).status).toBe('accepted');
      const close = await aws(['s3api', 'put-object', '--bucket', 'tertial-uploads', '--key', 'closures/ks/2023/T3']);
      expect(close.code, close.stderr).toBe(0);
      const target = join(work, 'ks-2023-T3.docx');
      expect((await awsFetch('documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx', target)).code).toBe(0);
      const paragraphs = docxParagraphs(await readFile(target));
      expect(paragraphs).toContain('Kommunstyrelsens måluppföljning tertialrapport 3 2023');
      expect(paragraphs.join('\n')).toMatch(/Införa månatlig budgetuppföljning i samtliga verksamheter/);

      expect(await stopStack(stack)).toBe(0);
      stack = (await startStack()).process;
      const again = join(work, 'ks-2023-T3-again.docx');
      expect((await awsFetch('documents/ks/2023/T3/ks-maluppfoljning-2023-T3.docx', again)).code).toBe(0);
      expect(await readFile(again)).toEqual(await readFile(target));
      expect((await tertial(['status', 'ks', '2023-T3'])).stdout).toMatch(/STÄNGD/);
    },
  );
});
