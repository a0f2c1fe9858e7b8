/**
 * A local stack on free ports in a folder of its own under the system's temporary folder,
 * removed again with the stack: what the benchmarks, the integration tests and the
 * stored-fixture capture each start.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack.js';

export interface ScratchStack extends LocalStack {
  /** The stack's data folder (removed by dispose): its outbox, logs and stores. */
  readonly dataDir: string;
  /** Uploads an object to the uploads bucket, as a person's client would. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** Deletes an object from the uploads bucket. */
  remove(key: string): Promise<void>;
  /** Closes the stack and removes its folder. */
  dispose(): Promise<void>;
}

export type ScratchStackOptions = Pick<LocalStackOptions, 'log' | 'dynamodb' | 'convertToPdf'>;

/** Starts a scratch stack whose folder is named `tertial-{name}-…`; retries come after 50 ms. */
export async function startScratchStack(name: string, options: ScratchStackOptions): Promise<ScratchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `tertial-${name}-`));
  const stack = await startLocalStack({ dataDir, s3Port: 0, dynamodbPort: 0, retryDelayMs: 50, ...options });
  const s3 = stack.runtime.clients.s3;
  return Object.assign(stack, {
    dataDir,
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
    async dispose() {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}
