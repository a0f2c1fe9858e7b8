/** Just enough XML reading for the few attributes the workbook reader needs beyond read-excel-file. */

/**
 * Calls `visit` for every start tag (and empty-element tag) whose local name is in
 * `names`, finding tags the way read-excel-file's XML parser (saxen) does: comments,
 * CDATA sections and processing instructions are skipped, and a `>` inside a quoted
 * attribute value does not end a tag. Runs in time linear in `xml.length` whatever the
 * input (no regular expression over the whole text that could backtrack).
 *
 * @param visit gets the local name (prefix up to the first `:` dropped), the text after
 *   the name (the attributes) and whether the tag is self-closing (`<c …/>`).
 */
export function scanStartTags(
  xml: string,
  names: ReadonlySet<string>,
  visit: (name: string, attributes: string, selfClosing: boolean) => void,
): void {
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) return;
    const next = xml.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (xml.startsWith('<![CDATA[', lt) || xml.startsWith('<!--', lt)) {
        const close = xml.indexOf(xml.startsWith('<!--', lt) ? '-->' : ']]>', lt);
        if (close < 0) return;
        pos = close + 3;
        continue;
      }
    } else if (next === 0x3f /* ? */) {
      const close = xml.indexOf('?>', lt);
      if (close < 0) return;
      pos = close + 2;
      continue;
    }
    const end = tagEnd(xml, lt + 1);
    if (end < 0) return;
    pos = end + 1;
    if (next === 0x2f /* / */ || next === 0x21) continue;
    const selfClosing = xml.charCodeAt(end - 1) === 0x2f;
    let nameEnd = lt + 1;
    const contentEnd = selfClosing ? end - 1 : end;
    while (nameEnd < contentEnd && !isSpace(xml.charCodeAt(nameEnd))) nameEnd++;
    const qname = xml.slice(lt + 1, nameEnd);
    const colon = qname.indexOf(':');
    const name = colon < 0 ? qname : qname.slice(colon + 1);
    if (names.has(name)) visit(name, xml.slice(nameEnd, contentEnd), selfClosing);
  }
}

/** Index of the `>` ending the tag whose name starts at `from`, skipping quoted strings as saxen does; -1 if none. */
function tagEnd(xml: string, from: number): number {
  for (let x = from; x < xml.length; x++) {
    const v = xml.charCodeAt(x);
    if (v === 0x22 || v === 0x27) {
      const q = xml.indexOf(v === 0x22 ? '"' : "'", x + 1);
      if (q !== -1) x = q;
    } else if (v === 0x3e) {
      return x;
    }
  }
  return -1;
}

function isSpace(code: number): boolean {
  return code === 0x20 || (code > 8 && code < 14);
}

const ATTRIBUTE = /(?:^|\s)([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Attributes by local name (prefix dropped, first one wins), XML entities decoded. */
export function parseAttributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const match of text.matchAll(ATTRIBUTE)) {
    const qname = match[1] ?? '';
    const key = qname.slice(qname.indexOf(':') + 1);
    if (key !== '' && !attrs.has(key)) attrs.set(key, decodeXmlEntities(match[2] ?? match[3] ?? ''));
  }
  return attrs;
}

/** The attributes of every `<name …>` / `<prefix:name …>` element in `xml` (see {@link scanStartTags}). */
export function elements(xml: string, name: string): Map<string, string>[] {
  const found: Map<string, string>[] = [];
  scanStartTags(xml, new Set([name]), (_, attributes) => found.push(parseAttributes(attributes)));
  return found;
}

/**
 * Decodes character references and the five predefined entities as saxen does — including
 * its quirk of truncating a reference to 16 bits (`String.fromCharCode`), so that a cell
 * reference such as `&#65624;FD1` reads here as it reads there (`XFD1`).
 */
export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#[xX]([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (whole, hex?: string, dec?: string, named?: string) => {
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
    if (dec !== undefined) return String.fromCharCode(Number(dec));
    switch (named?.toLowerCase()) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return whole;
    }
  });
}

/** `_x0041_` escapes (ST_Xstring) in sheet names, as read-excel-file decodes them. */
export function unescapeXlsxString(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
