/**
 * The S3 key layout: the one module that parses and formats every key the pipeline
 * reads or writes. Anything it does not recognise is refused.
 *
 * Input bucket:
 *   uploads/{committee}/{year}/T{n}/{name}             an upload of staff data: .xlsx and .csv
 *                                                       are read, any other name gets a receipt
 *                                                       that says how to save it as .xlsx
 *   closures/{committee}/{year}/T{n}                    closes the tertial
 *   reopenings/{committee}/{year}/T{n}                  opens a closed tertial again
 *   templates/{committee}.docx                          optional template override
 *   config/{committee}.json                             optional committee settings
 * Output bucket:
 *   documents/{committee}/{year}/T{n}/{committee}-maluppfoljning-{year}-T{n}.docx
 *   documents/{committee}/{year}/T{n}/{committee}-maluppfoljning-{year}-T{n}.pdf   the same as PDF
 *   receipts/{committee}/{year}/T{n}/{upload name}.json
 *   receipts/{committee}/{year}/T{n}/{upload name}.html   the same receipt as a page people read
 *   receipts/{committee}/{year}/T{n}/{name}-fel.xlsx      a refused workbook with its errors marked
 *   receipts/{committee}/{year}/T{n}/stangning.json     the receipt of a close
 *   receipts/{committee}/{year}/T{n}/stangning.html     the same receipt as a page people read
 *   receipts/{committee}/{year}/T{n}/oppning.json       the receipt of a reopening
 *   receipts/{committee}/{year}/T{n}/oppning.html       the same receipt as a page people read
 *   templates/{committee}/{sequencer}.docx               an accepted template, immutable
 *   receipts/templates/{committee}.docx.json             the receipt of a template upload
 *   receipts/_misplaced/{input key}.json                 an upload, closure, reopening or template outside the layout
 *   drafts/{committee}/{year}/T{n}/{committee}-maluppfoljning-{year}-T{n}-UTKAST.docx
 *                                                        the open period's draft, rewritten after every event
 *   status/{committee}/{year}/T{n}/index.html            the period's status page, rewritten after every event
 *   workbooks/{committee}/{year}/T{n}/{committee}-uppfoljning-{year}-T{n}.xlsx
 *                                                        the workbook for a tertial, written when the one before it closes
 *   history/{committee}/{year}/T{n}/files/{sequencer}/{upload name}
 *                                                        an accepted upload, an immutable copy of its bytes
 *   history/{committee}/{year}/T{n}/files/{sequencer}/{upload name}.removed
 *                                                        a removal that took effect (empty)
 *   history/{committee}/{year}/T{n}/closes/{version}.json
 *                                                        a close: what was in force, and the closure (immutable)
 *   history/{committee}/{year}/T{n}/reopenings/{version}.json
 *                                                        the close at that version undone
 */
import { COMMITTEE_PATTERN, type Period, type Tertial } from './domain.js';

/**
 * The top-level folders of the two buckets: the CDK stack scopes every IAM grant with
 * them, so a key formatted below that does not start with one of them is a key no
 * function may touch (test/cdk checks each formatter against this table).
 */
export const KEY_PREFIXES = {
  uploads: 'uploads/',
  closures: 'closures/',
  reopenings: 'reopenings/',
  templates: 'templates/',
  config: 'config/',
  documents: 'documents/',
  receipts: 'receipts/',
  templateReceipts: 'receipts/templates/',
  drafts: 'drafts/',
  status: 'status/',
  workbooks: 'workbooks/',
  history: 'history/',
} as const;

/**
 * The S3 notifications the pipeline relies on, per bucket. The CDK stack and the local
 * stack both derive their event routing from these tables, so they cannot drift apart.
 *
 * Every key under `uploads/` goes to ingest, whatever its name: S3's suffix filters are
 * case-sensitive and cannot say "anything else", and a file that triggers nothing gets
 * no receipt. Ingest decides with {@link routeUploadKey}; likewise every key under
 * `templates/` goes to the template check ({@link routeTemplateKey}), and every key under
 * `closures/` and `reopenings/` to assemble ({@link routePeriodActionKey}).
 */
export const NOTIFICATION_RULES = [
  { target: 'ingest', prefix: KEY_PREFIXES.uploads, suffix: '', events: ['created', 'removed'] },
  { target: 'assemble', prefix: KEY_PREFIXES.closures, suffix: '', events: ['created'] },
  { target: 'assemble', prefix: KEY_PREFIXES.reopenings, suffix: '', events: ['created'] },
  { target: 'templateCheck', prefix: KEY_PREFIXES.templates, suffix: '', events: ['created'] },
] as const;

