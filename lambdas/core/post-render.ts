/**
 * What a rendered package needs so that Word opens it, whatever the template: docxtemplater
 * copies a loop's XML as it is, so everything inside a loop that carries an id the
 * document must hold once is there once per item. Word calls such a file "unreadable
 * content" (a comment or a drawing id twice) or drops the duplicates (bookmarks).
 *
 * - **Comments** (a review note on a tag inside `{#goals}`): the comment exists once in
 *   comments.xml; its anchors (`commentRangeStart`, `commentRangeEnd`, `commentReference`)
 *   are kept where they first appear and their copies removed, so the note stays, once.
 * - **Bookmarks** (a table of contents or a cross-reference): every copy gets an id and a
 *   name of its own (`_Toc123` → `_Toc123_2`), its end matched to its start.
 * - **Drawings** (`wp:docPr`, an icon in an activity row): every copy gets an id of its own,
 *   unique across the document, its headers and footers.
 * - **Paragraph ids** (`w14:paraId`, `w14:textId`, which Word 2010 and later write): every copy gets a
 *   value of its own, below 0x80000000 as the schema requires.
 * - **A Word template** (.dotx): the main part gets the document content type, which Word
 *   requires of a .docx.
 * - **Column widths from the content**: in a table with fixed column widths, a column
 *   narrower than its longest word is widened to fit it, and the last column (the comment)
 *   gives up the room, so a title such as "Upphandlingssamordnare" is never cut mid-word
 *   (hyphenation, where it is on, then only breaks the running text of the comment).
 *
 * Pure string work on the parts; a part without any of these is left untouched.
 */
import type PizZip from 'pizzip';
import { MAIN_CONTENT_TYPES } from './template-package.js';

/** The parts of the rendered package that this module reads and may rewrite. */
export interface RenderedParts {
  readonly names: readonly string[];
  read(name: string): string | undefined;
  write(name: string, text: string): void;
}

export function finishRenderedPackage(parts: RenderedParts): void {
  const main = parts.read('word/document.xml') !== undefined ? 'word/document.xml' : mainPartName(parts);
  if (main !== undefined) {
    const xml = parts.read(main) as string;
    let fixed = dropCopiedCommentAnchors(xml);
    fixed = uniqueBookmarks(fixed);
    fixed = fitColumnsToWords(fixed, tableFontHalfPoints(parts.read('word/styles.xml') ?? ''));
    if (fixed !== xml) parts.write(main, fixed);
  }
  uniqueDrawingIds(parts);
  uniqueParagraphIds(parts);
  documentContentType(parts);
}

/** The rendered PizZip's parts, each read once. */
export function pizZipParts(zip: PizZip): RenderedParts {
  const cache = new Map<string, string | undefined>();
  return {
    names: Object.keys(zip.files).filter((name) => !zip.files[name]?.dir),
    read(name) {
      if (!cache.has(name)) cache.set(name, zip.file(name)?.asText());
      return cache.get(name);
    },
    write(name, text) {
      cache.set(name, text);
      zip.file(name, text);
    },
  };
}

// ---------------------------------------------------------------------------------------

const COMMENT_ANCHOR = /<w:(commentRangeStart|commentRangeEnd|commentReference)\b[^>]*?\bw:id="([^"]*)"[^>]*?\/>/g;

function dropCopiedCommentAnchors(xml: string): string {
  if (!xml.includes('<w:comment')) return xml;
  const seen = new Set<string>();
  return xml.replace(COMMENT_ANCHOR, (all, kind: string, id: string) => {
    const key = `${kind}:${id}`;
    if (seen.has(key)) return '';
    seen.add(key);
    return all;
  });
}

const BOOKMARK = /<w:bookmark(Start|End)\b([^>]*?)\/>/g;

