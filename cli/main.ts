/**
 * The `tertial` command line. Everything it prints for people is Swedish; one clear
 * line per problem, never a stack trace. Each command loads only the modules it uses
 * (imported where the command runs), so a quick command starts quickly.
 */
import { parseReceipt, type Receipt } from '../lambdas/core/receipt-schema.js';
import { periodStatus } from '../lambdas/storage/period-status.js';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import type { Transform as TransformType } from 'node:stream';
import { formatPeriod, type Period } from '../lambdas/core/domain.js';
import {
  closureKey,
  closureReceiptKey,
  documentKey,
  isUploadName,
  MAX_UPLOAD_NAME_LENGTH,
  reopeningKey,
  reopeningReceiptKey,
  uploadKey,
  uploadReceiptKey,
} from '../lambdas/core/keys.js';
import type { ClosureReceipt, ReopeningReceipt, UploadReceipt } from '../lambdas/core/receipt.js';
import { compareInstants, stockholmMinute } from '../lambdas/core/time.js';
import type { Runtime } from '../lambdas/storage/runtime.js';
import { commandSpec, parseCommand, UsageError, type ParsedCommand } from './args.js';
import { formatIssue } from './issue-text.js';
import {
  assertStackRunning,
  LOCAL_BUCKETS,
  localPorts,
  localRuntimeConfig,
  portVariable,
  StackNotRunningError,
} from './local-config.js';
import { PortInUseError } from './port-error.js';
import { immediateAnswer } from './usage.mjs';

export { commandHelp } from './usage.mjs';

type Command = (cmd: ParsedCommand) => Promise<number>;

const RUN: Readonly<Record<string, Command>> = {
  local: async (cmd) => (await import('./local-command.js')).localCommand(cmd),
  demo: async (cmd) => (await import('./local-command.js')).demoCommand(cmd),
  render: (cmd) => renderCommand(cmd),
  upload: (cmd) => uploadCommand(cmd),
  close: (cmd) => closeCommand(cmd),
  reopen: (cmd) => reopenCommand(cmd),
  status: (cmd) => statusCommand(cmd),
  reindex: (cmd) => reindexCommand(cmd),
  workbook: async (cmd) => (await import('./workbook-command.js')).workbookCommand(cmd),
};

export async function main(argv: string[]): Promise<number> {
  const answer = immediateAnswer(argv);
  if (answer !== undefined) {
    process.stdout.write(answer);
    return 0;
  }
  const [command = '', ...rest] = argv;
  try {
    const spec = commandSpec(command);
    const run = RUN[command];
    if (!spec || !run) {
      const { closest } = await import('./args.js');
      const near = closest(command, Object.keys(RUN));
      throw new UsageError(`Okänt kommando "${command}"${near ? `; menade du ${near}?` : '.'} Se tertial --help.`);
    }
    return await run(parseCommand(spec, rest));
  } catch (err) {
    process.stderr.write(`tertial: ${describeError(err)}\n`);
    if (err instanceof UsageError && err.usage) process.stderr.write(`Användning: ${err.usage}\n`);
    return err instanceof UsageError && !(err instanceof StackNotRunningError) ? 2 : 1;
  }
}

function describeError(err: unknown): string {
  if (err instanceof UsageError) return err.message;
  if (err instanceof PortInUseError) {
    const ports = localPorts();
    return `Port ${err.port} är upptagen (kör den lokala stacken redan?). Välj en annan med ${portVariable(err.port, ports)}=PORT, eller 0 för en ledig.`;
  }
  const e = err as { name?: string; message?: string; code?: string; port?: number };
  if (e?.code === 'EADDRINUSE' && typeof e.port === 'number') return describeError(new PortInUseError(e.port));
  if (e?.code === 'ENOENT')
    return `Filen finns inte: ${String(e.message).replace(/^ENOENT: no such file or directory, (open|scandir|stat) /, '')}`;
  if (e?.code === 'ECONNREFUSED' || /ECONNREFUSED|fetch failed/.test(String(e?.message))) {
    const ports = localPorts();
    return `Den lokala stacken svarar inte (S3 http://127.0.0.1:${ports.s3}, DynamoDB http://127.0.0.1:${ports.dynamodb}). Starta den med "npx tertial local".`;
  }
  return `${e?.name ?? 'Fel'}: ${e?.message ?? String(err)}`;
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

/** Runs `use` with clients for an already running local stack; says at once, with the address, when none runs. */
export async function withLocalStack<T>(use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const ports = localPorts();
  await assertStackRunning(ports);
  const { createRuntime } = await import('../lambdas/storage/runtime.js');
  return withRuntime(createRuntime(localRuntimeConfig(ports)), use);
}

async function put(runtime: Runtime, key: string, body: string | TransformType, length: number): Promise<void> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  // An explicit length: the SDK cannot tell an empty body from a stream of unknown length.
  await runtime.clients.s3.send(
    new PutObjectCommand({ Bucket: LOCAL_BUCKETS.uploads, Key: key, Body: body, ContentLength: length }),
  );
}

