/**
 * `tertial local` (the stack and nothing else, data kept under `--data`) and
 * `tertial demo` (what `npm start` runs: a stack of its own with fresh data, the
 * examples uploaded and closed as ks 2023-T3, the document copied to `out/`).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { formatPeriod, type Period } from '../lambdas/core/domain.js';
import {
  closureKey,
  closureReceiptKey,
  documentFileName,
  documentKey,
  isReadableUploadName,
  statusPageKey,
  uploadKey,
  uploadReceiptKey,
} from '../lambdas/core/keys.js';
import { jsonLineLog } from '../lambdas/core/log.js';
import { LOCAL_CREDENTIALS } from '../lambdas/storage/clients.js';
import type { ClosureReceipt, UploadReceipt } from '../lambdas/core/receipt.js';
import { UsageError, type ParsedCommand } from './args.js';
import { formatIssue } from './issue-text.js';
import { LOCAL_REGION, localPorts } from './local-config.js';
import { startLocalStack, type LocalStack } from './local-stack.js';
import { readUsersFile, startWebServer, type WebServer, type WebServerOptions } from './web.js';

/** The demo's own data folder (emptied at every start), so the demo never touches `tertial local`'s `./.data`. */
export const DEMO_DATA_DIR = '.data-demo';

/** The period the demo uses; the README's walkthrough uses another. */
const DEMO_PERIOD: Period = { committee: 'ks', year: 2023, tertial: 3 };

const out = (line: string) => process.stdout.write(`${line}\n`);

interface Running {
  readonly stack: LocalStack;
  readonly web: WebServer;
  readonly logFile: string;
}

/**
 * Starts the page server over the local stack's documents, with uploads presigned for
 * its S3 port, and lets the pages (by either name of the loopback address) send them
 * there; no other site may.
 */
export async function startLocalWebServer(
  stack: LocalStack,
  options: Pick<WebServerOptions, 'port' | 'log' | 'users'>,
): Promise<WebServer> {
  const web = await startWebServer({
    ...options,
    objects: stack.runtime.objects,
    bucket: stack.config.documentsBucket,
    uploads: {
      bucket: stack.config.uploadsBucket,
      endpoint: stack.config.s3Endpoint as string,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    },
  });
  stack.allowBrowserOrigin(web.url);
  stack.allowBrowserOrigin(web.url.replace('127.0.0.1', 'localhost'));
  return web;
}

/** Starts the stack and the page server on the configured ports, runs `use`, and stops everything, whatever happens. */
async function withStack(dataDir: string, use: (running: Running) => Promise<number>): Promise<number> {
  const ports = localPorts();
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  const logFile = join(dataDir, 'logs', 'tertial.log');
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const log = jsonLineLog('info', { runtime: 'local' }, (line) => logStream.write(line));
  let stack: LocalStack | undefined;
  let web: WebServer | undefined;
  try {
    stack = await startLocalStack({ dataDir, s3Port: ports.s3, dynamodbPort: ports.dynamodb, log });
    const usersFile = process.env.TERTIAL_WEB_USERS;
    web = await startLocalWebServer(stack, {
      port: ports.web,
      log,
      ...(usersFile ? { users: await readUsersFile(usersFile) } : {}),
    });
    return await use({ stack, web, logFile });
  } finally {
    await web?.close();
    await stack?.close();
    await new Promise<void>((r) => logStream.end(() => r()));
  }
}

function printEndpoints({ stack, web, logFile }: Running, dataDir: string): void {
  out(`Lokal stack igång: S3 ${stack.config.s3Endpoint}, DynamoDB ${stack.config.dynamodbEndpoint}, sidor ${web.url}/`);
  out(`Data: ${dataDir}`);
  out(`Loggar: ${logFile}`);
}

