/** The local stack (s3rver + dynalite on free ports, data in a temporary directory) for the benchmarks. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startLocalStack, type LocalStack } from '../../cli/local-stack.js';
import { silentLog, type Log } from '../../lambdas/core/log.js';

export interface BenchStack extends LocalStack {
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** Whether the object can be read from the output bucket (a GET, as a person's client would do). */
  readable(key: string): Promise<boolean>;
  dispose(): Promise<void>;
}

export async function startBenchStack(log: Log = silentLog): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tertial-bench-'));
  const stack = await startLocalStack({ dataDir, s3Port: 0, dynamodbPort: 0, log, retryDelayMs: 50 });
  const s3 = stack.runtime.clients.s3;
  return Object.assign(stack, {
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
    async readable(key: string) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: stack.config.documentsBucket, Key: key }));
        await out.Body?.transformToByteArray();
        return true;
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return false;
        throw err;
      }
    },
    async dispose() {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}
