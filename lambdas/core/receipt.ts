/**
 * Receipts: what staff get back for every upload and every close, as JSON in the
 * output bucket. Field names are English (machines read them); `message` and every
 * issue's `message` are Swedish (people read them), and `receivedAt` is Swedish time
 * with its offset (`stockholmIso`), as people read it.
 */
import { formatPeriod, type InputIssue, type Period } from './domain.js';
import type { InputFolder } from './keys.js';
import { RECEIPT_SCHEMA_VERSION } from './receipt-schema.js';
import { stockholmIso } from './time.js';

export type UploadReceiptStatus = 'accepted' | 'rejected' | 'removed' | 'failed';

export interface UploadReceipt {
  readonly kind: 'upload';
  readonly status: UploadReceiptStatus;
  readonly period: string;
  readonly file: string;
  readonly key: string;
  readonly receivedAt: string;
  readonly message: string;
  readonly counts?: { readonly goals: number; readonly activities: number; readonly caseSections: number };
  readonly errors: readonly InputIssue[];
  readonly warnings: readonly InputIssue[];
}

export type ClosureReceiptStatus = 'closed' | 'rejected';

export interface ClosureReceipt {
  readonly kind: 'closure';
  readonly status: ClosureReceiptStatus;
  readonly period: string;
  readonly receivedAt: string;
  readonly message: string;
  readonly document?: string;
  /** The PDF beside the document: its key, or why it could not be made (the Word file is still the document). */
  readonly pdf?: PdfOutcome;
  /** The closed tertial the document compares with, e.g. `2023-T2`. */
  readonly comparedWith?: string;
  readonly uploads?: readonly string[];
  readonly counts?: { readonly goals: number; readonly activities: number };
  readonly errors: readonly InputIssue[];
  readonly warnings: readonly InputIssue[];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function acceptedUploadReceipt(args: {
  period: Period;
  file: string;
  key: string;
  receivedAt: Date;
  counts: { goals: number; activities: number; caseSections: number };
  warnings: readonly InputIssue[];
}): UploadReceipt {
  const { counts } = args;
  const parts = [plural(counts.goals, 'mål', 'mål'), plural(counts.activities, 'aktivitet', 'aktiviteter')];
  if (counts.caseSections > 0) parts.push(plural(counts.caseSections, 'ärendetext', 'ärendetexter'));
  const warn = args.warnings.length > 0 ? ` ${plural(args.warnings.length, 'varning', 'varningar')}, se nedan.` : '';
  return {
    kind: 'upload',
    status: 'accepted',
    period: formatPeriod(args.period),
    file: args.file,
    key: args.key,
    receivedAt: stockholmIso(args.receivedAt),
    message: `Filen "${args.file}" är mottagen och gäller för tertial ${args.period.tertial} ${args.period.year}: ${parts.join(', ')}.${warn}`,
    counts: args.counts,
    errors: [],
    warnings: args.warnings,
  };
}

export function rejectedUploadReceipt(args: {
  period: Period;
  file: string;
  key: string;
  receivedAt: Date;
  errors: readonly InputIssue[];
  warnings: readonly InputIssue[];
  hasPreviousVersion: boolean;
}): UploadReceipt {
  const keep = args.hasPreviousVersion
    ? ' Den tidigare godkända versionen av filen gäller fortfarande.'
    : ' Inget från filen har sparats.';
  return {
    kind: 'upload',
    status: 'rejected',
    period: formatPeriod(args.period),
    file: args.file,
    key: args.key,
    receivedAt: stockholmIso(args.receivedAt),
    message: `Filen "${args.file}" togs inte emot: ${plural(args.errors.length, 'fel', 'fel')} måste rättas.${keep} Rätta felen och ladda upp filen igen.`,
    errors: args.errors,
    warnings: args.warnings,
  };
}

export function closedPeriodIssue(file: string, period: Period): InputIssue {
  return {
    code: 'period_closed',
    message: `Tertial ${period.tertial} ${period.year} är redan stängd, så filen kan inte längre ändra rapporten. Kontakta nämndsekreteraren om tertialen behöver öppnas igen.`,
    file,
  };
}

/**
 * The period's table item holds one entry per file; DynamoDB caps an item at 400 KB,
 * which is about a thousand files (fewer with long names). A period that full takes no
 * new file, and nothing of it changes.
 */
export function periodFullIssue(file: string, period: Period): InputIssue {
  return {
    code: 'period_full',
    message: `Tertial ${period.tertial} ${period.year} har redan så många filer att fler inte får plats (omkring tusen filer per tertial, färre med långa filnamn). Filen togs inte emot och inget i tertialen ändrades. Slå ihop filer till färre, eller ta bort filer som inte behövs, och ladda upp filen igen.`,
    file,
  };
}

export function removedUploadReceipt(args: {
  period: Period;
  file: string;
  key: string;
  receivedAt: Date;
}): UploadReceipt {
  return {
    kind: 'upload',
    status: 'removed',
    period: formatPeriod(args.period),
    file: args.file,
    key: args.key,
    receivedAt: stockholmIso(args.receivedAt),
    message: `Filen "${args.file}" är borttagen och dess mål och aktiviteter ingår inte längre i tertial ${args.period.tertial} ${args.period.year}.`,
    errors: [],
    warnings: [],
  };
}

/**
 * A technical fault stopped the upload (the database or storage did not answer). Nothing
 * from the file is visible; the event is retried automatically and, if every retry
 * fails, kept for the operators.
 */
export function failedUploadReceipt(args: {
  period: Period;
  file: string;
  key: string;
  receivedAt: Date;
  hasPreviousVersion: boolean;
}): UploadReceipt {
  const keep = args.hasPreviousVersion ? ' Den tidigare godkända versionen av filen gäller tills vidare.' : '';
  return {
    kind: 'upload',
    status: 'failed',
    period: formatPeriod(args.period),
    file: args.file,
    key: args.key,
    receivedAt: stockholmIso(args.receivedAt),
    message: `Filen "${args.file}" kunde inte tas emot på grund av ett tekniskt fel, inte ett fel i filen. Inget från filen har sparats. Systemet försöker igen automatiskt och driftansvariga larmas om det inte går.${keep}`,
    errors: [
      {
        code: 'technical_fault',
        message: 'Ett tekniskt fel i lagringen stoppade mottagningen. Du behöver inte ändra filen.',
        file: args.file,
      },
    ],
    warnings: [],
  };
}

export type PdfOutcome =
  { readonly status: 'written'; readonly key: string } | { readonly status: 'failed'; readonly message: string };

export function closedReceipt(args: {
  period: Period;
  receivedAt: Date;
  document: string;
  uploads: readonly string[];
  counts: { goals: number; activities: number };
  warnings: readonly InputIssue[];
  /** Absent when this deployment makes no PDF. */
  pdf?: PdfOutcome;
  comparedWith?: Period;
}): ClosureReceipt {
  const pdfText =
    args.pdf?.status === 'written'
      ? ` PDF: ${args.pdf.key}.`
      : args.pdf?.status === 'failed'
        ? ' PDF-versionen kunde inte skapas (Word-dokumentet gäller och är komplett); systemet försöker igen automatiskt.'
        : '';
  const compared = args.comparedWith
    ? ` Förändringar visas jämfört med tertial ${args.comparedWith.tertial} ${args.comparedWith.year}.`
    : '';
  return {
    kind: 'closure',
    status: 'closed',
    period: formatPeriod(args.period),
    receivedAt: stockholmIso(args.receivedAt),
    message: `Tertial ${args.period.tertial} ${args.period.year} är stängd. Dokumentet är klart: ${args.document} (${plural(args.counts.goals, 'mål', 'mål')}, ${plural(args.counts.activities, 'aktivitet', 'aktiviteter')} från ${plural(args.uploads.length, 'fil', 'filer')}).${pdfText}${compared}`,
    document: args.document,
    ...(args.pdf ? { pdf: args.pdf } : {}),
    ...(args.comparedWith ? { comparedWith: `${args.comparedWith.year}-T${args.comparedWith.tertial}` } : {}),
    uploads: args.uploads,
    counts: args.counts,
    errors: [],
    warnings: args.warnings,
  };
}

export function rejectedClosureReceipt(args: {
  period: Period;
  receivedAt: Date;
  errors: readonly InputIssue[];
  warnings: readonly InputIssue[];
}): ClosureReceipt {
  return {
    kind: 'closure',
    status: 'rejected',
    period: formatPeriod(args.period),
    receivedAt: stockholmIso(args.receivedAt),
    message: `Tertial ${args.period.tertial} ${args.period.year} kunde inte stängas: ${plural(args.errors.length, 'fel', 'fel')} måste rättas. Tertialen är fortfarande öppen; rätta felen och stäng igen.`,
    errors: args.errors,
    warnings: args.warnings,
  };
}

/**
 * The receipt of an object under `uploads/`, `closures/`, `reopenings/` or `templates/` outside the
 * layout (a wrong-case committee, `T4`, a sub-folder, …): nothing of it is read or done;
 * the receipt says what the layout expects. Kept under `receipts/_misplaced/`, where no committee's receipts are.
 */
export interface MisplacedReceipt {
  readonly kind: 'misplaced';
  readonly status: 'rejected';
  readonly key: string;
  readonly receivedAt: string;
  readonly message: string;
  readonly errors: readonly InputIssue[];
  readonly warnings: readonly InputIssue[];
}

/** A misplaced receipt's message, by what the key was meant to be. */
const MISPLACED_MESSAGES: Record<InputFolder, (key: string) => string> = {
  uploads: (key) =>
    `Filen "${key}" togs inte emot eftersom den ligger på fel plats. Flytta eller döp om den enligt beskrivningen nedan och ladda upp den igen.`,
  closures: (key) =>
    `Stängningen "${key}" togs inte emot eftersom den ligger på fel plats, så ingen tertial har stängts. Skriv den enligt beskrivningen nedan.`,
  reopenings: (key) =>
    `Öppningen "${key}" togs inte emot eftersom den ligger på fel plats, så ingen tertial har öppnats igen. Skriv den enligt beskrivningen nedan.`,
  templates: (key) =>
    `Mallen "${key}" togs inte emot eftersom den har fel namn. Döp om den enligt beskrivningen nedan och ladda upp den igen.`,
};

export function misplacedReceipt(args: {
  key: string;
  receivedAt: Date;
  issue: InputIssue;
  /** What the key was meant to be; an upload unless said. */
  folder?: InputFolder;
}): MisplacedReceipt {
  const message = MISPLACED_MESSAGES[args.folder ?? 'uploads'](args.key);
  return {
    kind: 'misplaced',
    status: 'rejected',
    key: args.key,
    receivedAt: stockholmIso(args.receivedAt),
    message,
    errors: [args.issue],
    warnings: [],
  };
}

export type AnyReceipt = UploadReceipt | ClosureReceipt | TemplateReceipt | ReopeningReceipt | MisplacedReceipt;

/** The stored form of a receipt, with the version of its format first (see `receipt-schema.ts`, which reads it back). */
export function receiptJson(receipt: AnyReceipt): string {
  return `${JSON.stringify({ schemaVersion: RECEIPT_SCHEMA_VERSION, ...receipt }, null, 2)}\n`;
}

export interface TemplateReceipt {
  readonly kind: 'template';
  /** `accepted` with warnings is "godkänd med varningar": in force, but it lost something the default has. */
  readonly status: 'accepted' | 'rejected';
  readonly committee: string;
  readonly key: string;
  readonly receivedAt: string;
  readonly message: string;
  readonly errors: readonly InputIssue[];
  /** Absent from receipts written before templates had warnings; read back as none. */
  readonly warnings: readonly InputIssue[];
}

export function templateReceipt(args: {
  committee: string;
  key: string;
  receivedAt: Date;
  errors: readonly InputIssue[];
  /** What an accepted template lost against the default (lambdas/core/template-warnings.ts). */
  warnings?: readonly InputIssue[];
  hasPrevious: boolean;
}): TemplateReceipt {
  const ok = args.errors.length === 0;
  const warnings = ok ? (args.warnings ?? []) : [];
  const previous = args.hasPrevious
    ? 'Den tidigare godkända mallen gäller fortfarande.'
    : 'Standardmallen gäller fortfarande.';
  return {
    kind: 'template',
    status: ok ? 'accepted' : 'rejected',
    committee: args.committee,
    key: args.key,
    receivedAt: stockholmIso(args.receivedAt),
    message: !ok
      ? `Mallen "${args.key}" togs inte emot: ${plural(args.errors.length, 'fel', 'fel')} måste rättas. ${previous}`
      : warnings.length > 0
        ? `Mallen "${args.key}" är godkänd med varningar och används när nästa tertial stängs. ${plural(warnings.length, 'varning', 'varningar')}, se nedan: mallen saknar något som standardmallen har för den som läser dokumentet med skärmläsare. Rätta mallen och ladda upp den igen före stängningen.`
        : `Mallen "${args.key}" är godkänd och används när nästa tertial stängs.`,
    errors: args.errors,
    warnings,
  };
}

export interface ReopeningReceipt {
  readonly kind: 'reopening';
  readonly status: 'reopened' | 'not_closed';
  readonly period: string;
  readonly receivedAt: string;
  readonly message: string;
  /** The document of the close that was undone; its next close writes a new version. */
  readonly previousDocument?: string;
}

export function reopeningReceipt(args: {
  period: Period;
  receivedAt: Date;
  reopened: boolean;
  previousDocument?: string;
}): ReopeningReceipt {
  const { period } = args;
  return {
    kind: 'reopening',
    status: args.reopened ? 'reopened' : 'not_closed',
    period: formatPeriod(period),
    receivedAt: stockholmIso(args.receivedAt),
    message: args.reopened
      ? `Tertial ${period.tertial} ${period.year} är öppen igen. Uppladdningar tas emot, och nästa stängning skriver en ny version av dokumentet under samma namn. Den tidigare versionen finns kvar bara där bucketen har versionshantering (som i AWS-driftsättningen); den lokala stacken har ingen och skriver över den.`
      : `Tertial ${period.tertial} ${period.year} var inte stängd, så det fanns inget att öppna igen.`,
    ...(args.previousDocument ? { previousDocument: args.previousDocument } : {}),
  };
}