function uniqueBookmarks(xml: string): string {
  if (!xml.includes('<w:bookmarkStart')) return xml;
  const usedIds = new Set<string>();
  const usedNames = new Set<string>();
  for (const m of xml.matchAll(BOOKMARK)) {
    const id = attr(m[2] ?? '', 'w:id');
    if (id !== undefined) usedIds.add(id);
    const name = attr(m[2] ?? '', 'w:name');
    if (name !== undefined) usedNames.add(name);
  }
  let nextId = Math.max(0, ...[...usedIds].map((id) => Number.parseInt(id, 10)).filter(Number.isFinite)) + 1;
  const startedIds = new Set<string>();
  const startedNames = new Set<string>();
  // Per original id, the ids of the copies still open, most recent last.
  const open = new Map<string, string[]>();
  return xml.replace(BOOKMARK, (all, kind: string, attrs: string) => {
    const id = attr(attrs, 'w:id');
    if (id === undefined) return all;
    if (kind === 'Start') {
      let newId = id;
      if (startedIds.has(id)) newId = String(nextId++);
      startedIds.add(id);
      let out = newId === id ? attrs : setAttr(attrs, 'w:id', newId);
      const name = attr(attrs, 'w:name');
      if (name !== undefined) {
        if (startedNames.has(name)) {
          let k = 2;
          let candidate = suffixed(name, k);
          while (usedNames.has(candidate)) candidate = suffixed(name, ++k);
          usedNames.add(candidate);
          out = setAttr(out, 'w:name', candidate);
        }
        startedNames.add(name);
      }
      const stack = open.get(id) ?? [];
      stack.push(newId);
      open.set(id, stack);
      return out === attrs ? all : `<w:bookmarkStart${out}/>`;
    }
    const stack = open.get(id);
    const newId = stack?.pop();
    if (newId === undefined || newId === id) return all;
    return `<w:bookmarkEnd${setAttr(attrs, 'w:id', newId)}/>`;
  });
}

/** Word's bookmark names are at most 40 characters. */
function suffixed(name: string, k: number): string {
  const suffix = `_${k}`;
  return `${name.slice(0, 40 - suffix.length)}${suffix}`;
}

const DOC_PR = /<wp:docPr\b([^>]*?)(\/?)>/g;

function storyParts(parts: RenderedParts): string[] {
  return parts.names.filter((n) => /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n));
}

function uniqueDrawingIds(parts: RenderedParts): void {
  const names = storyParts(parts).filter((n) => parts.read(n)?.includes('<wp:docPr'));
  if (names.length === 0) return;
  const used = new Set<number>();
  let max = 0;
  for (const name of names) {
    for (const m of (parts.read(name) as string).matchAll(DOC_PR)) {
      const id = Number.parseInt(attr(m[1] ?? '', 'id') ?? '', 10);
      if (Number.isFinite(id)) max = Math.max(max, id);
    }
  }
  for (const name of names) {
    const xml = parts.read(name) as string;
    const fixed = xml.replace(DOC_PR, (all, attrs: string, close: string) => {
      const id = Number.parseInt(attr(attrs, 'id') ?? '', 10);
      if (Number.isFinite(id) && id > 0 && !used.has(id)) {
        used.add(id);
        return all;
      }
      const fresh = ++max;
      used.add(fresh);
      return `<wp:docPr${setAttr(attrs, 'id', String(fresh))}${close}>`;
    });
    if (fixed !== xml) parts.write(name, fixed);
  }
}

const PARA_ID = /\bw14:(paraId|textId)="([0-9A-Fa-f]{1,8})"/g;

