/** Starts the real local S3 and DynamoDB servers on free ports for one test file. */
import { startScratchStack, type ScratchStack } from '../../cli/scratch-stack.js';
import { silentLog, type Log } from '../../lambdas/core/log.js';
import { stderrLog } from '../../lambdas/runtime/log.js';

export interface TestStack extends ScratchStack {
  /** Reads an object from the output bucket; undefined when absent. */
  output(key: string): Promise<Uint8Array | undefined>;
  outputJson<T>(key: string): Promise<T | undefined>;
}

/** Under the test timeout (60 s): a test whose events never finish fails naming them rather than timing out blind. */
const TEST_IDLE_MS = 45_000;

export async function startTestStack(
  options: { log?: Log; dynamodb?: 'dynalite' | 'dynamodb-local' } = {},
): Promise<TestStack> {
  const log = options.log ?? (process.env.TERTIAL_TEST_LOGS ? stderrLog('debug') : silentLog);
  const stack = await startScratchStack('test', { log, ...(options.dynamodb ? { dynamodb: options.dynamodb } : {}) });
  const idle = stack.idle.bind(stack);
  return Object.assign(stack, {
    idle: (timeoutMs: number = TEST_IDLE_MS) => idle(timeoutMs),
    async output(key: string) {
      return (await stack.runtime.objects.get(stack.config.documentsBucket, key))?.bytes;
    },
    async outputJson<T>(key: string) {
      const bytes = await stack.runtime.objects.get(stack.config.documentsBucket, key);
      return bytes ? (JSON.parse(new TextDecoder().decode(bytes.bytes)) as T) : undefined;
    },
  });
}
