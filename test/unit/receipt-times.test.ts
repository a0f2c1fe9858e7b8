/**
 * Receipts say when in Swedish time with its offset, as a person reads them, and read
 * back, as before, whatever form earlier versions wrote their times in.
 */
import { describe, expect, it } from 'vitest';
import type { Period } from '../../lambdas/core/domain.js';
import {
  acceptedUploadReceipt,
  closedReceipt,
  failedUploadReceipt,
  misplacedReceipt,
  receiptJson,
  rejectedClosureReceipt,
  rejectedUploadReceipt,
  removedUploadReceipt,
  reopeningReceipt,
  templateReceipt,
  type AnyReceipt,
} from '../../lambdas/core/receipt.js';
import { parseReceipt, RECEIPT_SCHEMA_VERSION } from '../../lambdas/core/receipt-schema.js';

const period: Period = { committee: 'ks', year: 2024, tertial: 1 };
const file = { period, file: 'a.xlsx', key: 'uploads/ks/2024/T1/a.xlsx' };

function everyReceipt(receivedAt: Date): AnyReceipt[] {
  return [
    acceptedUploadReceipt({ ...file, receivedAt, counts: { goals: 1, activities: 1, caseSections: 0 }, warnings: [] }),
    rejectedUploadReceipt({ ...file, receivedAt, errors: [], warnings: [], hasPreviousVersion: false }),
    removedUploadReceipt({ ...file, receivedAt }),
    failedUploadReceipt({ ...file, receivedAt, hasPreviousVersion: false }),
    closedReceipt({
      period,
      receivedAt,
      document: 'd.docx',
      uploads: [],
      counts: { goals: 0, activities: 0 },
      warnings: [],
    }),
    rejectedClosureReceipt({ period, receivedAt, errors: [], warnings: [] }),
    reopeningReceipt({ period, receivedAt, reopened: true }),
    templateReceipt({ committee: 'ks', key: 'templates/ks.docx', receivedAt, errors: [], hasPrevious: false }),
    misplacedReceipt({
      key: 'uploads/KS/a.xlsx',
      receivedAt,
      issue: { code: 'misplaced_key', message: 'x', file: 'a' },
    }),
  ];
}

describe('receipt times', () => {
  it('writes receivedAt in Swedish time with +02:00 in summer and +01:00 in winter, in every kind of receipt', () => {
    for (const receipt of everyReceipt(new Date('2024-05-02T08:00:00Z')))
      expect(receipt.receivedAt, receipt.kind).toBe('2024-05-02T10:00:00+02:00');
    for (const receipt of everyReceipt(new Date('2024-01-15T08:00:00.250Z')))
      expect(receipt.receivedAt, receipt.kind).toBe('2024-01-15T09:00:00.250+01:00');
  });

  it('stores them under the current version and reads them back as the same instant', () => {
    const receivedAt = new Date('2024-10-27T01:30:00.120Z');
    for (const receipt of everyReceipt(receivedAt)) {
      const read = parseReceipt(receiptJson(receipt));
      expect(read.ok ? '' : read.reason, receipt.kind).toBe('');
      if (!read.ok) continue;
      expect(JSON.parse(receiptJson(receipt)).schemaVersion).toBe(RECEIPT_SCHEMA_VERSION);
      expect(Date.parse(read.receipt.receivedAt)).toBe(receivedAt.getTime());
    }
    expect(RECEIPT_SCHEMA_VERSION).toBe(2);
  });

  it('reads receipts of earlier versions with UTC times, and refuses a receivedAt that is not a time', () => {
    const receipt = everyReceipt(new Date('2024-05-02T08:00:00Z'))[0] as AnyReceipt;
    for (const schemaVersion of [0, 1]) {
      const old = { ...receipt, schemaVersion, receivedAt: '2024-05-02T08:00:00.000Z' };
      expect(parseReceipt(JSON.stringify(old)).ok, `v${schemaVersion}`).toBe(true);
    }
    const bad = parseReceipt(JSON.stringify({ ...receipt, receivedAt: '2 maj 2024' }));
    expect(bad.ok ? '' : bad.reason).toMatch(/^receivedAt:/);
  });
});
