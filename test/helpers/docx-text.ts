/**
 * Reads the text of a .docx for assertions: one string per paragraph, in document order
 * (page headers first, then the body including table cells). Regex-based on purpose: the
 * documents under test are machine-written WordprocessingML without nested paragraphs.
 */
import PizZip from 'pizzip';

export interface DocxTextOptions {
  /** Include the page headers' paragraphs before the body (default true). */
  readonly headers?: boolean;
  /** Include the page footers' paragraphs after the body (default false). */
  readonly footers?: boolean;
}

/** One entry per `w:p`: its `w:t` runs joined (`w:tab` → tab, `w:br` → newline), entities decoded. */
export function docxParagraphs(bytes: Uint8Array, options: DocxTextOptions = {}): string[] {
  const zip = new PizZip(bytes);
  const read = (name: string): string => zip.file(name)?.asText() ?? '';
  const parts = (kind: 'header' | 'footer'): string[] =>
    Object.keys(zip.files)
      .filter((name) => new RegExp(`^word/${kind}\\d*\\.xml$`).test(name))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

  const xmls = [
    ...((options.headers ?? true) ? parts('header').map(read) : []),
    read('word/document.xml'),
    ...((options.footers ?? false) ? parts('footer').map(read) : []),
  ];
  return xmls.flatMap(xmlParagraphs);
}

/** All paragraphs joined with newlines. */
export function docxText(bytes: Uint8Array, options?: DocxTextOptions): string {
  return docxParagraphs(bytes, options).join('\n');
}

/** The paragraphs of one WordprocessingML part (document, header or footer XML). */
export function xmlParagraphs(xml: string): string[] {
  const out: string[] = [];
  const paragraph = /<w:p(?:\s[^>]*)?\/>|<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g;
  for (const m of xml.matchAll(paragraph)) {
    const inner = (m[1] ?? '').replace(/<w:pPr>[\s\S]*?<\/w:pPr>/g, '').replace(/<w:rPr>[\s\S]*?<\/w:rPr>/g, '');
    let text = '';
    for (const t of inner.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>|<w:br(?:\s[^>]*)?\/>/g)) {
      if (t[1] !== undefined) text += decodeXmlEntities(t[1]);
      else if (t[0].startsWith('<w:tab')) text += '\t';
      else text += '\n';
    }
    out.push(text);
  }
  return out;
}

export function decodeXmlEntities(s: string): string {
  return s.replace(/&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));/g, (_, dec, hex, name) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name as 'amp'];
  });
}

/** Collapses whitespace runs to one space and trims: for comparing with text extracted from a PDF. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