/**
 * The output bucket's one notification: every receipt (the JSON, written last) makes
 * the views function regenerate its period's draft and status page. The views function
 * writes only under drafts/, status/ and workbooks/, so nothing can trigger on its own output.
 */
export const OUTPUT_NOTIFICATION_RULES = [
  { target: 'views', prefix: KEY_PREFIXES.receipts, suffix: '.json', events: ['created'] },
] as const;

export type InputTarget = (typeof NOTIFICATION_RULES)[number]['target'];
export type NotificationTarget = InputTarget | (typeof OUTPUT_NOTIFICATION_RULES)[number]['target'];

type Rule = {
  readonly target: NotificationTarget;
  readonly prefix: string;
  readonly suffix: string;
  readonly events: readonly string[];
};

function route(rules: readonly Rule[], key: string, kind: 'created' | 'removed'): NotificationTarget | undefined {
  return rules.find((r) => key.startsWith(r.prefix) && key.endsWith(r.suffix) && r.events.includes(kind))?.target;
}

/** Which function S3 would invoke for this key and event kind in the input bucket. */
export function routeInputEvent(key: string, kind: 'created' | 'removed'): NotificationTarget | undefined {
  return route(NOTIFICATION_RULES, key, kind);
}

/** Which function S3 would invoke for this key and event kind in the output bucket. */
export function routeOutputEvent(key: string, kind: 'created' | 'removed'): NotificationTarget | undefined {
  return route(OUTPUT_NOTIFICATION_RULES, key, kind);
}

/** What a receipt is about: `receipts/ks/2023/T3/…json` a period, `receipts/templates/ks.docx.json` a committee. */
export function parseReceiptKey(key: string): { readonly period: Period } | { readonly committee: string } | undefined {
  const template = /^receipts\/templates\/([^/]+)\.docx\.json$/.exec(key);
  if (template) return COMMITTEE_PATTERN.test(template[1] as string) ? { committee: template[1] as string } : undefined;
  const parts = key.split('/');
  if (parts.length !== 5 || parts[0] !== 'receipts' || !(parts[4] ?? '').endsWith('.json')) return undefined;
  const period = parsePeriodSegments(parts[1], parts[2], parts[3]);
  return period ? { period } : undefined;
}

export interface UploadKey {
  readonly period: Period;
  /** The file name as staff gave it (may contain spaces and Swedish letters). */
  readonly name: string;
}

const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

function parsePeriodSegments(
  committee: string | undefined,
  year: string | undefined,
  tertial: string | undefined,
): Period | undefined {
  if (!committee || !year || !tertial) return undefined;
  if (!COMMITTEE_PATTERN.test(committee)) return undefined;
  if (!/^\d{4}$/.test(year)) return undefined;
  const y = Number(year);
  if (y < YEAR_MIN || y > YEAR_MAX) return undefined;
  const t = /^T([123])$/.exec(tertial);
  if (!t) return undefined;
  return { committee, year: y, tertial: Number(t[1]) as Tertial };
}

/** A period from its three parts as a page or a request names them; undefined when any is not valid. */
export function parsePeriod(committee: string, year: string | number, tertial: string | number): Period | undefined {
  return parsePeriodSegments(committee, String(year), `T${tertial}`);
}

/** The folders of the documents bucket that belong to one committee: `{folder}/{committee}/…`. */
export const COMMITTEE_OUTPUT_FOLDERS = ['documents', 'receipts', 'drafts', 'status', 'workbooks'] as const;

/**
 * The committee a documents-bucket key belongs to, for deciding who may read it:
 * `status/ks/2024/T1/index.html` → `ks`, `receipts/templates/ks.docx.json` → `ks`.
 * Undefined for any other key (accepted templates, unknown folders, bad segments).
 */
export function committeeOfOutputKey(key: string): string | undefined {
  const parts = key.split('/');
  const folder = parts[0] as (typeof COMMITTEE_OUTPUT_FOLDERS)[number];
  if (!COMMITTEE_OUTPUT_FOLDERS.includes(folder) || parts.some((p) => p === '' || p === '.' || p === '..'))
    return undefined;
  if (folder === 'receipts' && parts.length === 3 && parts[1] === 'templates') {
    const parsed = parseReceiptKey(key);
    return parsed && 'committee' in parsed ? parsed.committee : undefined;
  }
  if (parts.length < 5) return undefined;
  return parsePeriodSegments(parts[1], parts[2], parts[3])?.committee;
}

