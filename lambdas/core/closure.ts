/**
 * The closure object (`closures/{committee}/{year}/T{n}`) closes a tertial. Its body is
 * empty or a small JSON object with the document's meeting date, case number and date.
 */
import type { InputIssue, Period } from './domain.js';
import { closureKey } from './keys.js';
import { printableLineProblem, quotedValue } from './text-line.js';

export interface Closure {
  /** The committee meeting that handles the report, `yyyy-mm-dd`. */
  readonly meetingDate?: string;
  /** The case number, e.g. `KS 2024/12`. */
  readonly diarienummer?: string;
  /** The date the document is issued, `yyyy-mm-dd`. */
  readonly documentDate?: string;
  /**
   * The tertial is meant to close with no accepted upload (a document saying "0 mål, 0
   * aktiviteter"). Without it such a close is refused: it is nearly always a mistyped period.
   */
  readonly allowEmpty?: boolean;
}

export type ClosureResult =
  | { readonly ok: true; readonly closure: Closure; readonly warnings: readonly InputIssue[] }
  | { readonly ok: false; readonly errors: readonly InputIssue[] };

const DATE_FIELDS = ['meetingDate', 'documentDate'] as const;
const KNOWN_FIELDS: readonly string[] = ['meetingDate', 'diarienummer', 'documentDate', 'allowEmpty'];

/**
 * The longest case number (`diarienummer`). It is printed beside "Dnr" on the first page
 * and heads every later page beside "Sida X av Y", on one line: 60 characters is that
 * line's room in the default template's font; real case numbers ("KS 2024/12",
 * "KS-2024-000123") are under 20.
 */
export const MAX_DIARIENUMMER = 60;

/**
 * Parses the closure object's body. Empty means "close with no extra details". Unknown
 * fields are warnings (a typo must not stop a close); malformed values are errors.
 *
 * @param file how messages name the object, e.g. its S3 key
 */
export function parseClosure(bytes: Uint8Array, file = 'stängningsobjektet'): ClosureResult {
  let body: string;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(file, 'Stängningsobjektet är inte UTF-8-kodad text.');
  }
  body = body.replace(/^\uFEFF/, '').trim();
  if (body === '') return { ok: true, closure: {}, warnings: [] };

  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    return fail(
      file,
      `Stängningsobjektet ska vara tomt eller ett JSON-objekt som {"meetingDate": "2024-02-06", "diarienummer": "KS 2024/12", "documentDate": "2024-01-20"} (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(file, 'Stängningsobjektet ska vara tomt eller ett JSON-objekt, { … }.');
  }
  const record = raw as Record<string, unknown>;

  const errors: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  const closure: { meetingDate?: string; diarienummer?: string; documentDate?: string; allowEmpty?: boolean } = {};

  for (const field of DATE_FIELDS) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || !isIsoDate(value.trim())) {
      errors.push({
        code: 'invalid_closure',
        file,
        column: field,
        value: quotedValue(typeof value === 'string' ? value : JSON.stringify(value)),
        message: `Fältet "${field}" ska vara ett datum som finns, skrivet åååå-mm-dd (till exempel 2024-02-06).`,
      });
      continue;
    }
    closure[field] = value.trim();
  }

  const dnr = record['diarienummer'];
  if (dnr !== undefined && dnr !== null) {
    const problem =
      typeof dnr !== 'string'
        ? 'är inte en text'
        : (printableLineProblem(dnr) ??
          ([...dnr.trim()].length > MAX_DIARIENUMMER ? `är ${[...dnr.trim()].length} tecken långt` : undefined));
    if (problem !== undefined) {
      errors.push({
        code: 'invalid_closure',
        file,
        column: 'diarienummer',
        value: typeof dnr === 'string' ? quotedValue(dnr) : quotedValue(JSON.stringify(dnr)),
        message: `Fältet "diarienummer" ${problem}. Det ska vara en text på en rad med högst ${MAX_DIARIENUMMER} tecken, till exempel "KS 2024/12".`,
      });
    } else if ((dnr as string).trim() !== '') {
      closure.diarienummer = (dnr as string).trim();
    }
  }

  const allowEmpty = record['allowEmpty'];
  if (allowEmpty !== undefined && allowEmpty !== null) {
    if (typeof allowEmpty !== 'boolean') {
      errors.push({
        code: 'invalid_closure',
        file,
        column: 'allowEmpty',
        value: quotedValue(JSON.stringify(allowEmpty)),
        message: 'Fältet "allowEmpty" ska vara true eller false (true: tertialen får stängas utan någon godkänd fil).',
      });
    } else if (allowEmpty) {
      closure.allowEmpty = true;
    }
  }

  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.includes(key)) {
      warnings.push({
        code: 'unknown_closure_field',
        file,
        column: quotedValue(key),
        message: `Fältet "${quotedValue(key)}" i stängningsobjektet är okänt och används inte. Kända fält: ${KNOWN_FIELDS.join(', ')}.`,
      });
    }
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, closure, warnings };
}

/**
 * Why a close of a tertial with no accepted upload was refused, and how to close it
 * anyway when that is meant.
 */
export function emptyPeriodIssue(period: Period): InputIssue {
  return {
    code: 'empty_period',
    file: closureKey(period),
    message:
      `Tertial ${period.tertial} ${period.year} för ${period.committee} har ingen godkänd fil, så dokumentet skulle visa 0 mål och 0 aktiviteter. ` +
      'Kontrollera nämnd och period. Ska tertialen ändå stängas utan filer: skriv {"allowEmpty": true} i stängningsobjektet ' +
      `(eller kör tertial close ${period.committee} ${period.year}-T${period.tertial} --tom).`,
  };
}

function fail(file: string, message: string): ClosureResult {
  return { ok: false, errors: [{ code: 'invalid_closure', file, message }] };
}

/** `yyyy-mm-dd` naming a day that exists. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
