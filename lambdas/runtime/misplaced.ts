/**
 * An input object outside the layout (an upload, a closure, a reopening or a template): nothing of
 * it is read or done. Its receipt goes under `receipts/_misplaced/`; where no receipt
 * key can be formed, an ERROR line is all that is left, and the error-log alarm brings
 * it to an operator.
 */
import type { Log } from '../core/log.js';
import { misplacedKeyCommittee, type MisplacedProblem, type InputFolder } from '../core/keys.js';
import { misplacedReceipt } from '../core/receipt.js';
import { misplacedIssue } from '../core/routing-issues.js';
import type { ObjectEvent } from './events.js';
import { issueReceipt, type ReceiptDeps } from './issue-receipt.js';

/** The object in a log message. */
const NOUNS: Record<InputFolder, string> = {
  uploads: 'upload',
  closures: 'closure',
  reopenings: 'reopening',
  templates: 'template',
};

export async function answerMisplaced(
  deps: ReceiptDeps & { readonly log: Log },
  event: ObjectEvent,
  route: { readonly problem: MisplacedProblem; readonly receiptKey?: string },
  folder: InputFolder,
): Promise<'misplaced'> {
  const fields = { bucket: event.bucket, key: event.key, eventName: event.eventName, problem: route.problem.code };
  const noun = NOUNS[folder];
  if (!route.receiptKey) {
    deps.log.error(`${noun} outside the layout, and no receipt key can be formed for it; nobody has been told`, fields);
    return 'misplaced';
  }
  deps.log.warn(`${noun} outside the layout; answered with a receipt`, { ...fields, receipt: route.receiptKey });
  const receipt = misplacedReceipt({
    key: event.key,
    receivedAt: new Date(event.eventTime),
    issue: misplacedIssue(event.key, route.problem, folder),
    folder,
  });
  await issueReceipt(deps, {
    receipt,
    key: route.receiptKey,
    about: { committee: misplacedKeyCommittee(event.key) ?? '_misplaced' },
  });
  return 'misplaced';
}
