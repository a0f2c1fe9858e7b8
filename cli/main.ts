/**
 * The `tertial` command line. Everything it prints for people is Swedish; one clear
 * line per problem, never a stack trace.
 */
import { parseReceipt, type Receipt } from '../lambdas/core/receipt-schema.js';
import { periodStatus } from '../lambdas/storage/period-status.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { formatPeriod, parsePeriodLabel, type Period } from '../lambdas/core/domain.js';
import {
  closureKey,
  closureReceiptKey,
  documentFileName,
  documentKey,
  isReadableUploadName,
  isUploadName,
  MAX_UPLOAD_NAME_LENGTH,
  reopeningKey,
  reopeningReceiptKey,
  statusPageKey,
  uploadKey,
  uploadReceiptKey,
} from '../lambdas/core/keys.js';
import { jsonLineLog } from '../lambdas/core/log.js';
import { stderrLog } from '../lambdas/runtime/log.js';
import type { ClosureReceipt, ReopeningReceipt, UploadReceipt } from '../lambdas/core/receipt.js';
import { createRuntime, type Runtime } from '../lambdas/storage/runtime.js';
import { DEFAULT_PORTS, LOCAL_BUCKETS, LOCAL_REGION, LOCAL_TABLE, startLocalStack } from './local-stack.js';
import { formatIssue, renderFiles } from './render.js';
import { DEFAULT_WEB_PORT, startWebServer, type WebServer } from './web.js';
import { assembleDeps } from '../lambdas/assemble/handler.js';
import { ingestDeps } from '../lambdas/ingest/handler.js';
import { reindexPeriod } from '../lambdas/ingest/reindex.js';
import { WORKBOOK_HELP, workbookCommand } from './workbook-command.js';

/**
 * Each command's help paragraph, in the order `tertial --help` lists them: the one source
 * for both the overview and `tertial KOMMANDO --help`.
 */
const COMMAND_HELP: ReadonlyArray<readonly [command: string, help: string]> = [
  [
    'local',
    `  tertial local [--data KATALOG] [--once] [--examples KATALOG] [--out KATALOG]
      Startar den lokala stacken (S3 på port ${DEFAULT_PORTS.s3}, DynamoDB på port ${DEFAULT_PORTS.dynamodb}),
      laddar upp exemplen i examples/, stänger ks 2023-T3 och lägger dokumentet i out/.
      Utan --once fortsätter stacken att svara tills du trycker Ctrl-C.
      Exempel: tertial local --once`,
  ],
  [
    'render',
    `  tertial render FIL... --committee ks --period 2023-T3 --out rapport.docx
                 [--template MALL.docx] [--config ks.json] [--closure stangning.json]
      Skapar dokumentet direkt från filerna, utan servrar. Vid fel skrivs varje fel ut
      och inget dokument skapas.
      Exempel: tertial render examples/*.xlsx --committee ks --period 2023-T3 --out rapport.docx`,
  ],
  [
    'upload',
    `  tertial upload FIL --committee ks --period 2023-T3 [--no-wait]
      Laddar upp en fil till den lokala stacken och visar kvittot.
      Exempel: tertial upload aktiviteter.xlsx --committee ks --period 2023-T3`,
  ],
  [
    'close',
    `  tertial close NÄMND PERIOD [--meeting-date ÅÅÅÅ-MM-DD] [--document-date ÅÅÅÅ-MM-DD] [--diarienummer NR]
      Stänger tertialen och väntar på dokumentet.
      Exempel: tertial close ks 2023-T3 --diarienummer "KS 2024/12"`,
  ],
  [
    'reopen',
    `  tertial reopen NÄMND PERIOD
      Öppnar en stängd tertial igen. Nästa stängning skriver en ny version av dokumentet
      (den gamla finns kvar i versionshistoriken i AWS).
      Exempel: tertial reopen ks 2023-T3`,
  ],
  [
    'status',
    `  tertial status NÄMND PERIOD [--json]
      Visar tertialens läge och uppladdade filer.
      Exempel: tertial status ks 2023-T3`,
  ],
  ['workbook', WORKBOOK_HELP.trimEnd()],
  [
    'reindex',
    `  tertial reindex NÄMND PERIOD [--env]
      Bygger upp tertialens läge i databasen på nytt från filerna i S3 (om tabellen har
      gått förlorad). Med --env används UPLOADS_BUCKET, DOCUMENTS_BUCKET och TABLE_NAME
      (och AWS-inloggningen) i stället för den lokala stacken.
      Exempel: tertial reindex ks 2023-T3`,
  ],
];

