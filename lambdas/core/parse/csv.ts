/**
 * Reads a CSV file (the `Aktiviteter` sheet saved as CSV) into a text grid.
 *
 * - Encoding: UTF-16 by its BOM (Excel's "Unicode-text"); UTF-8 (BOM optional); when the
 *   bytes are not valid UTF-8, Windows-1252, which is what Swedish Excel for Windows writes
 *   for "CSV (semikolonavgränsad)", or Mac Roman, which Excel for Mac writes for plain CSV
 *   (see {@link looksLikeMacRoman}). Node's own TextDecoder decodes all of them.
 * - Delimiter: `;`, `,` or Tab (cells copied from Excel into a text editor, and Excel's
 *   "Unicode-text"). An Excel `sep=;` first line wins; otherwise each is tried and the one
 *   that yields a header row with the required columns is used (failing that, the one that
 *   occurs most often outside quotes on the first lines).
 * - Row numbers: the 1-based line on which each record starts, so a quoted field with
 *   line breaks does not shift the numbers of the rows below it.
 */
import Papa from 'papaparse';
import type { Grid, GridRow } from './table.js';
import { cellToText } from './text.js';

export type CsvDelimiter = ';' | ',' | '\t';

export interface CsvQuoteProblem {
  /** Line on which the record with the problem starts. */
  readonly row: number;
  readonly kind: 'unclosed' | 'misplaced';
}

/** Parsing stopped at a limit: too many records, or a record with too many fields. */
export type CsvLimit =
  | { readonly kind: 'rows'; readonly row: number }
  | { readonly kind: 'columns'; readonly row: number; readonly columns: number };

export interface CsvParseResult {
  readonly grid: Grid;
  readonly delimiter: CsvDelimiter;
  readonly quoteProblems: readonly CsvQuoteProblem[];
  /** Set when parsing stopped early; the grid then holds only the records before it. */
  readonly limit?: CsvLimit;
}

/**
 * Decodes the bytes: UTF-16 when they start with a UTF-16 BOM (Excel's "Unicode text"),
 * else UTF-8 (BOM stripped) or, if not valid UTF-8, Windows-1252 or Mac Roman.
 */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // A BOM says UTF-8 even if a few bytes are broken; otherwise it is Windows-1252.
    text = hasBom
      ? new TextDecoder('utf-8').decode(bytes)
      : looksLikeMacRoman(bytes)
        ? new TextDecoder('macintosh').decode(bytes)
        : decodeWindows1252(bytes);
  }
  return text.replace(/^\uFEFF/, '');
}

/**
 * Windows-1252's characters at 0x80–0x9F (€, dashes, curly quotes, Š, Œ …) by byte. Node's
 * TextDecoder decodes the `windows-1252` label as Latin-1 (0x96 becomes U+0096, not `–`),
 * so those bytes are mapped here; the five bytes Windows-1252 leaves undefined stay as
 * Latin-1 reads them, as the WHATWG Encoding Standard has it.
 */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  const text = new TextDecoder('windows-1252').decode(bytes);
  return /[\u0080-\u009f]/.test(text)
    ? text.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] ?? c)
    : text;
}

/** How far into the file the encoding is judged: the header and the first rows. */
const ENCODING_SAMPLE_BYTES = 64 * 1024;

/**
 * Whether 8-bit text is Mac Roman rather than Windows-1252. In Mac Roman the Swedish letters
 * (å ä ö Å Ä Ö é) are bytes 0x80–0x9A, which Windows-1252 reads as `Œ Š š …` and which
 * Windows-1252 Swedish text hardly uses (€, dashes and curly quotes); in Windows-1252 they
 * are 0xC4–0xF6, which Mac Roman reads as rare symbols. A header that reads right only as
 * Mac Roman (`Mål`, `Åtgärd`) is the strong signal; otherwise the byte ranges decide.
 */
export function looksLikeMacRoman(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, ENCODING_SAMPLE_BYTES);
  const mac = new TextDecoder('macintosh').decode(sample).toLowerCase();
  const windows = new TextDecoder('windows-1252').decode(sample).toLowerCase();
  const headerWord = /(^|[;,\t"])\s*mål\s*([;,\t"]|$)/mu;
  if (headerWord.test(windows)) return false;
  if (headerWord.test(mac)) return true;
  let low = 0;
  let high = 0;
  for (const b of sample) {
    if (b >= 0x80 && b <= 0x9f) low++;
    else if (b >= 0xc0) high++;
  }
  return low > high;
}