function periodPath(p: Period): string {
  return `${p.committee}/${p.year}/T${p.tertial}`;
}

/** The last segment of a key: `receipts/ks/2023/T3/a-fel.xlsx` → `a-fel.xlsx`. */
export function keyFileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/**
 * `uploads/ks/2023/T3/Aktiviteter KS.xlsx` → its period and name; undefined for a key
 * outside the layout. The name may be of any format ({@link uploadFormat} says which).
 */
export function parseUploadKey(key: string): UploadKey | undefined {
  const parts = key.split('/');
  if (parts.length !== 5 || parts[0] !== 'uploads') return undefined;
  const period = parsePeriodSegments(parts[1], parts[2], parts[3]);
  const name = parts[4] ?? '';
  if (!period || !isUploadName(name)) return undefined;
  return { period, name };
}

/**
 * Longest upload file name, in characters: its receipt keys (`{name}.json`, `.html`)
 * and the marked-up copy stay far inside S3's 1,024-byte key limit, and a document's
 * list of files stays readable.
 */
export const MAX_UPLOAD_NAME_LENGTH = 200;

/**
 * Names that cannot be uploads because their receipt key is another receipt's: the
 * close's (`stangning.json`) and the reopening's (`oppning.json`).
 */
const RESERVED_UPLOAD_NAMES = new Set(['stangning', 'oppning']);

/** Why a name cannot be an upload's, or undefined when it can. */
export type UploadNameProblem = 'empty' | 'too_long' | 'leading_dot' | 'control_character' | 'reserved';

export function uploadNameProblem(name: string): UploadNameProblem | undefined {
  if (name.length === 0) return 'empty';
  if (name.length > MAX_UPLOAD_NAME_LENGTH) return 'too_long';
  // A leading dot hides the file in Finder and `ls`, and is how editors name lock and backup files.
  if (name.startsWith('.')) return 'leading_dot';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control_character';
  if (RESERVED_UPLOAD_NAMES.has(name)) return 'reserved';
  return undefined;
}

/** A name the upload layout accepts, of any format (the pipeline then reads it or refuses it with a receipt). */
export function isUploadName(name: string): boolean {
  return !name.includes('/') && uploadNameProblem(name) === undefined;
}

/** The formats the pipeline reads. */
export type ReadableFormat = 'xlsx' | 'csv';

/** A format the pipeline refuses, with how staff would recognise it (Swedish, for the receipt). */
export interface RefusedFormat {
  /** The name's extension, lower-case and without the dot; empty when the name has none. */
  readonly extension: string;
  /** e.g. "en Excel 97–2003-arbetsbok"; undefined for a format the table does not know. */
  readonly description?: string;
  /** The program that saves it, when that is not Excel or LibreOffice (Numbers). */
  readonly program?: 'numbers';
}

export type UploadFormat = { readonly read: ReadableFormat } | { readonly refuse: RefusedFormat };

/**
 * What an upload is, by its extension in any letter case: the one table the ingest
 * handler, the local stack and `tertial upload` go by. Formats a person is likely to
 * upload by mistake are named on the receipt; anything else is refused as unknown.
 */
export const UPLOAD_FORMATS: Readonly<
  Record<string, { readonly read: ReadableFormat } | { readonly description: string; readonly program?: 'numbers' }>
> = {
  xlsx: { read: 'xlsx' },
  csv: { read: 'csv' },
  xls: { description: 'en Excel 97–2003-arbetsbok' },
  xlsm: { description: 'en Excel-arbetsbok med makron' },
  xlsb: { description: 'en binär Excel-arbetsbok' },
  ods: { description: 'ett OpenDocument-kalkylblad (LibreOffice)' },
  numbers: { description: 'ett Numbers-kalkylblad', program: 'numbers' },
  txt: { description: 'en textfil' },
  tsv: { description: 'en tabbavgränsad textfil' },
  pdf: { description: 'ett PDF-dokument' },
  docx: { description: 'ett Word-dokument' },
  doc: { description: 'ett Word 97–2003-dokument' },
};