const HELP = `tertial – måluppföljning per tertial, från kalkylblad till nämndens dokument

Användning:
${COMMAND_HELP.map(([, help]) => help).join('\n\n')}

Portar: TERTIAL_S3_PORT och TERTIAL_DYNAMODB_PORT ersätter ${DEFAULT_PORTS.s3} och ${DEFAULT_PORTS.dynamodb}, och
TERTIAL_WEB_PORT ersätter ${DEFAULT_WEB_PORT} (statussidorna som tertial local visar i webbläsaren).
`;

/** `tertial KOMMANDO --help`: that command's paragraph, or undefined for an unknown command. */
export function commandHelp(command: string): string | undefined {
  const help = COMMAND_HELP.find(([name]) => name === command)?.[1];
  return help === undefined ? undefined : `${help}\n`;
}

/** A problem the person running the command can fix; printed as one line. */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // Before the command parses its arguments (strictly, so --help would be an error there).
  // Only before a lone `--`: after it, "--help" could be a file name.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  const help = command === undefined ? undefined : commandHelp(command);
  if (help !== undefined && (options.includes('--help') || options.includes('-h'))) {
    process.stdout.write(help);
    return 0;
  }
  try {
    switch (command) {
      case 'local':
        return await localCommand(rest);
      case 'render':
        return await renderCommand(rest);
      case 'upload':
        return await uploadCommand(rest);
      case 'close':
        return await closeCommand(rest);
      case 'reopen':
        return await reopenCommand(rest);
      case 'status':
        return await statusCommand(rest);
      case 'reindex':
        return await reindexCommand(rest);
      case 'workbook':
        return await workbookCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`Okänt kommando "${command}". Se tertial --help.`);
    }
  } catch (err) {
    process.stderr.write(`tertial: ${describeError(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

function describeError(err: unknown): string {
  if (err instanceof UsageError) return err.message;
  const e = err as { name?: string; message?: string; code?: string };
  if (e?.name === 'TypeError' && /fetch failed|ECONNREFUSED/.test(String(e.message))) return notRunning();
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e?.message))) return notRunning();
  if (e?.code === 'EADDRINUSE') return `Porten är upptagen (${e.message}). Kör den lokala stacken redan? Välj andra portar med TERTIAL_S3_PORT, TERTIAL_DYNAMODB_PORT och TERTIAL_WEB_PORT.`;
  if (e?.code === 'ENOENT') return `Filen finns inte: ${String(e.message).replace(/^ENOENT: no such file or directory, (open|scandir|stat) /, '')}`;
  return `${e?.name ?? 'Fel'}: ${e?.message ?? String(err)}`;
}

function notRunning(): string {
  return 'Den lokala stacken svarar inte. Starta den med "npm start" (eller "tertial local") i ett annat fönster.';
}

function ports(): { s3: number; dynamodb: number; web: number } {
  const read = (name: string, fallback: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${name}="${raw}" är inte ett portnummer.`);
    return port;
  };
  return {
    s3: read('TERTIAL_S3_PORT', DEFAULT_PORTS.s3),
    dynamodb: read('TERTIAL_DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
    web: read('TERTIAL_WEB_PORT', DEFAULT_WEB_PORT),
  };
}

/** Runs `use` with `runtime`'s clients, and releases them. */
async function withRuntime<T>(runtime: Runtime, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  try {
    return await use(runtime);
  } finally {
    runtime.clients.s3.destroy();
    runtime.clients.dynamo.destroy();
  }
}