async function renderCommand(cmd: ParsedCommand): Promise<number> {
  const { readFile, writeFile } = await import('node:fs/promises');
  const out = cmd.values.out as string | undefined;
  if (!out)
    throw new UsageError(
      'Ange var dokumentet ska sparas med --out, till exempel --out rapport.docx.',
      commandSpec('render')?.usage,
    );
  const period = cmd.period as Period;
  const files = await Promise.all(
    cmd.files.map(async (path) => ({ name: basename(path), bytes: await readFile(path) })),
  );
  const [template, configJson, closure] = await Promise.all([
    cmd.values.template ? readFile(cmd.values.template as string) : undefined,
    cmd.values.config ? readFile(cmd.values.config as string, 'utf8') : undefined,
    cmd.values.closure ? readFile(cmd.values.closure as string) : undefined,
  ]);
  const { renderFiles } = await import('./render.js');
  const result = await renderFiles({
    period,
    files,
    ...(template ? { template } : {}),
    ...(configJson !== undefined ? { configJson } : {}),
    ...(closure ? { closure } : {}),
  });
  for (const w of result.warnings) process.stderr.write(`varning: ${formatIssue(w)}\n`);
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`fel: ${formatIssue(e)}\n`);
    process.stderr.write(`tertial: inget dokument skapades (${result.errors.length} fel).\n`);
    return 1;
  }
  await writeFile(out, result.bytes);
  process.stdout.write(`Dokumentet är sparat: ${resolve(out)}\n`);
  return 0;
}

