/**
 * A small streaming XML tokenizer for the parts of a workbook (and the few attributes the
 * marked-up copy changes). It reports start tags, end tags and text by position in the
 * part's text, so the workbook reader decides what to slice out; nothing builds a tree.
 *
 * Why our own and not a general XML parser: the reader needs a handful of elements of
 * SpreadsheetML, in one pass, in time linear in the part's length whatever the input, and
 * with every length bounded. So:
 * - a tag longer than {@link MAX_TAG_CHARS} (e.g. a 1,000,000-character attribute) stops
 *   the scan at once with `tag_too_long`: no spreadsheet program writes such a tag;
 * - a document type declaration stops it with `doctype` (nothing in a package needs one,
 *   and it is how entity-expansion bombs start); no entity beyond XML's five predefined
 *   ones and character references is ever expanded;
 * - comments, CDATA sections and processing instructions are skipped (CDATA is text), and
 *   a `>` inside a quoted attribute value does not end a tag.
 *
 * Namespaces: element and attribute names are reported by local name (prefix dropped), so
 * `x:c` (Open XML SDK style) reads as `c` and Strict Open XML reads as Transitional.
 */

/**
 * Longest tag (from `<` to `>`, attributes included) read: 65,536 characters. The longest
 * tags spreadsheet programs write are `sqref` lists of conditional formats, a few
 * kilobytes; anything longer is refused before the scan spends time on it.
 */
export const MAX_TAG_CHARS = 65_536;

/**
 * The text of an XML part's bytes, decoded as the XML specification has a processor
 * detect it: UTF-16 by its byte order mark, or without one by a first `<` that is half of
 * a 16-bit unit (which LibreOffice's parser also accepts); otherwise UTF-8, a BOM dropped.
 * A check that reads a part as UTF-8 alone would miss what a UTF-16 part declares.
 */
export function decodeXmlBytes(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  if (data[0] === 0x3c && data[1] === 0x00) return new TextDecoder('utf-16le').decode(data);
  if (data[0] === 0x00 && data[1] === 0x3c) return new TextDecoder('utf-16be').decode(data);
  return new TextDecoder('utf-8').decode(data);
}

export type XmlProblem = 'tag_too_long' | 'doctype' | 'unterminated';

export interface XmlHandler {
  /**
   * A start tag (or empty-element tag) whose attributes are `xml.slice(attrStart, attrEnd)`;
   * the whole tag is `xml.slice(tagStart, tagEnd)`.
   */
  open(name: string, attrStart: number, attrEnd: number, selfClosing: boolean, tagStart: number, tagEnd: number): void;
  close(name: string, tagStart: number, tagEnd: number): void;
  /** Text between tags (raw: entities not decoded), or a CDATA section's content (`cdata`). */
  text?(start: number, end: number, cdata: boolean): void;
}

/** Scans `xml`, calling the handler; the first problem stops the scan and is returned. */
export function tokenize(xml: string, handler: XmlHandler): XmlProblem | undefined {
  const length = xml.length;
  const wantsText = handler.text !== undefined;
  let pos = 0;
  while (pos < length) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) {
      if (wantsText && pos < length) handler.text!(pos, length, false);
      return undefined;
    }
    if (wantsText && lt > pos) handler.text!(pos, lt, false);
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const close = xml.indexOf('-->', lt + 4);
        if (close < 0) return 'unterminated';
        pos = close + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        const close = xml.indexOf(']]>', lt + 9);
        if (close < 0) return 'unterminated';
        if (wantsText) handler.text!(lt + 9, close, true);
        pos = close + 3;
        continue;
      }
      return 'doctype';
    }
    if (next === 0x3f /* ? */) {
      const close = xml.indexOf('?>', lt + 2);
      if (close < 0) return 'unterminated';
      if (close - lt > MAX_TAG_CHARS) return 'tag_too_long';
      pos = close + 2;
      continue;
    }
    const end = tagEnd(xml, lt + 1);
    if (end < 0) return end === -2 ? 'tag_too_long' : 'unterminated';
    pos = end + 1;
    if (next === 0x2f /* / */) {
      let nameEnd = lt + 2;
      while (nameEnd < end && !isSpace(xml.charCodeAt(nameEnd))) nameEnd++;
      handler.close(localName(xml, lt + 2, nameEnd), lt, end + 1);
      continue;
    }
    const selfClosing = xml.charCodeAt(end - 1) === 0x2f;
    const contentEnd = selfClosing ? end - 1 : end;
    let nameEnd = lt + 1;
    while (nameEnd < contentEnd && !isSpace(xml.charCodeAt(nameEnd))) nameEnd++;
    handler.open(localName(xml, lt + 1, nameEnd), nameEnd, contentEnd, selfClosing, lt, end + 1);
  }
  return undefined;
}

function localName(xml: string, start: number, end: number): string {
  for (let i = start; i < end; i++) if (xml.charCodeAt(i) === 0x3a /* : */) return xml.slice(i + 1, end);
  return xml.slice(start, end);
}