/**
 * Parses already-decoded CSV text with the given delimiter. Stops (and reports `limit`) at
 * the record after `maxRecords` records, or at a record with more than `maxFields` fields,
 * so that a file of nothing but line breaks or delimiters cannot fill the memory.
 */
export function parseCsvText(
  text: string,
  delimiter: CsvDelimiter,
  sheet: string,
  maxRecords = Number.POSITIVE_INFINITY,
  maxFields = Number.POSITIVE_INFINITY,
): CsvParseResult {
  // One newline convention makes line counting trivial; line breaks inside quoted fields
  // become `\n` too, which is what cells use anyway.
  let body = text.replace(/\r\n?/g, '\n');
  let lineOffset = 0;
  const sep = /^sep=(.)\n/i.exec(body);
  if (sep) {
    body = body.slice(sep[0].length);
    lineOffset = 1;
  }

  const rows: GridRow[] = [];
  const quoteProblems: CsvQuoteProblem[] = [];
  let limit: CsvLimit | undefined;
  let recordStart = 0;
  let line = 1 + lineOffset;
  Papa.parse<string[]>(body, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    escapeChar: '"',
    skipEmptyLines: false,
    step: (result, parser) => {
      const rowNumber = line;
      if (limit) return;
      if (rows.length >= maxRecords) limit = { kind: 'rows', row: rowNumber };
      else if (result.data.length > maxFields) limit = { kind: 'columns', row: rowNumber, columns: result.data.length };
      if (limit) {
        parser.abort();
        return;
      }
      const end = result.meta.cursor;
      line += countNewlines(body, recordStart, end);
      recordStart = end;
      // One problem per record; an unclosed quote is the one worth telling.
      const quoteErrors = result.errors.filter((error) => error.type === 'Quotes');
      if (quoteErrors.length > 0) {
        const unclosed = quoteErrors.some((error) => error.code === 'MissingQuotes');
        quoteProblems.push({ row: rowNumber, kind: unclosed ? 'unclosed' : 'misplaced' });
      }
      rows.push({ rowNumber, cells: result.data.map(cellToText) });
    },
  });
  return { grid: { sheet, rows }, delimiter, quoteProblems, ...(limit ? { limit } : {}) };
}

/**
 * The first `records` records exactly as {@link parseCsvText} parses them from the whole
 * text, without normalising and parsing all of it: parses a growing prefix of the text
 * until a record after them has begun (so each of them is complete) or parsing stopped at
 * `maxFields`, as it stops on the whole text. For choosing the delimiter from the header
 * rows of a file of 50,000 lines.
 */
export function parseCsvHead(
  text: string,
  delimiter: CsvDelimiter,
  sheet: string,
  records: number,
  maxFields = Number.POSITIVE_INFINITY,
): CsvParseResult {
  for (let lines = 4 * records + 16; ; lines *= 4) {
    const end = indexAfterLines(text, lines);
    const result = parseCsvText(end < text.length ? text.slice(0, end) : text, delimiter, sheet, records, maxFields);
    if (end >= text.length || result.limit) return result;
  }
}

/** The index just after the `lines`-th `\n`, or the text's length. */
function indexAfterLines(text: string, lines: number): number {
  let pos = 0;
  for (let i = 0; i < lines; i++) {
    const lf = text.indexOf('\n', pos);
    if (lf < 0) return text.length;
    pos = lf + 1;
  }
  return pos;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The delimiter named by an Excel `sep=;` first line, if any. */
export function declaredDelimiter(text: string): CsvDelimiter | undefined {
  const m = /^sep=(.)\r?\n/i.exec(text);
  return m?.[1] === ';' || m?.[1] === ',' || m?.[1] === '\t' ? m[1] : undefined;
}

/** Which of `;`, `,` and Tab occurs most often outside quotes in the first lines (ties: `;`, then Tab). */
export function guessDelimiter(text: string, maxLines = 20): CsvDelimiter {
  let inQuotes = false;
  let semicolons = 0;
  let commas = 0;
  let tabs = 0;
  let lines = 0;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (ch === ';') semicolons++;
    else if (ch === ',') commas++;
    else if (ch === '\t') tabs++;
    else if (ch === '\n' && ++lines >= maxLines) break;
  }
  if (tabs > semicolons && tabs >= commas) return '\t';
  return commas > semicolons ? ',' : ';';
}