async function uploadCommand(cmd: ParsedCommand): Promise<number> {
  const period = cmd.period as Period;
  const file = cmd.files[0] as string;
  const name = basename(file);
  // Any name the layout takes: the pipeline reads it or answers with a receipt saying why not.
  if (!isUploadName(name)) {
    throw new UsageError(
      `"${name}" kan inte vara namnet på en uppladdning (högst ${MAX_UPLOAD_NAME_LENGTH} tecken, ingen inledande punkt, inga styrtecken).`,
      commandSpec('upload')?.usage,
    );
  }
  const { size } = await stat(file);
  return withLocalStack(async (runtime) => {
    let shown = '';
    const progress =
      size > PROGRESS_MIN_BYTES && process.stderr.isTTY
        ? (sent: number) => {
            // Redrawn only when the text changes, not for every chunk.
            const line = progressLine(sent, size);
            if (line !== shown) process.stderr.write((shown = line));
          }
        : undefined;
    const started = await receiptMark(runtime, uploadReceiptKey(period, name));
    await put(runtime, uploadKey(period, name), countingStream(file, progress), size);
    if (progress) process.stderr.write('\n');
    process.stdout.write(`Uppladdad: s3://${LOCAL_BUCKETS.uploads}/${uploadKey(period, name)} (${size} byte)\n`);
    if (cmd.values['no-wait']) return 0;
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

async function closeCommand(cmd: ParsedCommand): Promise<number> {
  const period = cmd.period as Period;
  const body: Record<string, string | boolean> = {};
  if (cmd.values['meeting-date']) body.meetingDate = cmd.values['meeting-date'] as string;
  if (cmd.values['document-date']) body.documentDate = cmd.values['document-date'] as string;
  if (cmd.values.diarienummer) body.diarienummer = cmd.values.diarienummer as string;
  if (cmd.values.tom) body.allowEmpty = true;
  return withLocalStack(async (runtime) => {
    // The handler ignores a close of a closed tertial (the document is never rewritten);
    // say so at once rather than wait for a receipt that will not come.
    const record = await runtime.repo.getPeriod(period);
    if (record?.state === 'CLOSED') {
      const key = record.closure?.documentKey ?? documentKey(period);
      const since = record.closure?.closedAt ? ` sedan ${stockholmMinute(record.closure.closedAt)}` : '';
      process.stdout.write(
        `Tertial ${period.tertial} ${period.year} är redan stängd${since}. Dokumentet: s3://${LOCAL_BUCKETS.documents}/${key}\n`,
      );
      process.stdout.write(
        `Öppna den igen med: npx tertial reopen ${period.committee} ${period.year}-T${period.tertial}\n`,
      );
      return 0;
    }
    const started = await receiptMark(runtime, closureReceiptKey(period));
    const payload = Object.keys(body).length ? JSON.stringify(body) : '';
    await put(runtime, closureKey(period), payload, Buffer.byteLength(payload));
    const receipt = await waitForReceipt<ClosureReceipt>(runtime, closureReceiptKey(period), started);
    process.stdout.write(`${receipt.message}\n`);
    for (const e of receipt.errors) process.stdout.write(`  fel: ${formatIssue(e)}\n`);
    for (const w of receipt.warnings) process.stdout.write(`  varning: ${formatIssue(w)}\n`);
    if (receipt.document)
      process.stdout.write(
        `Hämta: aws --endpoint-url http://127.0.0.1:${localPorts().s3} s3 cp s3://${LOCAL_BUCKETS.documents}/${receipt.document} .\n`,
      );
    return receipt.status === 'closed' ? 0 : 1;
  });
}

async function reopenCommand(cmd: ParsedCommand): Promise<number> {
  const period = cmd.period as Period;
  return withLocalStack(async (runtime) => {
    const started = await receiptMark(runtime, reopeningReceiptKey(period));
    await put(runtime, reopeningKey(period), '', 0);
    const receipt = await waitForReceipt<ReopeningReceipt>(runtime, reopeningReceiptKey(period), started);
    process.stdout.write(`${receipt.message}\n`);
    return receipt.status === 'reopened' ? 0 : 1;
  });
}

async function statusCommand(cmd: ParsedCommand): Promise<number> {
  const period = cmd.period as Period;
  return withLocalStack(async (runtime) => {
    const record = await runtime.repo.getPeriod(period);
    if (cmd.values.json) {
      process.stdout.write(`${JSON.stringify(periodStatus(period, record), null, 2)}\n`);
      return 0;
    }
    if (!record) {
      process.stdout.write(`${formatPeriod(period)}: inget uppladdat ännu.\n`);
      return 0;
    }
    const state =
      record.state === 'CLOSED'
        ? `STÄNGD ${record.closure?.closedAt ? stockholmMinute(record.closure.closedAt) : ''}`.trimEnd()
        : 'ÖPPEN';
    process.stdout.write(`${formatPeriod(period)}: ${state}\n`);
    if (record.closure)
      process.stdout.write(`Dokument: s3://${LOCAL_BUCKETS.documents}/${record.closure.documentKey}\n`);
    const rows = Object.entries(record.files)
      .sort(([a], [b]) => a.localeCompare(b, 'sv'))
      .map(([name, f]) => [
        name,
        { accepted: 'godkänd', rejected: 'avvisad', deleted: 'borttagen' }[f.lastOutcome],
        f.generation ? 'ja' : 'nej',
        String(f.counts?.goals ?? 0),
        String(f.counts?.activities ?? 0),
        stockholmMinute(f.lastEventAt),
      ]);
    printTable(['Fil', 'Senast', 'Gäller', 'Mål', 'Aktiviteter', 'Tid (svensk tid)'], rows);
    return 0;
  });
}

async function reindexCommand(cmd: ParsedCommand): Promise<number> {
  const period = cmd.period as Period;
  const run = async (runtime: Runtime) => {
    const [{ stderrLog }, { reindexPeriod }, { ingestDeps }, { assembleDeps }] = await Promise.all([
      import('../lambdas/runtime/log.js'),
      import('../lambdas/ingest/reindex.js'),
      import('../lambdas/ingest/handler.js'),
      import('../lambdas/assemble/handler.js'),
    ]);
    const log = stderrLog('warn');
    const result = await reindexPeriod({ ...ingestDeps(runtime, log), ...assembleDeps(runtime, log) }, period);
    const outcomes = {
      accepted: 'godkänd',
      restored: 'återställd',
      removed: 'borttagen',
      rejected: 'avvisad',
      refused_closed: 'avvisad (stängd)',
      refused_full: 'avvisad (tertialen har inte plats för fler filer)',
      unreadable: 'kan inte läsas längre (se loggen)',
      stale: 'redan med',
      duplicate: 'redan med',
    } as Record<string, string>;
    for (const u of result.uploads) process.stdout.write(`${u.name}: ${outcomes[u.outcome] ?? u.outcome}\n`);
    const closures = {
      closed: 'stängd igen',
      rewritten: 'stängd igen',
      restored: 'stängd igen, dokumentet orört',
      already_closed: 'redan stängd',
    } as Record<string, string>;
    if (result.closure) process.stdout.write(`Stängning: ${closures[result.closure] ?? result.closure}\n`);
    process.stdout.write(`${formatPeriod(period)}: ${result.uploads.length} filer lästes in på nytt.\n`);
    return 0;
  };
  if (!cmd.values.env) return withLocalStack(run);
  const { createRuntime } = await import('../lambdas/storage/runtime.js');
  return withRuntime(createRuntime(), run);
}

function printTable(header: string[], rows: string[][]): void {
  if (rows.length === 0) {
    process.stdout.write('Inga filer.\n');
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`);
}

/** A receipt, read through the receipt format; undefined when absent or not a receipt. */
async function readJson<T extends Receipt>(runtime: Runtime, key: string): Promise<T | undefined> {
  const object = await runtime.objects.get(LOCAL_BUCKETS.documents, key);
  const read = object ? parseReceipt(object.bytes) : undefined;
  return read?.ok ? (read.receipt as T) : undefined;
}

/** Polls for a receipt written for an event at or after `since` (ms). */
/** When a command wrote its object, and the receipt that was there before it (if any). */
export interface ReceiptMark {
  /** When the write was about to happen (ms since the epoch). */
  readonly since: number;
  /** The `receivedAt` of the receipt that was there before the write. */
  readonly previous: string | undefined;
}

/**
 * Whether the receipt read now answers the write after `mark`: its event is a later
 * instant than the previous receipt's (compared as instants: an offset time and an older
 * receipt's UTC `…Z` time do not compare as text), and not older than the write, bar a
 * little clock slack (s3rver stamps event times with whole milliseconds).
 */
export function answersWrite(receivedAt: string, { since, previous }: ReceiptMark): boolean {
  const at = Date.parse(receivedAt);
  if (Number.isNaN(at)) return false;
  if (previous !== undefined && compareInstants(receivedAt, previous) <= 0) return false;
  return at >= since - 1000;
}

/** Taken just before the write: the receipt to wait for is a newer one than this. */
async function receiptMark(runtime: Runtime, key: string): Promise<ReceiptMark> {
  const previous = await readJson<Receipt>(runtime, key).catch(() => undefined);
  return { since: Date.now(), previous: previous?.receivedAt };
}

async function waitForReceipt<T extends Receipt>(
  runtime: Runtime,
  key: string,
  mark: ReceiptMark,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const receipt = await readJson<T>(runtime, key).catch(() => undefined);
    // Never the receipt of the event before this one (a close refused a moment ago).
    if (receipt && answersWrite(receipt.receivedAt, mark)) return receipt;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `inget kvitto på s3://${LOCAL_BUCKETS.documents}/${key} inom ${timeoutMs / 1000} sekunder; se loggarna för den lokala stacken`,
  );
}