/** Runs `use` with clients for an already running local stack. */
function withLocalStack<T>(use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const p = ports();
  const runtime = createRuntime({
    uploadsBucket: LOCAL_BUCKETS.uploads,
    documentsBucket: LOCAL_BUCKETS.documents,
    tableName: LOCAL_TABLE,
    region: LOCAL_REGION,
    s3Endpoint: `http://127.0.0.1:${p.s3}`,
    dynamodbEndpoint: `http://127.0.0.1:${p.dynamodb}`,
  });
  return withRuntime(runtime, use);
}

function periodArg(committee: string | undefined, label: string | undefined): Period {
  if (!committee || !label) throw new UsageError('Ange nämnd och period, till exempel: ks 2023-T3.');
  const period = parsePeriodLabel(committee, label);
  if (!period) throw new UsageError(`"${committee} ${label}" är ingen giltig nämnd och period. Exempel: ks 2023-T3 (nämnd med a–z, 0–9 och bindestreck).`);
  return period;
}

/** Argument errors from parseArgs become one line for a person. */
function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new UsageError(`${(err as Error).message}. Se tertial --help.`);
  }
}

async function localCommand(args: string[]): Promise<number> {
  const { values } = usage(() =>
    parseArgs({
      args,
      options: { data: { type: 'string' }, once: { type: 'boolean' }, examples: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    }),
  );
  const dataDir = resolve(values.data ?? '.data');
  const examplesDir = values.examples ?? 'examples';
  const outDir = values.out ?? 'out';
  const p = ports();
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  const logFile = join(dataDir, 'logs', 'tertial.log');
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const log = jsonLineLog('info', { runtime: 'local' }, (line) => logStream.write(line));
  const stack = await startLocalStack({ dataDir, s3Port: p.s3, dynamodbPort: p.dynamodb, log });
  const { runtime, config } = stack;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Lokal stack igång: S3 ${config.s3Endpoint}, DynamoDB ${config.dynamodbEndpoint}, data i ${dataDir}`);
  out(`Loggar: ${logFile}`);

  let web: WebServer | undefined;
  try {
    web = await startWebServer({ objects: runtime.objects, bucket: config.documentsBucket, port: p.web, log });
    const period: Period = { committee: 'ks', year: 2023, tertial: 3 };
    const before = await runtime.repo.getPeriod(period);
    if (before?.state === 'CLOSED') {
      out(`${formatPeriod(period)} är redan stängd i ${dataDir}; exemplen laddas inte upp igen (ta bort katalogen för att börja om).`);
    } else {
      const examples = (await readdir(examplesDir)).filter(isReadableUploadName).sort();
      if (examples.length === 0) throw new UsageError(`Hittar inga exempelfiler (.xlsx eller .csv) i ${examplesDir}.`);
      for (const name of examples) {
        await runtime.clients.s3.send(
          new PutObjectCommand({ Bucket: config.uploadsBucket, Key: uploadKey(period, name), Body: await readFile(join(examplesDir, name)) }),
        );
      }
      await stack.idle();
      for (const name of examples) {
        const receipt = await readJson<UploadReceipt>(runtime, uploadReceiptKey(period, name));
        out(`Kvitto ${name}: ${receipt?.message ?? 'saknas'}`);
        for (const issue of receipt?.errors ?? []) out(`  fel: ${formatIssue(issue)}`);
      }
      // An explicit length: the SDK cannot tell an empty body from a stream of unknown length.
      await runtime.clients.s3.send(new PutObjectCommand({ Bucket: config.uploadsBucket, Key: closureKey(period), Body: '', ContentLength: 0 }));
      await stack.idle();
      const receipt = await readJson<ClosureReceipt>(runtime, closureReceiptKey(period));
      out(`Stängning: ${receipt?.message ?? 'inget kvitto'}`);
      for (const issue of receipt?.errors ?? []) out(`  fel: ${formatIssue(issue)}`);
    }
    const document = await readObject(runtime, documentKey(period));
    if (!document) throw new Error(`inget dokument på ${documentKey(period)}; se ${logFile}`);
    await mkdir(outDir, { recursive: true });
    const target = join(outDir, documentFileName(period));
    await writeFile(target, document);
    out(`Dokumentet: ${resolve(target)} (i S3: s3://${config.documentsBucket}/${documentKey(period)})`);
    out(`Statussida: ${web.url}/${statusPageKey(period)}`);
    if (stack.failedEvents.length > 0) out(`Varning: ${stack.failedEvents.length} händelser misslyckades; se ${logFile}`);

    if (values.once) return stack.failedEvents.length > 0 ? 1 : 0;

    out('');
    out('Stacken svarar tills du trycker Ctrl-C. Till exempel med AWS CLI:');
    out(`  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=${LOCAL_REGION}`);
    out(`  aws --endpoint-url ${config.s3Endpoint} s3 cp aktiviteter.xlsx s3://${config.uploadsBucket}/uploads/ks/2024/T1/aktiviteter.xlsx`);
    out(`  aws --endpoint-url ${config.s3Endpoint} s3 cp - s3://${config.uploadsBucket}/closures/ks/2024/T1 < /dev/null`);
    out(`  aws --endpoint-url ${config.s3Endpoint} s3 cp s3://${config.documentsBucket}/documents/ks/2024/T1/ks-maluppfoljning-2024-T1.docx .`);
    await new Promise<void>((resolveSignal) => {
      process.once('SIGINT', () => resolveSignal());
      process.once('SIGTERM', () => resolveSignal());
    });
    out('Stänger den lokala stacken …');
    return 0;
  } finally {
    await web?.close();
    await stack.close();
    await new Promise<void>((r) => logStream.end(() => r()));
  }
}

async function renderCommand(args: string[]): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      options: {
        committee: { type: 'string' },
        period: { type: 'string' },
        out: { type: 'string' },
        template: { type: 'string' },
        config: { type: 'string' },
        closure: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length === 0) throw new UsageError('Ange minst en fil (.xlsx eller .csv).');
  if (!values.out) throw new UsageError('Ange var dokumentet ska sparas med --out, till exempel --out rapport.docx.');
  const period = periodArg(values.committee, values.period);
  const files = await Promise.all(positionals.map(async (path) => ({ name: basename(path), bytes: await readFile(path) })));
  const result = await renderFiles({
    period,
    files,
    ...(values.template ? { template: await readFile(values.template) } : {}),
    ...(values.config ? { configJson: await readFile(values.config, 'utf8') } : {}),
    ...(values.closure ? { closure: await readFile(values.closure) } : {}),
  });
  for (const w of result.warnings) process.stderr.write(`varning: ${formatIssue(w)}\n`);
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`fel: ${formatIssue(e)}\n`);
    process.stderr.write(`tertial: inget dokument skapades (${result.errors.length} fel).\n`);
    return 1;
  }
  await writeFile(values.out, result.bytes);
  process.stdout.write(`Dokumentet är sparat: ${resolve(values.out)}\n`);
  return 0;
}

