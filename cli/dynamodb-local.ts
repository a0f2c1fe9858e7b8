/**
 * Amazon's own DynamoDB Local as a second local DynamoDB backend beside dynalite, so the
 * store can be checked against the implementation AWS ships (issue "Conformance").
 *
 * The jar comes inside the npm package `amplify-dynamodb-simulator` (its `emulator/`
 * folder: DynamoDBLocal.jar, DynamoDBLocal_lib/ with the sqlite4java natives). Only the
 * package's files are used, not its JS wrapper; nothing is downloaded. Needs `java`
 * (17 works) on the PATH.
 *
 * DynamoDB Local 1.25.1 has no flag for the listen address: it listens on all
 * interfaces. The endpoint handed out is the loopback one. It runs with no network
 * traffic beyond that port: telemetry is off (flag and environment variable, both needed).
 * On a port already taken it does not exit, it hangs after printing a BindException;
 * that is detected and, for port 0, another port is tried.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../lambdas/storage/clients.js';
import { TertialError } from '../lambdas/core/errors.js';

export interface DynamoDbLocalOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Where the database file lives (created if missing); in memory when absent. */
  readonly dataDir?: string;
  /** How long to wait for the server to answer. Default 60 s (a cold JVM on 2 cores takes ~4 s). */
  readonly startTimeoutMs?: number;
  /** Extra JVM options, placed before `-jar`. */
  readonly javaOptions?: readonly string[];
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Stops the server and waits until the JVM has exited. Idempotent. */
  close(): Promise<void>;
}

/** The region every local server of the project is addressed with. */
const REGION = 'eu-north-1';
const POLL_MS = 100;
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL = 16_000;
const PORT_ATTEMPTS = 5;
const BIND_FAILURE = /Failed to bind|BindException|Address already in use/;

/** Where the package keeps the jar and its native libraries. */
export function dynamoDbLocalPaths(): { readonly home: string; readonly jar: string; readonly lib: string } {
  const require = createRequire(import.meta.url);
  const home = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  return { home, jar: join(home, 'DynamoDBLocal.jar'), lib: join(home, 'DynamoDBLocal_lib') };
}

/**
 * Runs the JVM under `sh`, whose stdin is a pipe from this process. When the pipe
 * closes (close() ends it, or this process dies in any way, even SIGKILL) the watcher
 * kills the JVM; `sh` waits for the JVM and exits with it, so our 'exit' event means
 * the JVM is gone; it then removes the scratch directory, if any. `sh` leads its own
 * process group, the fallback target of SIGKILL.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'child=$!',
  '{ read _ <&3; kill -TERM "$child" 2>/dev/null; } &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$child"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'if [ -n "$DYNAMODB_LOCAL_SCRATCH" ]; then rm -rf "$DYNAMODB_LOCAL_SCRATCH"; fi',
  'exit "$status"',
].join('\n');

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const paths = dynamoDbLocalPaths();
  // DynamoDB Local may write dynamodb-local-metadata.json into its working directory
  // (it does with telemetry on, even in memory): give it the data directory, or a
  // scratch one removed when it stops.
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const cwd = dataDir ?? (await mkdtemp(join(tmpdir(), 'dynamodb-local-')));
  const scratch = dataDir ? undefined : cwd;
  try {
    for (let attempt = 1; ; attempt++) {
      const port = options.port === 0 ? await freePort() : await checkPortFree(options.port);
      try {
        return await launch({ ...options, port, paths, cwd, dataDir, scratch });
      } catch (err) {
        if (options.port === 0 && attempt < PORT_ATTEMPTS && err instanceof PortTakenError) continue;
        throw err;
      }
    }
  } catch (err) {
    if (scratch) await rm(scratch, { recursive: true, force: true });
    throw err;
  }
}

/** The port DynamoDB Local was given is taken (with port 0, another free port is tried). */
class PortTakenError extends TertialError {
  constructor(message: string) {
    super('port_in_use', message);
  }
}

interface LaunchOptions extends DynamoDbLocalOptions {
  readonly paths: ReturnType<typeof dynamoDbLocalPaths>;
  readonly cwd: string;
  readonly dataDir: string | undefined;
  readonly scratch: string | undefined;
}

async function launch(options: LaunchOptions): Promise<DynamoDbLocal> {
  const { port, paths } = options;
  const javaArgs = [
    ...(options.javaOptions ?? []),
    `-Djava.library.path=${paths.lib}`,
    '-jar',
    paths.jar,
    ...(options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory']),
    // One database whatever the region and credentials of the client.
    '-sharedDb',
    '-port',
    String(port),
    '-disableTelemetry',
  ];
  const child = spawn('sh', ['-c', WATCHDOG, 'dynamodb-local', 'java', ...javaArgs], {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    // -disableTelemetry alone does not stop 1.25.1 from looking up its telemetry service
    // (cognito-identity.us-east-1.amazonaws.com, seen with strace); this variable does.
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0', DYNAMODB_LOCAL_SCRATCH: options.scratch ?? '' },
  });

  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.stdin?.on('error', () => undefined); // EPIPE when the shell is already gone

  let exitCode: number | null | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolveExit();
    });
    child.once('error', (err) => {
      spawnError = err;
      exitCode = -1;
      resolveExit();
    });
  });

  const onProcessExit = (): void => killGroup(child, 'SIGKILL');
  process.on('exit', onProcessExit);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (exitCode === undefined) {
        child.stdin?.end(); // the watchdog kills the JVM, then sh exits
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', onProcessExit);
      if (options.scratch) await rm(options.scratch, { recursive: true, force: true });
    })();
    return closing;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const client = new DynamoDBClient({
    region: REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000, throwOnRequestTimeout: true },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      // On a port already taken the JVM prints the BindException and stays up.
      if (BIND_FAILURE.test(output)) {
        throw new PortTakenError(`DynamoDB Local could not listen on port ${port}.\n--- its output ---\n${output}`);
      }
      if (exitCode !== undefined) {
        const why = spawnError
          ? `could not be started (${spawnError.message})`
          : exitCode === 127
            ? 'could not be started: no `java` on the PATH (Java 17 runs it)'
            : `exited with code ${String(exitCode)} before answering on port ${port}`;
        throw new Error(`DynamoDB Local ${why}.\n--- its output ---\n${output}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        // Whoever answered, it was not us if the JVM reports it could not bind.
        if (!BIND_FAILURE.test(output)) return { endpoint, port, close };
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms (last error: ${String(lastError)}).\n--- its output ---\n${output}`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } catch (err) {
    // Stop whatever did start; the scratch directory is the caller's to remove.
    await closeProcessOnly(child, exited, () => exitCode !== undefined);
    process.off('exit', onProcessExit);
    throw err;
  } finally {
    client.destroy();
  }
}

async function closeProcessOnly(child: ChildProcess, exited: Promise<void>, hasExited: () => boolean): Promise<void> {
  if (hasExited()) return;
  child.stdin?.end();
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Fails clearly when a fixed port is in use (DynamoDB Local would just hang there). */
async function checkPortFree(port: number): Promise<number> {
  await new Promise<void>((resolvePort, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; DynamoDB Local cannot listen there`) : err),
    );
    server.listen(port, () => server.close(() => resolvePort()));
  });
  return port;
}

/** A port nothing listens on now (on any interface, as DynamoDB Local binds them all). */
async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<number>((resolvePort, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, () => {
          const { port } = server.address() as AddressInfo;
          server.close(() => resolvePort(port));
        });
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= PORT_ATTEMPTS) throw err;
    }
  }
}
