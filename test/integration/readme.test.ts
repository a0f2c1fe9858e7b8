/**
 * The README's command blocks, run as a person runs them on a fresh clone: every `sh`
 * block in the order given, in a copy of the project, against the local stack on free
 * ports. The convention (README, "Development"):
 * - a block preceded by `<!-- not run: REASON -->` is not run (it needs an AWS account,
 *   or it is the bench or the suite itself), and says why;
 * - `npm start` and `npx tertial local` start a server that keeps running, as in a second
 *   window, until the next one replaces it; `npm install` and `npm test` are what runs
 *   this test, so they are not run again inside it;
 * - the ports in the text (4569, 4567, 4570) are replaced with the test's free ports;
 * - a command that reads the output bucket is tried again for a while, as a person would
 *   a moment later: the pipeline answers asynchronously, on AWS as locally.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What a fresh clone has that the commands use (the copy links to them; nothing is written through the links). */
const PROJECT_ENTRIES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'bin',
  'cli',
  'lambdas',
  'templates',
  'examples',
  'node_modules',
];
/** What both servers print once they answer. */
const SERVING = 'Stacken svarar tills du trycker Ctrl-C';
/** How long a read of the output bucket is tried again (the receipt of an upload comes within seconds). */
const READ_RETRY_SECONDS = 60;

interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly text: string;
  /** The reason given in `<!-- not run: … -->`, when the block is not run. */
  readonly notRun?: string;
}

/** Every fenced `sh` block of a Markdown text, with its not-run reason if it has one. */
function shBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README line ${i + 1}: the sh block is not closed`);
    let before = i - 1;
    while (before >= 0 && lines[before]?.trim() === '') before--;
    const marker = /^<!-- not run: (.+) -->$/.exec(lines[before] ?? '');
    blocks.push({
      line: i + 1,
      text: lines.slice(i + 1, end).join('\n'),
      ...(marker?.[1] ? { notRun: marker[1] } : {}),
    });
    i = end;
  }
  return blocks;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let work: string;
let ports: { s3: number; dynamodb: number; web: number };
let env: NodeJS.ProcessEnv;
let server: { process: ChildProcess; output: () => string; exited: Promise<void> } | undefined;

const blocks = shBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

function withPorts(text: string): string {
  return text
    .replaceAll('127.0.0.1:4569', `127.0.0.1:${ports.s3}`)
    .replaceAll('127.0.0.1:4567', `127.0.0.1:${ports.dynamodb}`)
    .replaceAll('127.0.0.1:4570', `127.0.0.1:${ports.web}`);
}

async function stopServer(): Promise<void> {
  if (!server) return;
  const { process: child, exited } = server;
  server = undefined;
  // Ctrl-C in its window: the whole process group (npm and the node it started).
  try {
    process.kill(-(child.pid as number), 'SIGINT');
  } catch {
    return;
  }
  const killed = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // gone
    }
  }, 30_000);
  await exited;
  clearTimeout(killed);
}

/** Starts a server command as in a window of its own, and resolves once it answers. */
async function startServer(command: string): Promise<void> {
  await stopServer();
  const child = spawn('bash', ['-c', command], { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  server = { process: child, output: () => output, exited };
  const started = Date.now();
  while (!output.includes(SERVING)) {
    if (child.exitCode !== null) throw new Error(`\`${command}\` exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > 150_000) throw new Error(`\`${command}\` did not start serving:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a script in the copy; resolves with its exit code and output. */
function run(script: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A block as the test runs it: server lines apart, the rest one script that stops at the first failure. */
function prepare(block: Block): { servers: string[]; script: string } {
  const servers: string[] = [];
  const kept: string[] = [];
  for (const raw of withPorts(block.text).split('\n')) {
    const line = raw.replace(/^npm install && /, '');
    const command = line.replace(/\s+#.*$/, '').trim();
    if (command === 'npm test') continue;
    if (/^(npm start|npx tertial local)\b/.test(command)) {
      if (kept.some((l) => l.trim() !== '' && !l.trim().startsWith('#')))
        throw new Error(`README line ${block.line}: a server must be the block's first command`);
      servers.push(command);
      continue;
    }
    // A read of the output bucket, tried again until the pipeline has written it.
    kept.push(/\bs3 cp s3:\/\/tertial-documents\//.test(command) ? `again ${line.trimStart()}` : line);
  }
  const script = [
    'set -euo pipefail',
    `again() { for _ in $(seq ${READ_RETRY_SECONDS}); do "$@" 2>/dev/null && return 0; sleep 1; done; "$@"; }`,
    ...kept,
  ].join('\n');
  return { servers, script };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tertial-readme-'));
  for (const entry of PROJECT_ENTRIES) {
    if (existsSync(join(ROOT, entry))) await symlink(join(ROOT, entry), join(work, entry));
  }
  ports = { s3: await freePort(), dynamodb: await freePort(), web: await freePort() };
  // Only what a person's shell would have: no credentials or profile of the machine's.
  env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  env.PATH = `/usr/bin:${env.PATH ?? ''}`;
  env.TERTIAL_S3_PORT = String(ports.s3);
  env.TERTIAL_DYNAMODB_PORT = String(ports.dynamodb);
  env.TERTIAL_WEB_PORT = String(ports.web);
});

afterAll(async () => {
  await stopServer();
  await rm(work, { recursive: true, force: true });
});

describe('the README', () => {
  it('has sh blocks to run, and every block that is not run says why', () => {
    expect(blocks.filter((b) => !b.notRun).length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) if (block.notRun) expect(block.notRun.length, `line ${block.line}`).toBeGreaterThan(10);
  });

  for (const block of blocks.filter((b) => !b.notRun)) {
    it(`runs the block at line ${block.line} as written`, { timeout: 300_000 }, async () => {
      const { servers, script } = prepare(block);
      for (const command of servers) await startServer(command);
      const result = await run(script);
      expect(result.code, `README line ${block.line}:\n${result.output}\n--- server:\n${server?.output() ?? ''}`).toBe(
        0,
      );
    });
  }
});
