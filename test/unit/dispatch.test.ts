import { describe, expect, it } from 'vitest';
import { silentLog } from '../../lambdas/core/log.js';
import { dispatchS3Event, EventFailure, MAX_FAILURE_MESSAGE_LENGTH } from '../../lambdas/runtime/dispatch.js';
import { s3Event } from '../helpers/events.js';

/** What Lambda's Node.js runtime writes into an on-failure destination record for a thrown error. */
function lambdaErrorPayload(error: unknown): { errorType: string; errorMessage: string } {
  const e = error as Error;
  return { errorType: e.name, errorMessage: e.message };
}

describe('a failed event carries its cause to the failure queue', () => {
  it('names the record and every cause in the message Lambda keeps (it keeps no `cause`)', async () => {
    const root = Object.assign(new Error('Throughput exceeds the current capacity of your table'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const event = s3Event('uploads', 'uploads/ks/2023/T3/a.xlsx', '01');
    const failed = await dispatchS3Event(event, 'ingest', silentLog, async () => {
      throw new Error('could not stage the rows', { cause: root });
    }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(EventFailure);
    expect((failed as Error).cause).toBeInstanceOf(Error);
    const payload = lambdaErrorPayload(failed);
    expect(payload.errorType).toBe('EventFailure');
    expect(payload.errorMessage).toBe(
      'ingest failed on ObjectCreated:Put s3://uploads/uploads/ks/2023/T3/a.xlsx: Error: could not stage the rows ← caused by ' +
        'ProvisionedThroughputExceededException: Throughput exceeds the current capacity of your table',
    );
  });

  it('lists each failed record of a multi-record event, within a bounded message', async () => {
    const a = s3Event('uploads', 'uploads/ks/2023/T3/a.xlsx', '01');
    const b = s3Event('uploads', 'uploads/ks/2023/T3/b.xlsx', '02');
    const event = { Records: [...a.Records, ...b.Records] };
    const failed = (await dispatchS3Event(event, 'ingest', silentLog, async (e) => {
      throw new Error(`${e.key.slice(-6)} broke: ${'x'.repeat(3000)}`);
    }).catch((e: unknown) => e)) as Error;
    expect(failed.message).toMatch(
      /^ingest failed on 2 records: ObjectCreated:Put s3:\/\/uploads\/uploads\/ks\/2023\/T3\/a\.xlsx: Error: a\.xlsx broke/,
    );
    expect(failed.message).toContain('b.xlsx');
    expect(failed.message.length).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE_LENGTH);
    expect(failed.cause).toBeInstanceOf(AggregateError);
  });
});