function uniqueParagraphIds(parts: RenderedParts): void {
  const names = parts.names.filter((n) => /^word\/.*\.xml$/.test(n) && parts.read(n)?.includes('w14:paraId'));
  if (names.length === 0) return;
  const used = new Set<string>();
  for (const name of names)
    for (const m of (parts.read(name) as string).matchAll(PARA_ID)) used.add(`${m[1]}:${(m[2] ?? '').toUpperCase()}`);
  const seen = new Set<string>();
  let counter = 1;
  const fresh = (kind: string): string => {
    for (;;) {
      // Deterministic, and below 0x80000000 (ST_LongHexNumber with the schema's bound).
      const value = ((0x1000_0000 + counter++ * 0x9e37) % 0x7fff_ffff).toString(16).toUpperCase().padStart(8, '0');
      const key = `${kind}:${value}`;
      if (!used.has(key)) {
        used.add(key);
        return value;
      }
    }
  };
  for (const name of names) {
    const xml = parts.read(name) as string;
    const fixed = xml.replace(PARA_ID, (all, kind: string, value: string) => {
      const key = `${kind}:${value.toUpperCase()}`;
      if (!seen.has(key) && Number.parseInt(value, 16) < 0x8000_0000) {
        seen.add(key);
        return all;
      }
      const replacement = fresh(kind);
      seen.add(`${kind}:${replacement}`);
      return `w14:${kind}="${replacement}"`;
    });
    if (fixed !== xml) parts.write(name, fixed);
  }
}

function documentContentType(parts: RenderedParts): void {
  const name = '[Content_Types].xml';
  const xml = parts.read(name);
  if (xml === undefined || !xml.includes(MAIN_CONTENT_TYPES.template)) return;
  parts.write(name, xml.split(MAIN_CONTENT_TYPES.template).join(MAIN_CONTENT_TYPES.document));
}

function mainPartName(parts: RenderedParts): string | undefined {
  const rels = parts.read('_rels/.rels') ?? '';
  const m = /<Relationship\b[^>]*Type="[^"]*\/officeDocument"[^>]*>/.exec(rels);
  const target = m ? attr(m[0], 'Target') : undefined;
  return target === undefined ? undefined : target.replace(/^\//, '');
}

// ---------------------------------------------------------------------------------------
// Column widths

/**
 * Width of a character as a share of the font size: a deliberately generous estimate for
 * the proportional fonts a template uses (Times New Roman, Arial, Calibri, Liberation),
 * so that a word measured to fit does fit. Capitals and m/w are wide, i/l/t narrow.
 */
