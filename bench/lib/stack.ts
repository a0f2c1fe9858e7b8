/** The local stack (s3rver + dynalite on free ports, data in a temporary directory) for the benchmarks. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { startScratchStack, type ScratchStack } from '../../cli/scratch-stack.js';
import { silentLog, type Log } from '../../lambdas/core/log.js';

export interface BenchStack extends ScratchStack {
  /** Whether the object can be read from the output bucket (a GET, as a person's client would do). */
  readable(key: string): Promise<boolean>;
}

export async function startBenchStack(log: Log = silentLog): Promise<BenchStack> {
  const stack = await startScratchStack('bench', { log });
  const s3 = stack.runtime.clients.s3;
  return Object.assign(stack, {
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
  });
}