/** `EKONOMI.XLSX` → read as xlsx; `plan.xls` → refused as an Excel 97–2003 workbook. */
export function uploadFormat(name: string): UploadFormat {
  const extension = /\.([^./\\]+)$/.exec(name.trim())?.[1]?.toLowerCase() ?? '';
  const known = Object.hasOwn(UPLOAD_FORMATS, extension) ? UPLOAD_FORMATS[extension] : undefined;
  if (known && 'read' in known) return { read: known.read };
  return {
    refuse: {
      extension,
      ...(known ? { description: known.description, ...(known.program ? { program: known.program } : {}) } : {}),
    },
  };
}

/** A name the pipeline reads (rather than refuses): the examples, the demo. */
export function isReadableUploadName(name: string): boolean {
  return isUploadName(name) && 'read' in uploadFormat(name);
}

/**
 * Objects under `uploads/` that are nobody's upload and get no receipt: the folder
 * placeholder the S3 console's "Create folder" writes (a key ending in `/`), older
 * tools' `_$folder$` markers, and the operating system's files that come along when a
 * whole folder is dragged into the console (Finder's `.DS_Store` and `._` resource
 * forks, Windows' `Thumbs.db` and `desktop.ini`, Office's `~$` owner files).
 */
export function isUploadArtefact(key: string): boolean {
  if (key.endsWith('/') || key.endsWith('_$folder$')) return true;
  const name = keyFileName(key);
  return (
    name === '.DS_Store' ||
    name.startsWith('._') ||
    name === 'Thumbs.db' ||
    name === 'desktop.ini' ||
    name.startsWith('~$')
  );
}

/** Why a key under `uploads/`, `closures/`, `reopenings/` or `templates/` is outside the layout, for the receipt to explain. */
export type MisplacedProblem =
  /** `segments`: how many follow the folder; `expected`: how many the layout has there. */
  | { readonly code: 'depth'; readonly segments: number; readonly expected: number }
  | { readonly code: 'committee'; readonly committee: string; readonly suggestion?: string }
  | { readonly code: 'year'; readonly year: string }
  | { readonly code: 'tertial'; readonly tertial: string; readonly suggestion?: string }
  | { readonly code: 'name'; readonly name: string; readonly problem: UploadNameProblem }
  /** A key under `templates/` that is not `templates/{committee}.docx`; `suggestion` the one it probably meant. */
  | { readonly code: 'template'; readonly name: string; readonly suggestion?: string };

/** Where each upload event goes: read, refused by format, ignored, or answered as misplaced. */
export type UploadRoute =
  | { readonly action: 'read'; readonly upload: UploadKey; readonly format: ReadableFormat }
  | { readonly action: 'refuse'; readonly upload: UploadKey; readonly format: RefusedFormat }
  | { readonly action: 'ignore' }
  | { readonly action: 'misplaced'; readonly problem: MisplacedProblem; readonly receiptKey?: string };

export function routeUploadKey(key: string): UploadRoute {
  if (!key.startsWith('uploads/') || isUploadArtefact(key)) return { action: 'ignore' };
  const upload = parseUploadKey(key);
  if (upload) {
    const format = uploadFormat(upload.name);
    return 'read' in format
      ? { action: 'read', upload, format: format.read }
      : { action: 'refuse', upload, format: format.refuse };
  }
  const receiptKey = misplacedReceiptKey(key);
  return { action: 'misplaced', problem: misplacedProblem(key), ...(receiptKey ? { receiptKey } : {}) };
}

/** The input folders whose keys are answered when they are outside the layout. */
export type InputFolder = 'uploads' | 'closures' | 'reopenings' | 'templates';

/** Where each closure or reopening event goes: the period it acts on, ignored, or answered as misplaced. */
export type PeriodActionRoute =
  | { readonly action: 'act'; readonly period: Period }
  | { readonly action: 'ignore' }
  | { readonly action: 'misplaced'; readonly problem: MisplacedProblem; readonly receiptKey?: string };

/**
 * A key under `closures/` or `reopenings/`: its period, or why it names none. A folder
 * placeholder or a file the operating system adds is ignored, as under `uploads/`.
 */
export function routePeriodActionKey(key: string, folder: 'closures' | 'reopenings'): PeriodActionRoute {
  if (!key.startsWith(`${folder}/`) || isUploadArtefact(key)) return { action: 'ignore' };
  const period = folder === 'closures' ? parseClosureKey(key) : parseReopeningKey(key);
  if (period) return { action: 'act', period };
  const parts = key.split('/');
  const problem: MisplacedProblem =
    parts.length !== 4
      ? { code: 'depth', segments: parts.length - 1, expected: 3 }
      : (periodProblem(parts[1] ?? '', parts[2] ?? '', parts[3] ?? '') ?? { code: 'depth', segments: 3, expected: 3 });
  const receiptKey = misplacedReceiptKey(key);
  return { action: 'misplaced', problem, ...(receiptKey ? { receiptKey } : {}) };
}