function charEm(ch: string): number {
  if (/[mwMW]/.test(ch)) return 0.8;
  if (/[ijlt.,:;'!|]/.test(ch)) return 0.3;
  if (/[A-ZÅÄÖ]/.test(ch)) return 0.72;
  return 0.5;
}

/** A word's width in twips at the given size (half-points). */
function wordTwips(word: string, halfPoints: number): number {
  let em = 0;
  for (const ch of word) em += charEm(ch);
  return Math.ceil(em * halfPoints * 10);
}

/** Twips of cell margin left and right, when the template does not say. */
const CELL_MARGINS = 2 * 115;
/**
 * A column of running text (an activity's title, the comment), which hyphenates, keeps at
 * least this much, in twips: 3 cm, about 15 characters of table text.
 */
const MIN_TEXT_COLUMN = 1701;
/** The last column keeps this much (4 cm) before any other column's longest word is given room. */
const LAST_COLUMN_KEEP = 2268;
/** A column with at most this many words a cell on average holds short values, which must not break. */
const SHORT_VALUE_WORDS = 2.5;

/** The font size of table text: the TableText style's, else the document default, else 12 pt. */
function tableFontHalfPoints(styles: string): number {
  const style = /<w:style\b[^>]*w:styleId="TableText"[^>]*>([\s\S]*?)<\/w:style>/.exec(styles)?.[1];
  const size = (xml: string | undefined): number | undefined => {
    const m = xml ? /<w:sz w:val="(\d+)"/.exec(xml) : null;
    return m ? Number(m[1]) : undefined;
  };
  return size(style) ?? size(/<w:rPrDefault>([\s\S]*?)<\/w:rPrDefault>/.exec(styles)?.[1]) ?? 24;
}

function fitColumnsToWords(xml: string, defaultHalfPoints: number): string {
  if (!xml.includes('<w:tblLayout w:type="fixed"/>')) return xml;
  return xml.replace(/<w:tbl>(?:(?!<w:tbl>)[\s\S])*?<\/w:tbl>/g, (table) => fitTable(table, defaultHalfPoints));
}

function fitTable(table: string, halfPoints: number): string {
  if (!table.includes('<w:tblLayout w:type="fixed"/>') || /<w:gridSpan\b|<w:vMerge\b|<w:hMerge\b/.test(table))
    return table;
  const grid = /<w:tblGrid>([\s\S]*?)<\/w:tblGrid>/.exec(table);
  if (!grid) return table;
  const widths = [...(grid[1] ?? '').matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
  if (widths.length < 2) return table;
  const needed = widths.map(() => 0);
  const words = widths.map(() => 0);
  let rows = 0;
  for (const row of table.matchAll(/<w:tr\b[\s\S]*?<\/w:tr>/g)) {
    const cells = [...row[0].matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)];
    if (cells.length !== widths.length) return table;
    rows++;
    cells.forEach((cell, i) => {
      const text = [...(cell[1] ?? '').matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1] ?? '').join('');
      const size = Number(/<w:sz w:val="(\d+)"/.exec(cell[1] ?? '')?.[1] ?? halfPoints);
      for (const word of text.split(/[\s\u00a0]+/)) {
        if (!word) continue;
        words[i] = (words[i] ?? 0) + 1;
        needed[i] = Math.max(needed[i] ?? 0, wordTwips(word, size) + CELL_MARGINS);
      }
    });
  }
  const last = widths.length - 1;
  const total = widths.reduce((a, b) => a + b, 0);
  // Short values (a title, a status: about one or two words a cell) get the width of their
  // longest word; running text (an activity, the comment) hyphenates, so it gives up room
  // down to MIN_TEXT_COLUMN; the last column takes what is left.
  const isText = widths.map((_, i) => (words[i] ?? 0) / Math.max(1, rows) > SHORT_VALUE_WORDS);
  const fitted = widths.map((w, i) => (i === last ? 0 : Math.max(w, needed[i] ?? 0)));
  const textColumns = [...Array(last).keys()]
    .filter((k) => isText[k])
    .sort((a, b) => (fitted[b] ?? 0) - (fitted[a] ?? 0));
  // The last column keeps LAST_COLUMN_KEEP (or its template width, if less) while the other
  // text columns give up what they grew; only then does it go down to MIN_TEXT_COLUMN.
  let deficit = 0;
  for (const keep of [Math.min(widths[last] ?? 0, LAST_COLUMN_KEEP), MIN_TEXT_COLUMN]) {
    deficit = fitted.reduce((a, b) => a + b, 0) + keep - total;
    for (const i of textColumns) {
      if (deficit <= 0) break;
      const give = Math.min(deficit, Math.max(0, (fitted[i] ?? 0) - MIN_TEXT_COLUMN));
      fitted[i] = (fitted[i] ?? 0) - give;
      deficit -= give;
    }
    if (deficit <= 0) break;
  }
  if (deficit > 0) return table; // the short values alone do not fit: the template's widths stand
  fitted[last] = total - fitted.reduce((a, b) => a + b, 0);
  if (rows === 0 || fitted.every((w, i) => w === widths[i])) return table;
  let cellIndex = 0;
  const grid2 = `<w:tblGrid>${fitted.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>`;
  return table.replace(/<w:tblGrid>[\s\S]*?<\/w:tblGrid>/, grid2).replace(/<w:tr\b[\s\S]*?<\/w:tr>/g, (row) => {
    cellIndex = 0;
    return row.replace(
      /<w:tcW w:w="\d+" w:type="dxa"\/>/g,
      () => `<w:tcW w:w="${fitted[cellIndex++] ?? 0}" w:type="dxa"/>`,
    );
  });
}

// ---------------------------------------------------------------------------------------

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}="([^"]*)"`).exec(attrs);
  return m?.[1];
}

function setAttr(attrs: string, name: string, value: string): string {
  const pattern = new RegExp(`((?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=")[^"]*(")`);
  return attrs.replace(pattern, (_all, before: string, after: string) => `${before}${value}${after}`);
}
