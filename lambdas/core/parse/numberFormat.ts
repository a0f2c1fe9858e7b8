/**
 * A cell's text as the person saw it in the spreadsheet: its number format applied, in
 * Swedish (decimal comma, non-breaking space between thousands, `78 %`), dates as
 * `yyyy-mm-dd`.
 *
 * The formatting itself is numfmt's (npm `numfmt`, maintained, MIT, no dependencies): it
 * implements ECMA-376's number format codes in full (sections, conditions, colours,
 * literals, fractions, scientific, elapsed time) with locale data, so `#,##0.00` comes out
 * as Swedish Excel shows it. SheetJS's `ssf` does the same formatting but only in US
 * English, and its npm releases stopped in 2020; the Swedish separators would have had to
 * be patched into its output, which breaks on literal text in a format.
 *
 * What is ours:
 * - dates: a format that shows a day (`m/d/yyyy`, Numbers' `m/d`, `d mmm`) is written
 *   `yyyy-mm-dd` (with ` hh:mm` when it shows the hour), the way Swedish documents write
 *   dates, whatever the producing program's locale made of it; the serial number is
 *   converted here for both date systems (1900 with Lotus' phantom 29 February, and 1904);
 * - the built-in formats are taken as Excel's Swedish locale shows them (numFmtId 14 is the
 *   short date, `yyyy-mm-dd`);
 * - a format numfmt cannot read, or a result longer than {@link MAX_FORMATTED_CHARS}
 *   (`0` applied to 1e300), falls back to `General`, which never fails.
 */
import { format as applyFormat, getFormatDateInfo, getFormatFromId, isDateFormat } from 'numfmt';

/** Longest formatted number kept: Excel shows `###` rather than 255 digits in a cell. */
export const MAX_FORMATTED_CHARS = 255;

const LOCALE = { locale: 'sv', throws: false } as const;

/** The format code of a built-in numFmtId, as Excel's Swedish locale shows it. */
export function builtInFormat(id: number): string {
  if (id === 14) return 'yyyy-mm-dd';
  if (id === 22) return 'yyyy-mm-dd hh:mm';
  return getFormatFromId(id) ?? 'General';
}

interface FormatKind {
  /** A format showing a day: written `yyyy-mm-dd`. */
  readonly date: boolean;
  /** … and the hour: ` hh:mm` after the date. */
  readonly time: boolean;
  /** A format numfmt can apply. */
  readonly valid: boolean;
}

const kinds = new Map<string, FormatKind>();

function kindOf(code: string): FormatKind {
  let kind = kinds.get(code);
  if (kind) return kind;
  try {
    // One probe formats anything: an unreadable code gives a result numfmt marks as an error.
    applyFormat(code, 1, { locale: 'sv', throws: true });
    const info = isDateFormat(code) ? getFormatDateInfo(code) : undefined;
    kind = { date: info?.day === true, time: info?.day === true && info.hours === true, valid: true };
  } catch {
    kind = { date: false, time: false, valid: false };
  }
  // Formats come from the file: the cache is bounded by the styles part's own size.
  if (kinds.size < 10_000) kinds.set(code, kind);
  return kind;
}

/** Whether a number in this format is a date (or date and time). */
export function isDateCode(code: string): boolean {
  return kindOf(code).date;
}

/** A number formatted as Swedish Excel shows it in a cell of format `code`. */
export function formatNumber(value: number, code: string, date1904: boolean): string {
  if (!Number.isFinite(value)) return '';
  const kind = kindOf(code);
  if (kind.date) {
    const iso = serialToIso(value, date1904, kind.time);
    if (iso !== undefined) return iso;
  }
  if (kind.valid && !kind.date && code !== 'General') {
    const text = applyFormat(code, value, LOCALE);
    if (typeof text === 'string' && text.length <= MAX_FORMATTED_CHARS) return text;
  }
  return general(value);
}

function general(value: number): string {
  const text = applyFormat('General', value, LOCALE);
  return typeof text === 'string' ? text : String(value).replace('.', ',');
}

const DAY_MS = 86_400_000;
/** 1899-12-30: day 0 of the 1900 system for serials after Lotus' phantom 1900-02-29 (serial 60). */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);
/** Serials past 9999-12-31 are not dates in Excel (it shows `###`). */
const MAX_SERIAL = 2_958_465;

/** `yyyy-mm-dd` (and ` hh:mm`) of a serial date, or undefined when it is no date Excel shows. */
export function serialToIso(serial: number, date1904: boolean, withTime: boolean): string | undefined {
  if (!(serial >= 0 && serial <= MAX_SERIAL)) return undefined;
  let days = Math.floor(serial);
  // Rounded to the minute, as the cell shows it.
  let minutes = Math.round((serial - days) * 1440);
  if (minutes === 1440) {
    days += 1;
    minutes = 0;
  }
  let ms: number;
  if (date1904) ms = EPOCH_1904 + days * DAY_MS;
  else if (days === 60) return withTime ? `1900-02-29 ${clock(minutes)}` : '1900-02-29';
  else ms = (days < 60 ? EPOCH_1900 + DAY_MS : EPOCH_1900) + days * DAY_MS;
  const date = new Date(ms).toISOString().slice(0, 10);
  return withTime ? `${date} ${clock(minutes)}` : date;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