/** Where each event under `templates/` goes: the committee whose template it is, ignored, or answered as misplaced. */
export type TemplateRoute =
  | { readonly action: 'check'; readonly committee: string }
  | { readonly action: 'ignore' }
  | { readonly action: 'misplaced'; readonly problem: MisplacedProblem; readonly receiptKey?: string };

/**
 * A key under `templates/`: `templates/ks.docx` is the committee's template; any other
 * name (`templates/ks.DOCX`, `templates/KS.docx`, `templates/ks.dotx`, a sub-folder) is
 * answered with a receipt saying what it should be called. A folder placeholder or a file
 * the operating system adds is ignored, as under `uploads/`.
 */
export function routeTemplateKey(key: string): TemplateRoute {
  if (!key.startsWith(KEY_PREFIXES.templates) || isUploadArtefact(key)) return { action: 'ignore' };
  const committee = parseTemplateKey(key);
  if (committee) return { action: 'check', committee };
  const name = key.slice(KEY_PREFIXES.templates.length);
  const lower = key.toLowerCase();
  const suggestion = parseTemplateKey(lower) ? lower : undefined;
  const receiptKey = misplacedReceiptKey(key);
  return {
    action: 'misplaced',
    problem: { code: 'template', name, ...(suggestion ? { suggestion } : {}) },
    ...(receiptKey ? { receiptKey } : {}),
  };
}

/**
 * Whose a key outside the layout probably is: its committee segment in lower case, when
 * that is a committee (`uploads/KS/2024/T4/a.xlsx` → `ks`, `closures/ks/2024/t1` → `ks`);
 * for a template, its name before the first dot (`templates/KS.DOCX` → `ks`).
 */
export function misplacedKeyCommittee(key: string): string | undefined {
  const segment = key.split('/')[1] ?? '';
  const guess = (key.startsWith(KEY_PREFIXES.templates) ? segment.split('.')[0]! : segment).toLowerCase();
  return COMMITTEE_PATTERN.test(guess) ? guess : undefined;
}

/** The first thing wrong with a key under `uploads/` that {@link parseUploadKey} refuses. */
function misplacedProblem(key: string): MisplacedProblem {
  const parts = key.split('/');
  if (parts.length !== 5) return { code: 'depth', segments: parts.length - 1, expected: 4 };
  const [, committee = '', year = '', tertial = '', name = ''] = parts;
  return periodProblem(committee, year, tertial) ?? { code: 'name', name, problem: uploadNameProblem(name) ?? 'empty' };
}

/** What is wrong with a key's committee, year and tertial segments, if anything. */
function periodProblem(committee: string, year: string, tertial: string): MisplacedProblem | undefined {
  if (!COMMITTEE_PATTERN.test(committee)) {
    const lower = committee.toLowerCase();
    return {
      code: 'committee',
      committee,
      ...(lower !== committee && COMMITTEE_PATTERN.test(lower) ? { suggestion: lower } : {}),
    };
  }
  if (!/^\d{4}$/.test(year) || Number(year) < YEAR_MIN || Number(year) > YEAR_MAX) return { code: 'year', year };
  if (!/^T[123]$/.test(tertial)) {
    // `t1`, or `T1.json`, `T1.txt` (a closure written as a file with an extension).
    const suggestion = /^(T[123])(?:\.[^.]*)?$/i.exec(tertial)?.[1]?.toUpperCase();
    return { code: 'tertial', tertial, ...(suggestion ? { suggestion } : {}) };
  }
  return undefined;
}

export const MISPLACED_RECEIPTS_PREFIX = `${KEY_PREFIXES.receipts}_misplaced/`;

/** S3's limit on a key, in UTF-8 bytes. */
const MAX_S3_KEY_BYTES = 1024;

/**
 * `uploads/KS/2023/T3/a.xlsx` → `receipts/_misplaced/uploads/KS/2023/T3/a.xlsx.json`.
 * Undefined when no such key can be written: too long for S3, or with empty, `.` or
 * `..` segments or control characters, which a file-backed store (the local stack)
 * would resolve as paths. The underscore keeps it apart from every committee's
 * receipts (a committee is lower-case letters, digits and `-`).
 */
