/**
 * The closure object (`closures/{committee}/{year}/T{n}`) closes a tertial. Its body is
 * empty or a small JSON object with the document's meeting date, case number and date.
 */
import type { InputIssue } from './domain.js';

export interface Closure {
  /** The committee meeting that handles the report, `yyyy-mm-dd`. */
  readonly meetingDate?: string;
  /** The case number, e.g. `KS 2024/12`. */
  readonly diarienummer?: string;
  /** The date the document is issued, `yyyy-mm-dd`. */
  readonly documentDate?: string;
}

export type ClosureResult =
  | { readonly ok: true; readonly closure: Closure; readonly warnings: readonly InputIssue[] }
  | { readonly ok: false; readonly errors: readonly InputIssue[] };

const DATE_FIELDS = ['meetingDate', 'documentDate'] as const;
const KNOWN_FIELDS: readonly string[] = ['meetingDate', 'diarienummer', 'documentDate'];
const MAX_DIARIENUMMER = 100;

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
  const closure: { meetingDate?: string; diarienummer?: string; documentDate?: string } = {};

  for (const field of DATE_FIELDS) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || !isIsoDate(value.trim())) {
      errors.push({
        code: 'invalid_closure',
        file,
        column: field,
        value: typeof value === 'string' ? value : JSON.stringify(value),
        message: `Fältet "${field}" ska vara ett datum som finns, skrivet åååå-mm-dd (till exempel 2024-02-06).`,
      });
      continue;
    }
    closure[field] = value.trim();
  }

  const dnr = record['diarienummer'];
  if (dnr !== undefined && dnr !== null) {
    if (typeof dnr !== 'string' || dnr.trim().length > MAX_DIARIENUMMER || /[\r\n]/.test(dnr)) {
      errors.push({
        code: 'invalid_closure',
        file,
        column: 'diarienummer',
        value: typeof dnr === 'string' ? dnr : JSON.stringify(dnr),
        message: `Fältet "diarienummer" ska vara en text på en rad (högst ${MAX_DIARIENUMMER} tecken), till exempel "KS 2024/12".`,
      });
    } else if (dnr.trim() !== '') {
      closure.diarienummer = dnr.trim();
    }
  }

  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.includes(key)) {
      warnings.push({
        code: 'unknown_closure_field',
        file,
        column: key,
        message: `Fältet "${key}" i stängningsobjektet är okänt och används inte. Kända fält: ${KNOWN_FIELDS.join(', ')}.`,
      });
    }
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, closure, warnings };
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
