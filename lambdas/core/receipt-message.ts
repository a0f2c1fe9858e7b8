/**
 * A receipt as a message to the people who subscribe to a committee's receipts (e-mail
 * through SNS on AWS, a file in `.data/outbox/` locally): the receipt's own Swedish
 * text, its issues up to a screenful, and where the whole receipt and the marked-up
 * copy are. Plain text, because that is what an e-mail subscription delivers.
 */
import type { InputIssue, Period } from './domain.js';
import type { AnyReceipt } from './receipt.js';

/**
 * Issues listed in a message: about one screenful of an e-mail. A refused workbook can
 * have hundreds; the full list is on the receipt the message points to.
 */
export const MAX_MESSAGE_ISSUES = 20;

/** SNS refuses a subject of 100 characters or more (and any line break in one). */
const MAX_SUBJECT_LENGTH = 99;

/** Attributes every message carries, so a subscription filters on its committee (and period). */
export interface MessageAttributes {
  readonly committee: string;
  /** `2024-T1`; absent for what concerns a committee rather than a period (a template). */
  readonly period?: string;
}

export interface OutgoingMessage {
  readonly subject: string;
  readonly text: string;
  readonly attributes: MessageAttributes;
}

/** `{committee, period}` of a period, as both topics' subscriptions filter on them. */
export function periodAttributes(period: Period): MessageAttributes {
  return { committee: period.committee, period: `${period.year}-T${period.tertial}` };
}

export interface ReceiptLocation {
  /** The bucket the receipts are in (the output bucket). */
  readonly bucket: string;
  readonly receiptKey: string;
  /** The page people read, beside the JSON, when there is one. */
  readonly htmlKey?: string;
  /** A refused workbook's copy with each error marked. */
  readonly markedUpKey?: string;
}

function location(issue: InputIssue): string {
  const where = [
    issue.sheet ? `blad ${issue.sheet}` : '',
    issue.row !== undefined ? `rad ${issue.row}` : '',
    issue.column ? `kolumn ${issue.column}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ` : '';
}

function issueLines(heading: string, issues: readonly InputIssue[], readMore: string): string[] {
  if (issues.length === 0) return [];
  const shown = issues.slice(0, MAX_MESSAGE_ISSUES);
  const lines = ['', `${heading} (${issues.length}):`, ...shown.map((i) => `- ${location(i)}${oneLine(i.message)}`)];
  if (issues.length > shown.length) lines.push(`… och ${issues.length - shown.length} till. ${readMore}`);
  return lines;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function subjectOf(receipt: AnyReceipt): string {
  const outcome = receipt.status === 'rejected' ? 'inte mottagen' : receipt.status === 'failed' ? 'tekniskt fel' : '';
  switch (receipt.kind) {
    case 'upload':
      return `Kvitto: ${receipt.file}${outcome ? ` (${outcome})` : ''}`;
    case 'closure':
      return `Stängning ${receipt.period}${receipt.status === 'rejected' ? ' (inte stängd)' : ''}`;
    case 'reopening':
      return `Öppning ${receipt.period}`;
    case 'template':
      return `Mall ${receipt.committee}${receipt.status === 'rejected' ? ' (inte godkänd)' : receipt.warnings.length > 0 ? ' (godkänd med varningar)' : ''}`;
    case 'misplaced':
      return `Kvitto: ${receipt.key} (fel plats)`;
  }
}

function shortSubject(text: string): string {
  const line = oneLine(text).replace(/\p{Cc}/gu, '');
  return line.length <= MAX_SUBJECT_LENGTH ? line : `${line.slice(0, MAX_SUBJECT_LENGTH - 1)}…`;
}

/** The message for one receipt. */
export function receiptMessage(
  receipt: AnyReceipt,
  where: ReceiptLocation,
  attributes: MessageAttributes,
): OutgoingMessage {
  const full = `s3://${where.bucket}/${where.htmlKey ?? where.receiptKey}`;
  const readMore = `Alla finns i kvittot: ${full}`;
  const errors = 'errors' in receipt ? receipt.errors : [];
  const warnings = 'warnings' in receipt ? receipt.warnings : [];
  const lines = [
    oneLine(receipt.message),
    ...issueLines('Fel', errors, readMore),
    ...issueLines('Varningar', warnings, readMore),
    '',
  ];
  if (where.markedUpKey) lines.push(`Din fil med felen markerade: s3://${where.bucket}/${where.markedUpKey}`);
  if (where.htmlKey) lines.push(`Kvittot att läsa: s3://${where.bucket}/${where.htmlKey}`);
  lines.push(`Kvittot (JSON): s3://${where.bucket}/${where.receiptKey}`);
  return { subject: shortSubject(subjectOf(receipt)), text: `${lines.join('\n')}\n`, attributes };
}