export function misplacedReceiptKey(key: string): string | undefined {
  const receiptKey = `${MISPLACED_RECEIPTS_PREFIX}${key}.json`;
  if (new TextEncoder().encode(receiptKey).byteLength > MAX_S3_KEY_BYTES) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(key) || key.split('/').some((s) => s === '' || s === '.' || s === '..'))
    return undefined;
  return receiptKey;
}

export function isMisplacedReceiptKey(key: string): boolean {
  return key.startsWith(MISPLACED_RECEIPTS_PREFIX);
}

export function uploadKey(period: Period, name: string): string {
  if (!isUploadName(name)) throw new Error(`not an upload file name: ${name}`);
  return `${uploadsPrefix(period)}${name}`;
}

export function uploadsPrefix(period: Period): string {
  return `${KEY_PREFIXES.uploads}${periodPath(period)}/`;
}

/** `closures/ks/2023/T3` → its period. */
export function parseClosureKey(key: string): Period | undefined {
  const parts = key.split('/');
  if (parts.length !== 4 || parts[0] !== 'closures') return undefined;
  return parsePeriodSegments(parts[1], parts[2], parts[3]);
}

export function closureKey(period: Period): string {
  return `${KEY_PREFIXES.closures}${periodPath(period)}`;
}

/** `reopenings/ks/2023/T3` → its period. */
export function parseReopeningKey(key: string): Period | undefined {
  const parts = key.split('/');
  if (parts.length !== 4 || parts[0] !== 'reopenings') return undefined;
  return parsePeriodSegments(parts[1], parts[2], parts[3]);
}

export function reopeningKey(period: Period): string {
  return `${KEY_PREFIXES.reopenings}${periodPath(period)}`;
}

export function templateKey(committee: string): string {
  return `${KEY_PREFIXES.templates}${committee}.docx`;
}

/** `templates/ks.docx` → `ks`. */
export function parseTemplateKey(key: string): string | undefined {
  const m = /^templates\/([^/]+)\.docx$/.exec(key);
  return m && COMMITTEE_PATTERN.test(m[1] as string) ? m[1] : undefined;
}

/**
 * Where an accepted template is kept in the output bucket. Each accepted version has a
 * key of its own, so the table can point at exactly one and a slow check of an older
 * upload can never overwrite a newer one.
 */
export function acceptedTemplateKey(committee: string, sequencer: string): string {
  return `${KEY_PREFIXES.templates}${committee}/${sequencer}.docx`;
}

export function templateReceiptKey(committee: string): string {
  return `${KEY_PREFIXES.templateReceipts}${committee}.docx.json`;
}

/** The committee's optional settings; also how messages to staff name that file. */
export function configKey(committee: string): string {
  return `${KEY_PREFIXES.config}${committee}.json`;
}

export function documentFileName(period: Period): string {
  return `${period.committee}-maluppfoljning-${period.year}-T${period.tertial}.docx`;
}

/** The folder of a period's documents (the Word document and its PDF). */
export function documentsPrefix(period: Period): string {
  return `${KEY_PREFIXES.documents}${periodPath(period)}/`;
}

export function documentKey(period: Period): string {
  return `${documentsPrefix(period)}${documentFileName(period)}`;
}

/** The PDF beside the Word document: the same name with `.pdf` (for the agenda system). */
export function pdfFileName(period: Period): string {
  return documentFileName(period).replace(/\.docx$/, '.pdf');
}

export function pdfKey(period: Period): string {
  return `${documentsPrefix(period)}${pdfFileName(period)}`;
}

/** The folder of a period's receipts: its uploads', the close's and the reopening's, and the marked copies. */
export function receiptsPrefix(period: Period): string {
  return `${KEY_PREFIXES.receipts}${periodPath(period)}/`;
}

export function uploadReceiptKey(period: Period, uploadName: string): string {
  return `${receiptsPrefix(period)}${uploadName}.json`;
}

/**
 * `receipts/ks/2023/T3/a.xlsx.json` → `a.xlsx`, the upload the receipt is for; undefined
 * for any other key of the period, the close's and the reopening's receipts among them.
 */
export function uploadNameOfReceiptKey(period: Period, key: string): string | undefined {
  const prefix = receiptsPrefix(period);
  if (!key.startsWith(prefix) || !key.endsWith('.json')) return undefined;
  const name = key.slice(prefix.length, -'.json'.length);
  return isUploadName(name) ? name : undefined;
}