async function uploadCommand(args: string[]): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      options: {
        committee: { type: 'string' },
        period: { type: 'string' },
        'no-wait': { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new UsageError('Ange exakt en fil att ladda upp.');
  const period = periodArg(values.committee, values.period);
  const name = basename(file);
  // Any name the layout takes: the pipeline reads it or answers with a receipt saying why not.
  if (!isUploadName(name)) throw new UsageError(`"${name}" kan inte vara namnet på en uppladdning (högst ${MAX_UPLOAD_NAME_LENGTH} tecken, ingen inledande punkt, inga styrtecken).`);
  return withLocalStack(async (runtime) => {
    const { size } = await stat(file);
    let shown = '';
    const progress =
      size > PROGRESS_MIN_BYTES && process.stderr.isTTY
        ? (sent: number) => {
            // Redrawn only when the text changes, not for every chunk.
            const line = progressLine(sent, size);
            if (line !== shown) process.stderr.write((shown = line));
          }
        : undefined;
    const started = Date.now();
    await runtime.clients.s3.send(
      new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: uploadKey(period, name), Body: countingStream(file, progress), ContentLength: size }),
    );
    if (progress) process.stderr.write('\n');
    process.stdout.write(`Uppladdad: s3://${LOCAL_BUCKETS.uploads}/${uploadKey(period, name)} (${size} byte)\n`);
    if (values['no-wait']) return 0;
    const receipt = await waitForReceipt<UploadReceipt>(runtime, uploadReceiptKey(period, name), started);
    process.stdout.write(`${receipt.message}\n`);
    for (const e of receipt.errors) process.stdout.write(`  fel: ${formatIssue(e)}\n`);
    for (const w of receipt.warnings) process.stdout.write(`  varning: ${formatIssue(w)}\n`);
    return receipt.status === 'accepted' ? 0 : 1;
  });
}

