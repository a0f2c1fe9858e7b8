/**
 * When the views function cannot write a period's views, the failure it throws (what
 * Lambda retries and the failure queue keeps) carries the fault that caused it, against
 * the real local S3 and DynamoDB with the fault injected at the object store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../lambdas/core/log.js';
import { EventFailure } from '../../lambdas/runtime/dispatch.js';
import type { ObjectStore } from '../../lambdas/storage/objects.js';
import { makeViewsHandler } from '../../lambdas/views/handler.js';
import { s3Event, sequencers } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/local.js';

let stack: TestStack;
const nextSequencer = sequencers();

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.dispose();
});

/** The stack's object store, with every write under `prefix` refused by `fault`; the keys it did write go to `written`. */
function refusingWrites(objects: ObjectStore, prefix: string, fault: Error, written: string[] = []): ObjectStore {
  return {
    get: (bucket, key, versionId) => objects.get(bucket, key, versionId),
    exists: (bucket, key) => objects.exists(bucket, key),
    list: (bucket, listPrefix) => objects.list(bucket, listPrefix),
    put: async (bucket, key, body, contentType) => {
      if (key.startsWith(prefix)) throw fault;
      await objects.put(bucket, key, body, contentType);
      written.push(key);
    },
  };
}

describe('a views failure', () => {
  it('is thrown with the fault that caused it as its cause', async () => {
    const fault = new Error('injected: status page write refused');
    const handler = makeViewsHandler(
      { ...stack.runtime, objects: refusingWrites(stack.runtime.objects, 'status/', fault) },
      silentLog,
    );
    const event = s3Event(stack.config.documentsBucket, 'receipts/ks/2026/T1/uppfoljning.xlsx.json', nextSequencer());

    const thrown = await handler(event).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(thrown).toBeInstanceOf(EventFailure);
    const viewsError = (thrown as EventFailure).cause;
    expect(viewsError).toBeInstanceOf(Error);
    expect((viewsError as Error).message).toContain('ks 2026-T1');
    expect((viewsError as Error).cause).toBe(fault);
    // The failure queue keeps only the message: the fault is spelled out there too.
    expect((thrown as Error).message).toContain('injected: status page write refused');
  });

  it('of one period of a committee still refreshes the others, then carries the fault', async () => {
    const fault = new Error('injected: one period refused');
    // Two periods of the committee, in the table's index of its periods (what an upload
    // into each would leave), with status pages written by a healthy views function.
    for (const tertial of [1, 2] as const)
      await stack.runtime.repo.ensurePeriod({ committee: 'sn', year: 2026, tertial }, new Date());
    const healthy = makeViewsHandler(stack.runtime, silentLog);
    for (const tertial of ['T1', 'T2'])
      await healthy(s3Event(stack.config.documentsBucket, `receipts/sn/2026/${tertial}/a.xlsx.json`, nextSequencer()));
    expect(await stack.runtime.objects.list(stack.config.documentsBucket, 'status/sn/2026/')).toHaveLength(2);

    const written: string[] = [];
    const handler = makeViewsHandler(
      { ...stack.runtime, objects: refusingWrites(stack.runtime.objects, 'status/sn/2026/T1/', fault, written) },
      silentLog,
    );
    const thrown = await handler(
      s3Event(stack.config.documentsBucket, 'receipts/templates/sn.docx.json', nextSequencer()),
    ).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(thrown).toBeInstanceOf(EventFailure);
    expect(((thrown as EventFailure).cause as Error).cause).toBe(fault);
    expect(written).toContain('status/sn/2026/T2/index.html');
  });
});