/**
 * Index of the `>` ending the tag whose name starts at `from`, skipping quoted values;
 * -1 when the text ends first, -2 when the tag is longer than {@link MAX_TAG_CHARS}.
 */
function tagEnd(xml: string, from: number): number {
  const limit = Math.min(xml.length, from + MAX_TAG_CHARS);
  for (let x = from; x < limit; x++) {
    const v = xml.charCodeAt(x);
    if (v === 0x22 || v === 0x27) {
      const q = xml.indexOf(v === 0x22 ? '"' : "'", x + 1);
      if (q < 0) return limit < xml.length ? -2 : -1;
      x = q;
    } else if (v === 0x3e) {
      return x;
    }
  }
  return limit < xml.length ? -2 : -1;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * Where one attribute is in the text: its local name is `xml.slice(nameStart, nameEnd)`,
 * its raw value (entities not decoded) `xml.slice(valueStart, valueEnd)`. Filled in by
 * {@link nextAttribute}, so a reader of many tags can look at names and values by
 * position, without a string or a map per tag.
 */
export interface AttributeSpan {
  nameStart: number;
  nameEnd: number;
  valueStart: number;
  valueEnd: number;
}

/** A span to reuse with {@link nextAttribute}. */
export function attributeSpan(): AttributeSpan {
  return { nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0 };
}

/**
 * Reads the attribute at or after `p` (up to `end`) into `at`; returns where the next one
 * may start, or -1 when there is none. Malformed attribute text ends the walk quietly
 * (what was read so far counts).
 */
export function nextAttribute(xml: string, p: number, end: number, at: AttributeSpan): number {
  while (p < end && isSpace(xml.charCodeAt(p))) p++;
  const nameStart = p;
  let local = p;
  while (p < end) {
    const c = xml.charCodeAt(p);
    if (c === 0x3d /* = */ || isSpace(c)) break;
    // The local name follows the first colon, as for element names.
    if (c === 0x3a && local === nameStart) local = p + 1;
    p++;
  }
  if (p === nameStart) return -1;
  const nameEnd = p;
  while (p < end && isSpace(xml.charCodeAt(p))) p++;
  if (xml.charCodeAt(p) !== 0x3d) return -1;
  p++;
  while (p < end && isSpace(xml.charCodeAt(p))) p++;
  const quote = xml.charCodeAt(p);
  if (quote !== 0x22 && quote !== 0x27) return -1;
  const close = xml.indexOf(quote === 0x22 ? '"' : "'", p + 1);
  if (close < 0 || close > end) return -1;
  at.nameStart = local;
  at.nameEnd = nameEnd;
  at.valueStart = p + 1;
  at.valueEnd = close;
  return close + 1;
}

/**
 * Calls `visit` with each attribute's local name and its decoded value, in order.
 * Malformed attribute text ends the walk quietly (what was read so far counts).
 */
export function forEachAttribute(
  xml: string,
  start: number,
  end: number,
  visit: (name: string, value: string) => void,
): void {
  const at = attributeSpan();
  for (let p = nextAttribute(xml, start, end, at); p >= 0; p = nextAttribute(xml, p, end, at))
    visit(xml.slice(at.nameStart, at.nameEnd), decodeXmlText(xml.slice(at.valueStart, at.valueEnd)));
}

/**
 * One attribute's decoded value by local name (the first of that name), or undefined: for
 * a reader that wants one attribute of many tags, without a map per tag.
 */
export function attributeValue(xml: string, start: number, end: number, name: string): string | undefined {
  const at = attributeSpan();
  for (let p = nextAttribute(xml, start, end, at); p >= 0; p = nextAttribute(xml, p, end, at)) {
    if (at.nameEnd - at.nameStart === name.length && xml.startsWith(name, at.nameStart))
      return decodeXmlText(xml.slice(at.valueStart, at.valueEnd));
  }
  return undefined;
}

/** The attributes of one tag by local name (the first of a name wins). */
export function attributes(xml: string, start: number, end: number): Map<string, string> {
  const map = new Map<string, string>();
  forEachAttribute(xml, start, end, (name, value) => {
    if (!map.has(name)) map.set(name, value);
  });
  return map;
}

const ENTITY = /&(?:#[xX]([0-9a-fA-F]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Character references and the five predefined entities decoded; anything else kept as written. */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, hex?: string, dec?: string, named?: string) => {
    if (named !== undefined) return NAMED[named] ?? whole;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
  });
}

/**
 * Text content as an XML processor hands it over: line ends normalised (a raw CR LF or CR
 * is LF; `&#13;` stays a CR), then references decoded.
 */
export function xmlTextContent(raw: string): string {
  const text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  return decodeXmlText(text);
}

/** `_x000D_`-style escapes (ST_Xstring) in strings and sheet names, decoded (`_x005F_` is `_`). */
export function unescapeXlsxString(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Text made safe for an XML attribute value or element content. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}