function waitForCtrlC({ stack }: Running): Promise<void> {
  out('');
  out('Stacken svarar tills du trycker Ctrl-C. Till exempel med AWS CLI:');
  out(`  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=${LOCAL_REGION}`);
  out(
    `  aws --endpoint-url ${stack.config.s3Endpoint} s3 cp aktiviteter.xlsx s3://${stack.config.uploadsBucket}/uploads/ks/2025/T1/aktiviteter.xlsx`,
  );
  out(
    `  aws --endpoint-url ${stack.config.s3Endpoint} s3 cp - s3://${stack.config.uploadsBucket}/closures/ks/2025/T1 < /dev/null`,
  );
  out(
    `  aws --endpoint-url ${stack.config.s3Endpoint} s3 cp s3://${stack.config.documentsBucket}/documents/ks/2025/T1/ks-maluppfoljning-2025-T1.docx .`,
  );
  return new Promise<void>((resolveSignal) => {
    const stop = () => {
      out('Stänger den lokala stacken …');
      resolveSignal();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export async function localCommand(cmd: ParsedCommand): Promise<number> {
  const dataDir = resolve((cmd.values.data as string | undefined) ?? '.data');
  return withStack(dataDir, async (running) => {
    printEndpoints(running, dataDir);
    await waitForCtrlC(running);
    return 0;
  });
}

export async function demoCommand(cmd: ParsedCommand): Promise<number> {
  const own = cmd.values.data === undefined;
  const dataDir = resolve((cmd.values.data as string | undefined) ?? DEMO_DATA_DIR);
  const examplesDir = (cmd.values.examples as string | undefined) ?? 'examples';
  const outDir = (cmd.values.out as string | undefined) ?? 'out';
  const examples = (await readdir(examplesDir)).filter(isReadableUploadName).sort();
  if (examples.length === 0) throw new UsageError(`Hittar inga exempelfiler (.xlsx eller .csv) i ${examplesDir}.`);
  // The demo's own folder starts fresh every time; a folder given with --data is used as it is.
  if (own) await rm(dataDir, { recursive: true, force: true });
  return withStack(dataDir, async (running) => {
    const { stack, web, logFile } = running;
    const { runtime, config } = stack;
    printEndpoints(running, dataDir);
    const period = DEMO_PERIOD;
    const before = await runtime.repo.getPeriod(period);
    if (before?.state === 'CLOSED') {
      out(`${formatPeriod(period)} är redan stängd i ${dataDir}; exemplen laddas inte upp igen.`);
    } else {
      for (const name of examples) {
        await runtime.clients.s3.send(
          new PutObjectCommand({
            Bucket: config.uploadsBucket,
            Key: uploadKey(period, name),
            Body: await readFile(join(examplesDir, name)),
          }),
        );
      }
      await stack.idle();
      for (const name of examples) {
        const receipt = await readJson<UploadReceipt>(running, uploadReceiptKey(period, name));
        out(`Kvitto ${name}: ${receipt?.message ?? 'saknas'}`);
        for (const issue of receipt?.errors ?? []) out(`  fel: ${formatIssue(issue)}`);
      }
      await runtime.clients.s3.send(
        new PutObjectCommand({ Bucket: config.uploadsBucket, Key: closureKey(period), Body: '', ContentLength: 0 }),
      );
      await stack.idle();
      const receipt = await readJson<ClosureReceipt>(running, closureReceiptKey(period));
      out(`Stängning: ${receipt?.message ?? 'inget kvitto'}`);
      for (const issue of receipt?.errors ?? []) out(`  fel: ${formatIssue(issue)}`);
    }
    const document = await runtime.objects.get(config.documentsBucket, documentKey(period));
    if (!document) throw new Error(`inget dokument på ${documentKey(period)}; se ${logFile}`);
    await mkdir(outDir, { recursive: true });
    const target = join(outDir, documentFileName(period));
    await writeFile(target, document.bytes);
    out(`Dokumentet: ${resolve(target)} (i S3: s3://${config.documentsBucket}/${documentKey(period)})`);
    out(`Statussida: ${web.url}/${statusPageKey(period)}`);
    if (stack.failedEvents.length > 0)
      out(`Varning: ${stack.failedEvents.length} händelser misslyckades; se ${logFile}`);
    if (cmd.values.once) return stack.failedEvents.length > 0 ? 1 : 0;
    await waitForCtrlC(running);
    return 0;
  });
}

async function readJson<T>({ stack }: Running, key: string): Promise<T | undefined> {
  const object = await stack.runtime.objects.get(stack.config.documentsBucket, key);
  return object ? (JSON.parse(new TextDecoder().decode(object.bytes)) as T) : undefined;
}
