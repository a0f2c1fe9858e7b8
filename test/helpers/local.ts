/** Starts the real local S3 and DynamoDB servers on free ports for one test file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { startLocalStack, type LocalStack } from '../../cli/local-stack.js';
import { silentLog, type Log } from '../../lambdas/core/log.js';
import { stderrLog } from '../../lambdas/runtime/log.js';

export interface TestStack extends LocalStack {
  /** The stack's data folder (a temporary one, removed by dispose): its outbox, logs and stores. */
  readonly dataDir: string;
  put(key: string, body: Uint8Array | string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Reads an object from the output bucket; undefined when absent. */
  output(key: string): Promise<Uint8Array | undefined>;
  outputJson<T>(key: string): Promise<T | undefined>;
  dispose(): Promise<void>;
}

/** Under the test timeout (60 s): a test whose events never finish fails naming them rather than timing out blind. */
const TEST_IDLE_MS = 45_000;

export async function startTestStack(
  options: { log?: Log; dynamodb?: 'dynalite' | 'dynamodb-local' } = {},
): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tertial-test-'));
  const log = options.log ?? (process.env.TERTIAL_TEST_LOGS ? stderrLog('debug') : silentLog);
  const stack = await startLocalStack({
    dataDir,
    s3Port: 0,
    dynamodbPort: 0,
    log,
    retryDelayMs: 50,
    ...(options.dynamodb ? { dynamodb: options.dynamodb } : {}),
  });
  const s3 = stack.runtime.clients.s3;
  const idle = stack.idle.bind(stack);
  return Object.assign(stack, {
    dataDir,
    idle: (timeoutMs: number = TEST_IDLE_MS) => idle(timeoutMs),
    async put(key: string, body: Uint8Array | string) {
      await s3.send(
        new PutObjectCommand({
          Bucket: stack.config.uploadsBucket,
          Key: key,
          Body: body,
          ContentLength: Buffer.byteLength(body),
        }),
      );
    },
    async remove(key: string) {
      await s3.send(new DeleteObjectCommand({ Bucket: stack.config.uploadsBucket, Key: key }));
    },
    async output(key: string) {
      return (await stack.runtime.objects.get(stack.config.documentsBucket, key))?.bytes;
    },
    async outputJson<T>(key: string) {
      const bytes = await stack.runtime.objects.get(stack.config.documentsBucket, key);
      return bytes ? (JSON.parse(new TextDecoder().decode(bytes.bytes)) as T) : undefined;
    },
    async dispose() {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}
