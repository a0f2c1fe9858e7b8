/**
 * The one place a receipt is issued: the page people read (when there is one), the
 * JSON (last of the objects, because tools and the views function wait for it), then
 * the message to the receipts topic. A retried event issues it again, byte for byte
 * the same objects; subscribers may then get the message twice, never not at all.
 */
import type { Period } from '../core/domain.js';
import { periodAttributes, receiptMessage, type MessageAttributes } from '../core/receipt-message.js';
import { receiptJson, type AnyReceipt } from '../core/receipt.js';
import { CONTENT_TYPES, type ObjectStore } from '../storage/objects.js';
import type { Notifier } from './notify.js';

export interface ReceiptDeps {
  readonly objects: ObjectStore;
  readonly documentsBucket: string;
  readonly notify: Notifier;
}

export interface IssuedReceipt {
  readonly receipt: AnyReceipt;
  readonly key: string;
  /** Whose receipt it is: a period, or a committee (a template). */
  readonly about: Period | MessageAttributes;
  readonly html?: { readonly key: string; readonly body: string };
  /** A refused workbook's marked-up copy, already written. */
  readonly markedUpKey?: string;
}

export async function issueReceipt(deps: ReceiptDeps, issued: IssuedReceipt): Promise<void> {
  const { objects, documentsBucket: bucket } = deps;
  if (issued.html) await objects.put(bucket, issued.html.key, issued.html.body, CONTENT_TYPES.html);
  await objects.put(bucket, issued.key, receiptJson(issued.receipt), CONTENT_TYPES.json);
  const attributes = 'tertial' in issued.about ? periodAttributes(issued.about) : issued.about;
  await deps.notify.publish(
    'receipts',
    receiptMessage(
      issued.receipt,
      {
        bucket,
        receiptKey: issued.key,
        ...(issued.html ? { htmlKey: issued.html.key } : {}),
        ...(issued.markedUpKey ? { markedUpKey: issued.markedUpKey } : {}),
      },
      attributes,
    ),
  );
}
