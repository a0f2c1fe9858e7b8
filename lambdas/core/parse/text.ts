/**
 * Small text helpers shared by the parsers: turning raw cell values into the text the
 * rest of the pipeline sees, and the loose comparison used for headers, sheet names,
 * statuses and assessments.
 */

/**
 * The text of one cell as staff meant it.
 * - `null`/`undefined` → `""`.
 * - strings: control characters, U+FFFE/U+FFFF and lone surrogates removed (they would make
 *   the .docx invalid XML; see {@link cleanText}); Unicode NFC; `\r\n` and `\r` become `\n`; each line loses its trailing
 *   spaces; leading/trailing empty lines are dropped; the whole is trimmed.
 * - numbers: integers as integers (`3` → `"3"`), other numbers without float noise
 *   (`0.30000000000000004` → `"0.3"`).
 * - booleans: as Swedish Excel shows them (`SANT` / `FALSKT`).
 * - dates: ISO `yyyy-mm-dd` (`Date` values, taken at UTC).
 */
export function cellToText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return normalizeMultiline(value);
  if (typeof value === 'number') return numberToText(value);
  if (typeof value === 'boolean') return value ? 'SANT' : 'FALSKT';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  return normalizeMultiline(String(value));
}

/**
 * Characters that cannot appear in an XML 1.0 document (and so not in a .docx): the C0
 * controls other than tab, line feed and carriage return, U+FFFE, U+FFFF, and UTF-16
 * surrogates that are not part of a pair (with the `u` flag, `\p{Cs}` matches only those).
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

/** `text` without the characters XML 1.0 forbids (see {@link XML_FORBIDDEN}). */
export function cleanText(text: string): string {
  XML_FORBIDDEN.lastIndex = 0;
  return XML_FORBIDDEN.test(text) ? text.replace(XML_FORBIDDEN, '') : text;
}

/**
 * Text that {@link normalizeMultiline} only trims: one line of tab, printable ASCII and
 * Latin-1 (no control character XML forbids, no line break, nothing NFC changes). Almost
 * every cell; the full treatment costs ten times as much.
 */
const PLAIN_ONE_LINE = /^[\t\x20-\x7E\xA0-\xFF]*$/;

export function normalizeMultiline(text: string): string {
  if (PLAIN_ONE_LINE.test(text)) return text.trim();
  const lines = cleanText(text)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/u, ''));
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start] === '') start++;
  while (end > start && lines[end - 1] === '') end--;
  return lines.slice(start, end).join('\n').trim();
}

function numberToText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n))
    return Number.isSafeInteger(n)
      ? String(n)
      : n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });
  return String(Number(n.toPrecision(15)));
}

/**
 * The one form texts are compared in, wherever two spellings may mean the same thing
 * (goals, goal references, activities, focus areas; and, through {@link looseKey},
 * headers): NFC, lower case, internal whitespace (incl. line breaks and non-breaking
 * spaces) collapsed to one space, trimmed. Swedish has no case rules of its own, so
 * `toLowerCase` is `toLocaleLowerCase('sv-SE')` for every character, only faster.
 */
export function matchKey(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/**
 * The loose form used to compare headers, sheet names and enumerated values:
 * {@link matchKey}, and a trailing `*` or `:` ignored (a header may mark a required
 * column or end like a label).
 */
export function looseKey(text: string): string {
  return matchKey(text)
    .replace(/[\s*:]+$/u, '')
    .trim();
}

/** Finds the canonical form of `raw` among `allowed`, compared with {@link looseKey}. */
export function matchCanonical<T extends string>(raw: string, allowed: readonly T[]): T | undefined {
  let known = canonicalKeys.get(allowed);
  if (!known) canonicalKeys.set(allowed, (known = { keys: allowed.map(looseKey), seen: new Map() }));
  let index = known.seen.get(raw);
  if (index === undefined) {
    index = known.keys.indexOf(looseKey(raw));
    if (known.seen.size < MAX_SEEN && raw.length <= MAX_SEEN_LENGTH) known.seen.set(raw, index);
  }
  return index < 0 ? undefined : allowed[index];
}

/**
 * For each list of allowed values (the lists are module constants), their loose keys and
 * the index found for texts already seen: a column of statuses holds a few spellings over
 * thousands of rows, and their loose key once per row was most of the status check.
 */
const canonicalKeys = new WeakMap<readonly string[], { keys: string[]; seen: Map<string, number> }>();
/** Texts remembered per list, and the longest: bounded whatever a file holds. */
const MAX_SEEN = 256;
const MAX_SEEN_LENGTH = 100;

/** Zero-based column index → Excel column letters (0 → `A`, 27 → `AB`). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Excel column letters → zero-based index (`A` → 0). Returns -1 for anything else. */
export function columnIndex(letters: string): number {
  if (!/^[A-Za-z]{1,3}$/.test(letters)) return -1;
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** `20000` → `"20 000"`: how numbers are written in Swedish messages. */
export function swedishNumber(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A value shortened for quoting inside a message. */
export function excerpt(text: string, max = 60): string {
  // Only the head is looked at, so quoting a 100 000-character cell costs no more than a short one.
  const head = text.length > 4 * max + 16 ? text.slice(0, 4 * max + 16) : text;
  const oneLine = head.replace(/\s+/gu, ' ').trim();
  if (oneLine.length <= max && head.length === text.length) return oneLine;
  return `${sliceWhole(oneLine, max - 1)}…`;
}

/** The first `n` UTF-16 units of `text`, one fewer if the last would split a surrogate pair. */
function sliceWhole(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** `["a","b","c"]` → `a, b eller c` (for Swedish messages). */
export function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} eller ${items[items.length - 1]}`;
}

/** `["a","b"]` → `"a", "b"`. */
export function quotedList(items: readonly string[]): string {
  return items.map((item) => `"${item}"`).join(', ');
}