/** The draft document of an open period, regenerated after every upload, next to nothing else. */
export function draftKey(period: Period): string {
  return `${KEY_PREFIXES.drafts}${periodPath(period)}/${documentFileName(period).replace(/\.docx$/, '-UTKAST.docx')}`;
}

/**
 * The period's status page. Four levels deep like every per-period key, so its links to
 * the period's other objects are relative (`../../../../receipts/…`) and work wherever
 * the bucket is served from.
 */
export function statusPageKey(period: Period): string {
  return `${KEY_PREFIXES.status}${periodPath(period)}/index.html`;
}

/** `../` once for each folder a status page is in: from the page up to the bucket's root. */
const STATUS_PAGE_TO_ROOT = '../'.repeat(
  statusPageKey({ committee: 'ks', year: YEAR_MIN, tertial: 1 }).split('/').length - 1,
);

/**
 * A path from the bucket's root (a key, or a file the web server serves at its root) as a
 * link relative to any status page: `receipts/ks/2023/T3/a.xlsx.json` →
 * `../../../../receipts/ks/2023/T3/a.xlsx.json`.
 */
export function pathFromStatusPage(path: string): string {
  return `${STATUS_PAGE_TO_ROOT}${path}`;
}

/** The folder holding every status page of one committee (or of all committees), one per period. */
export function statusPagesPrefix(committee?: string): string {
  return committee === undefined ? KEY_PREFIXES.status : `${KEY_PREFIXES.status}${committee}/`;
}

/** `status/ks/2023/T3/index.html` → its period; undefined for any other key. */
export function parseStatusPageKey(key: string): Period | undefined {
  const parts = key.split('/');
  if (parts.length !== 5 || parts[0] !== 'status' || parts[4] !== 'index.html') return undefined;
  return parsePeriodSegments(parts[1], parts[2], parts[3]);
}

/** The upload receipt as a page people read: `receipts/…/{upload name}.html`, beside the JSON. */
export function uploadReceiptHtmlKey(period: Period, uploadName: string): string {
  if (!isUploadName(uploadName)) throw new Error(`not an upload file name: ${uploadName}`);
  return `${receiptsPrefix(period)}${uploadName}.html`;
}

/**
 * A copy of a refused workbook with its errors marked: `a.xlsx` → `receipts/…/a-fel.xlsx`.
 * Only workbooks get one. It cannot collide with a receipt (those end in `.json` or
 * `.html`), nor with another upload's copy (inserting `-fel` before the extension is
 * one-to-one: `a-fel.xlsx` becomes `a-fel-fel.xlsx`).
 */
export function annotatedUploadKey(period: Period, uploadName: string): string {
  const format = uploadFormat(uploadName);
  if (!isUploadName(uploadName) || !('read' in format) || format.read !== 'xlsx')
    throw new Error(`not a workbook upload name: ${uploadName}`);
  // The extension keeps its letter case (`A.XLSX` → `A-fel.XLSX`), so `a.xlsx` and `a.XLSX` get copies of their own.
  const extension = uploadName.slice(-'.xlsx'.length);
  return `${receiptsPrefix(period)}${uploadName.slice(0, -extension.length)}-fel${extension}`;
}

/** No upload may be named `stangning` (a reserved name), so this key is never an upload's receipt. */
export function closureReceiptKey(period: Period): string {
  return `${receiptsPrefix(period)}stangning.json`;
}

/** The closure receipt as a page people read, beside the JSON. */
export function closureReceiptHtmlKey(period: Period): string {
  return `${receiptsPrefix(period)}stangning.html`;
}

/** The tertial after `period`: T1 → T2 → T3 → next year's T1. */
export function nextPeriod(period: Period): Period {
  return period.tertial === 3
    ? { committee: period.committee, year: period.year + 1, tertial: 1 }
    : { committee: period.committee, year: period.year, tertial: (period.tertial + 1) as Tertial };
}

/** The workbook staff fill in for `period`, written when the tertial before it closes. */
export function workbookKey(period: Period): string {
  return `${KEY_PREFIXES.workbooks}${periodPath(period)}/${period.committee}-uppfoljning-${period.year}-T${period.tertial}.xlsx`;
}

/** The receipt of a reopening; like the closure's, it cannot collide with an upload's. */
export function reopeningReceiptKey(period: Period): string {
  return `${receiptsPrefix(period)}oppning.json`;
}

/** The reopening receipt as a page people read, beside the JSON. */
export function reopeningReceiptHtmlKey(period: Period): string {
  return `${receiptsPrefix(period)}oppning.html`;
}