/** Files larger than this show a progress line while they upload (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 1024 * 1024;

/**
 * The upload's progress line: starts with `\r` so that each one overwrites the last, e.g.
 * "\rLaddar upp: 42 % (1,3 av 3,0 MB)". Sizes in MB of 1 048 576 byte, Swedish decimal comma.
 */
export function progressLine(sent: number, total: number): string {
  const done = Math.min(Math.max(sent, 0), total);
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1).replace('.', ',');
  return `\rLaddar upp: ${String(percent).padStart(3)} % (${mb(done)} av ${mb(total)} MB)`;
}

/** The file as a stream that reports the bytes read from it so far, as the SDK reads them. */
function countingStream(file: string, onProgress?: (sent: number) => void): Transform {
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      onProgress?.(sent);
      done(null, chunk);
    },
  });
  // A read error (the file vanished mid-upload) ends the counter with that error, so the upload fails.
  pipeline(createReadStream(file), counter, () => {});
  return counter;
}

async function closeCommand(args: string[]): Promise<number> {
  const { values, positionals } = usage(() =>
    parseArgs({
      args,
      options: {
        'meeting-date': { type: 'string' },
        'document-date': { type: 'string' },
        diarienummer: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  const period = periodArg(positionals[0], positionals[1]);
  const body: Record<string, string> = {};
  if (values['meeting-date']) body.meetingDate = values['meeting-date'];
  if (values['document-date']) body.documentDate = values['document-date'];
  if (values.diarienummer) body.diarienummer = values.diarienummer;
  return withLocalStack(async (runtime) => {
    const started = Date.now();
    const payload = Object.keys(body).length ? JSON.stringify(body) : '';
    await runtime.clients.s3.send(
      new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: closureKey(period), Body: payload, ContentLength: Buffer.byteLength(payload) }),
    );
    const receipt = await waitForReceipt<ClosureReceipt>(runtime, closureReceiptKey(period), started);
    process.stdout.write(`${receipt.message}\n`);
    for (const e of receipt.errors) process.stdout.write(`  fel: ${formatIssue(e)}\n`);
    if (receipt.document) process.stdout.write(`Hämta: aws --endpoint-url http://127.0.0.1:${ports().s3} s3 cp s3://${LOCAL_BUCKETS.documents}/${receipt.document} .\n`);
    return receipt.status === 'closed' ? 0 : 1;
  });
}

async function reopenCommand(args: string[]): Promise<number> {
  const { positionals } = usage(() => parseArgs({ args, options: {}, allowPositionals: true, strict: true }));
  const period = periodArg(positionals[0], positionals[1]);
  return withLocalStack(async (runtime) => {
    const started = Date.now();
    await runtime.clients.s3.send(new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: reopeningKey(period), Body: '', ContentLength: 0 }));
    const receipt = await waitForReceipt<ReopeningReceipt>(runtime, reopeningReceiptKey(period), started);
    process.stdout.write(`${receipt.message}\n`);
    return receipt.status === 'reopened' ? 0 : 1;
  });
}

