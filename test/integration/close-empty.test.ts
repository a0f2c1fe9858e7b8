/**
 * `tertial close ks 2030-T1` (a mistyped year, nothing uploaded) used to write a document
 * of "0 mål, 0 aktiviteter" proposing to approve the report, without a word. A close
 * with no accepted upload is refused unless the closure says it is meant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closureKey, closureReceiptKey, documentKey } from '../../lambdas/core/keys.js';
import type { ClosureReceipt } from '../../lambdas/core/receipt.js';
import type { Period } from '../../lambdas/core/domain.js';
import { startTestStack, type TestStack } from '../helpers/local.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
}, 60_000);

afterAll(async () => {
  await stack?.dispose();
});

async function close(period: Period, body: string): Promise<ClosureReceipt | undefined> {
  await stack.put(closureKey(period), body);
  await stack.idle();
  return stack.outputJson<ClosureReceipt>(closureReceiptKey(period));
}

describe('closing a tertial with no accepted upload', () => {
  it('refuses tertial close ks 2030-T1 (a mistyped year, nothing uploaded) with a receipt saying why, and writes no document', async () => {
    const period: Period = { committee: 'ks', year: 2030, tertial: 1 };
    const receipt = await close(period, '');
    expect(receipt?.status).toBe('rejected');
    expect(receipt?.errors[0]?.code).toBe('empty_period');
    expect(receipt?.errors[0]?.message).toMatch(
      /ingen godkänd fil.*0 mål och 0 aktiviteter.*"allowEmpty": true.*--tom/,
    );
    expect(await stack.output(documentKey(period))).toBeUndefined();
    expect((await stack.runtime.repo.getPeriod(period))?.state ?? 'OPEN').toBe('OPEN');
  });

  it('closes it when the closure JSON says {"allowEmpty": true}', async () => {
    const period: Period = { committee: 'ks', year: 2030, tertial: 2 };
    const receipt = await close(period, JSON.stringify({ allowEmpty: true }));
    expect(receipt?.status).toBe('closed');
    expect(await stack.output(documentKey(period))).toBeDefined();
  });
});