/**
 * A key of the output bucket as a relative link from a page in a period's folder, four
 * levels deep like every per-period key (`status/ks/2023/T3/index.html`,
 * `receipts/ks/2023/T3/stangning.html`): `../../../../documents/…`, each segment
 * URL-encoded, so the link works wherever the bucket is served from.
 */
export function hrefFromPeriodPage(key: string): string {
  return pathFromStatusPage(key.split('/').map(encodeURIComponent).join('/'));
}

/**
 * Decodes an object key as it arrives in an S3 event record: URL-encoded, with `+`
 * for space. Returns undefined for a malformed encoding.
 */
export function decodeEventKey(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The inverse of {@link decodeEventKey}: how S3 writes a key into an event record. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/**
 * S3 sequencers are hex strings of varying length, ordered for one key after
 * left-padding the shorter with zeros. Normalised to a fixed width so that plain
 * string comparison (also inside a DynamoDB condition) orders them.
 */
export function normalizeSequencer(sequencer: string): string {
  const hex = sequencer.trim().toUpperCase();
  if (!/^[0-9A-F]{1,40}$/.test(hex)) throw new Error(`not an S3 sequencer: ${sequencer}`);
  return hex.padStart(40, '0');
}

/**
 * The period's history in the output bucket: what the table records, as immutable
 * objects, so that a lost table can be rebuilt from S3 alone (s3rver keeps no object
 * versions, and a refused upload replaces the accepted one's object). Nothing in it is
 * ever overwritten with other content: each key names the event (an upload key's S3
 * sequencer, or the period item's version at a close) that wrote it.
 */
export function historyPrefix(period: Period): string {
  return `${KEY_PREFIXES.history}${periodPath(period)}/`;
}

const REMOVED_SUFFIX = '.removed';
const VERSION_DIGITS = 10;

/** The immutable copy of an accepted upload. */
export function acceptedCopyKey(period: Period, uploadName: string, sequencer: string): string {
  if (!isUploadName(uploadName) || uploadName.includes('/')) throw new Error(`not an upload file name: ${uploadName}`);
  return `${historyPrefix(period)}files/${normalizeSequencer(sequencer)}/${uploadName}`;
}

/** The mark of a removal that took effect. An upload name never ends in `.removed`. */
export function removalMarkKey(period: Period, uploadName: string, sequencer: string): string {
  return `${acceptedCopyKey(period, uploadName, sequencer)}${REMOVED_SUFFIX}`;
}

/** The record of the close that locked the period at `version` of its period item. */
export function closeRecordKey(period: Period, version: number): string {
  return `${historyPrefix(period)}closes/${String(version).padStart(VERSION_DIGITS, '0')}.json`;
}

/** The mark that the close at `version` was undone by a reopening. */
export function reopenRecordKey(period: Period, version: number): string {
  return `${historyPrefix(period)}reopenings/${String(version).padStart(VERSION_DIGITS, '0')}.json`;
}

export type HistoryKey =
  | { readonly kind: 'accepted' | 'removed'; readonly name: string; readonly sequencer: string }
  | { readonly kind: 'closed' | 'reopened'; readonly version: number };

/** A key under {@link historyPrefix} → what it records; undefined for anything else. */
export function parseHistoryKey(period: Period, key: string): HistoryKey | undefined {
  const prefix = historyPrefix(period);
  if (!key.startsWith(prefix)) return undefined;
  const parts = key.slice(prefix.length).split('/');
  if (parts[0] === 'files' && parts.length === 3) {
    const sequencer = parts[1] as string;
    const file = parts[2] as string;
    if (!/^[0-9A-F]{40}$/.test(sequencer)) return undefined;
    if (file.endsWith(REMOVED_SUFFIX)) {
      const name = file.slice(0, -REMOVED_SUFFIX.length);
      return isUploadName(name) ? { kind: 'removed', name, sequencer } : undefined;
    }
    return isUploadName(file) ? { kind: 'accepted', name: file, sequencer } : undefined;
  }
  if ((parts[0] === 'closes' || parts[0] === 'reopenings') && parts.length === 2) {
    const m = new RegExp(`^(\\d{${VERSION_DIGITS}})\\.json$`).exec(parts[1] as string);
    if (!m) return undefined;
    return { kind: parts[0] === 'closes' ? 'closed' : 'reopened', version: Number(m[1]) };
  }
  return undefined;
}