async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true }));
  const period = periodArg(positionals[0], positionals[1]);
  return withLocalStack(async (runtime) => {
    const record = await runtime.repo.getPeriod(period);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(periodStatus(period, record), null, 2)}\n`);
      return 0;
    }
    if (!record) {
      process.stdout.write(`${formatPeriod(period)}: inget uppladdat ännu.\n`);
      return 0;
    }
    const state = record.state === 'CLOSED' ? `STÄNGD ${record.closure?.closedAt ?? ''}` : 'ÖPPEN';
    process.stdout.write(`${formatPeriod(period)}: ${state}\n`);
    if (record.closure) process.stdout.write(`Dokument: s3://${LOCAL_BUCKETS.documents}/${record.closure.documentKey}\n`);
    const rows = Object.entries(record.files)
      .sort(([a], [b]) => a.localeCompare(b, 'sv'))
      .map(([name, f]) => [
        name,
        { accepted: 'godkänd', rejected: 'avvisad', deleted: 'borttagen' }[f.lastOutcome],
        f.generation ? 'ja' : 'nej',
        String(f.counts?.goals ?? 0),
        String(f.counts?.activities ?? 0),
        f.lastEventAt,
      ]);
    printTable(['Fil', 'Senast', 'Gäller', 'Mål', 'Aktiviteter', 'Tid'], rows);
    return 0;
  });
}

async function reindexCommand(args: string[]): Promise<number> {
  const { values, positionals } = usage(() => parseArgs({ args, options: { env: { type: 'boolean' } }, allowPositionals: true, strict: true }));
  const period = periodArg(positionals[0], positionals[1]);
  const run = async (runtime: Runtime) => {
    const log = stderrLog('warn');
    const result = await reindexPeriod({ ...ingestDeps(runtime, log), ...assembleDeps(runtime, log) }, period);
    const outcomes = {
      accepted: 'godkänd',
      restored: 'återställd',
      removed: 'borttagen',
      rejected: 'avvisad',
      refused_closed: 'avvisad (stängd)',
      unreadable: 'kan inte läsas längre (se loggen)',
      stale: 'redan med',
      duplicate: 'redan med',
    } as Record<string, string>;
    for (const u of result.uploads) process.stdout.write(`${u.name}: ${outcomes[u.outcome] ?? u.outcome}\n`);
    const closures = { closed: 'stängd igen', rewritten: 'stängd igen', restored: 'stängd igen, dokumentet orört', already_closed: 'redan stängd' } as Record<string, string>;
    if (result.closure) process.stdout.write(`Stängning: ${closures[result.closure] ?? result.closure}\n`);
    process.stdout.write(`${formatPeriod(period)}: ${result.uploads.length} filer lästes in på nytt.\n`);
    return 0;
  };
  return values.env ? withRuntime(createRuntime(), run) : withLocalStack(run);
}

function printTable(header: string[], rows: string[][]): void {
  if (rows.length === 0) {
    process.stdout.write('Inga filer.\n');
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
}

async function readObject(runtime: Runtime, key: string): Promise<Uint8Array | undefined> {
  const object = await runtime.objects.get(LOCAL_BUCKETS.documents, key);
  return object?.bytes;
}

/** A receipt, read through the receipt format; undefined when absent or not a receipt. */
async function readJson<T extends Receipt>(runtime: Runtime, key: string): Promise<T | undefined> {
  const bytes = await readObject(runtime, key);
  const read = bytes ? parseReceipt(bytes) : undefined;
  return read?.ok ? (read.receipt as T) : undefined;
}

/** Polls for a receipt written for an event at or after `since` (ms). */
async function waitForReceipt<T extends Receipt>(runtime: Runtime, key: string, since: number, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const receipt = await readJson<T>(runtime, key).catch(() => undefined);
    // s3rver stamps event times with whole milliseconds; allow a little clock slack.
    if (receipt && Date.parse(receipt.receivedAt) >= since - 1000) return receipt;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`inget kvitto på s3://${LOCAL_BUCKETS.documents}/${key} inom ${timeoutMs / 1000} sekunder; se loggarna för den lokala stacken`);
}

