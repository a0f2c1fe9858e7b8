/**
 * The stored format of receipts, read back by the views function (they trigger it),
 * by the close (whether an earlier attempt finished) and by the `tertial` command.
 * Receipts are what staff and their tools read for years, so a reader parses them
 * against this schema and never casts: a receipt that does not fit is reported as
 * such, not shown half.
 *
 * `schemaVersion` 0 is a receipt written before the field existed; the fields are the
 * same. Version 2 writes `receivedAt` in Swedish time with its offset
 * (`2024-05-02T10:00:00+02:00`) where 0 and 1 wrote UTC (`2024-05-02T08:00:00.000Z`):
 * both are ISO 8601 instants, read alike, and compared as instants, never as text. A
 * change to the format adds a version here, with a migration, and a fixture folder
 * under `test/fixtures/stored/`.
 */
import * as z from 'zod/mini';
import type { AnyReceipt } from './receipt.js';

export const RECEIPT_SCHEMA_VERSION = 2;

const schemaVersion = z.optional(z.union([z.literal(0), z.literal(1), z.literal(RECEIPT_SCHEMA_VERSION)]));

/** An ISO 8601 instant with `Z` (versions 0 and 1) or an offset (version 2). */
const instant = z.iso.datetime({ offset: true });

const issue = z.object({
  code: z.string(),
  message: z.string(),
  file: z.string(),
  sheet: z.optional(z.string()),
  row: z.optional(z.number()),
  column: z.optional(z.string()),
  value: z.optional(z.string()),
});

const uploadReceipt = z.object({
  schemaVersion,
  kind: z.literal('upload'),
  status: z.enum(['accepted', 'rejected', 'removed', 'failed']),
  period: z.string(),
  file: z.string(),
  key: z.string(),
  receivedAt: instant,
  message: z.string(),
  counts: z.optional(z.object({ goals: z.number(), activities: z.number(), caseSections: z.number() })),
  errors: z.array(issue),
  warnings: z.array(issue),
});

const closureReceipt = z.object({
  schemaVersion,
  kind: z.literal('closure'),
  status: z.enum(['closed', 'rejected']),
  period: z.string(),
  receivedAt: instant,
  message: z.string(),
  document: z.optional(z.string()),
  pdf: z.optional(
    z.union([
      z.object({ status: z.literal('written'), key: z.string() }),
      z.object({ status: z.literal('failed'), message: z.string() }),
    ]),
  ),
  comparedWith: z.optional(z.string()),
  uploads: z.optional(z.array(z.string())),
  counts: z.optional(z.object({ goals: z.number(), activities: z.number() })),
  errors: z.array(issue),
  warnings: z.array(issue),
});

const templateReceipt = z.object({
  schemaVersion,
  kind: z.literal('template'),
  status: z.enum(['accepted', 'rejected']),
  committee: z.string(),
  key: z.string(),
  receivedAt: instant,
  message: z.string(),
  errors: z.array(issue),
  // Added without a new version: a receipt written before template warnings has none.
  warnings: z._default(z.array(issue), () => []),
});

const reopeningReceipt = z.object({
  schemaVersion,
  kind: z.literal('reopening'),
  status: z.enum(['reopened', 'not_closed']),
  period: z.string(),
  receivedAt: instant,
  message: z.string(),
  previousDocument: z.optional(z.string()),
});

const misplacedReceipt = z.object({
  schemaVersion,
  kind: z.literal('misplaced'),
  status: z.literal('rejected'),
  key: z.string(),
  receivedAt: instant,
  message: z.string(),
  errors: z.array(issue),
  warnings: z.array(issue),
});

const receipt = z.discriminatedUnion('kind', [
  uploadReceipt,
  closureReceipt,
  templateReceipt,
  reopeningReceipt,
  misplacedReceipt,
]);

export type Receipt = AnyReceipt;

export type ReceiptRead =
  { readonly ok: true; readonly receipt: Receipt } | { readonly ok: false; readonly reason: string };

/** A receipt's JSON bytes → the receipt, or why it is not one. */
export function parseReceipt(bytes: Uint8Array | string): ReceiptRead {
  let raw: unknown;
  try {
    raw = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  const result = receipt.safeParse(raw);
  if (!result.success) {
    return {
      ok: false,
      reason: result.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
    };
  }
  return { ok: true, receipt: result.data as Receipt };
}

/** The receipt if it is one of `kind`; undefined for anything else (another kind, or not a receipt). */
export function receiptOfKind<K extends Receipt['kind']>(
  bytes: Uint8Array | string,
  kind: K,
): Extract<Receipt, { kind: K }> | undefined {
  const read = parseReceipt(bytes);
  return read.ok && read.receipt.kind === kind ? (read.receipt as Extract<Receipt, { kind: K }>) : undefined;
}
