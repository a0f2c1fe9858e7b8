/**
 * A refused workbook, given back with its errors marked: a copy of the staff's own file
 * where each cell an error names is filled red and carries a comment (note) with the
 * Swedish message, and a new first sheet `Fel` lists every error, also those that name
 * no cell (a missing sheet or column).
 *
 * The copy is the original package with a few parts changed, not a workbook rewritten by
 * a library: the styles (one fill and the cell styles that use it), the sheets that have
 * marked cells (their `s` attributes, and a reference to their comments), the workbook
 * (the new sheet), its relationships and the content types; the comments, their VML
 * drawings and the `Fel` sheet are added. Every other part (images, charts, pivot caches)
 * is copied compressed as it came, never inflated. So it costs about what reading the
 * workbook cost, and it uses the read that refused it (`parseUpload` keeps it).
 *
 * Safety:
 * - Only a workbook the reader accepted as a package (zip limits, XML bounds, sheet
 *   extents) is marked up; `undefined` otherwise, and for anything unexpected: the copy
 *   fails soft and the receipt alone then says what is wrong.
 * - Nothing written here is a formula (OWASP formula injection): messages go into notes,
 *   and the `Fel` sheet holds inline strings and numbers, never `<f>`. Cells of the
 *   original keep their values; only their style changes.
 * - A sheet that already has comments gets its cells filled but no new notes (merging two
 *   sets of notes and their drawings is not worth the risk); the `Fel` sheet lists every
 *   error anyway.
 *
 * Locating a cell: the parser reports the row as Excel numbers it, and the column as the
 * header written in the file (or its letter when the sheet has no header row). The
 * header is looked up in the parser's own view of the sheet, top down over the rows up to
 * the error's row, compared as the parser compares headers.
 */
import { writeDocxZip, type CopiedPart, type DocxPart, type TextPiecesPart } from './docx-zip.js';
import type { InputIssue } from './domain.js';
import { ownCell, type Grid } from './parse/table.js';
import { cleanText, columnIndex, columnLetter, looseKey } from './parse/text.js';
import { attributes, attributeValue, escapeXml, tokenize } from './parse/xml.js';
import { partText, readWorkbook, relsPathOf, takeKeptRead, type SheetGrid, type WorkbookRead } from './parse/xlsx.js';
import type { ZipEntry } from './parse/zip.js';
import { wrappedRowHeight } from './row-height.js';

/** The name of the sheet that lists the errors (a suffix is added if the file has one). */
export const ERRORS_SHEET = 'Fel';

/** The fill of a marked cell: light red (Excel's own "Bad" cell style). */
export const MARK_FILL_ARGB = 'FFFFC7CE';

/**
 * At most this many cells are marked with a comment; the `Fel` sheet lists every error
 * anyway. A file with more than that has a systematic problem (a wrong column), and
 * thousands of comments make the copy slow to write and to open.
 */
export const MAX_MARKED_CELLS = 2_000;

export interface LocatedIssue {
  readonly issue: InputIssue;
  /** The sheet's name as written in the workbook. */
  readonly sheet: string;
  readonly row: number;
  /** Zero-based. */
  readonly column: number;
}

/**
 * Where each error is in the workbook the parser read, or undefined for an error that
 * names no cell (or a sheet, row or column that cannot be found).
 */
export function locateIssues(sheets: readonly Grid[], errors: readonly InputIssue[]): (LocatedIssue | undefined)[] {
  return errors.map((issue) => {
    if (issue.sheet === undefined || issue.row === undefined || issue.column === undefined) return undefined;
    const grid =
      sheets.find((s) => s.sheet === issue.sheet) ??
      sheets.find((s) => looseKey(s.sheet) === looseKey(issue.sheet ?? ''));
    if (!grid) return undefined;
    const column = findColumn(grid, issue.column, issue.row);
    return column === undefined ? undefined : { issue, sheet: grid.sheet, row: issue.row, column };
  });
}

function findColumn(grid: Grid, column: string, row: number): number | undefined {
  const key = looseKey(column);
  if (key !== '') {
    for (const gridRow of grid.rows) {
      if (gridRow.rowNumber > row) break;
      const index = gridRow.cells.findIndex((_, i) => looseKey(ownCell(gridRow, i)) === key);
      if (index >= 0) return index;
    }
  }
  const letter = /^[A-Z]{1,3}$/.test(column.trim()) ? columnIndex(column.trim()) : -1;
  return letter >= 0 ? letter : undefined;
}

interface Mark {
  readonly row: number;
  readonly column: number;
  readonly messages: string[];
}

/**
 * The refused workbook with its errors marked, or undefined when it cannot be read or
 * marked (the receipt alone then says what is wrong).
 */
export async function annotateWorkbook(
  original: Uint8Array,
  errors: readonly InputIssue[],
): Promise<Uint8Array | undefined> {
  try {
    const kept = takeKeptRead(original);
    if (kept) return markUp(kept, errors);
    const read = readWorkbook(original);
    if (!read.ok) return undefined;
    return markUp(read, errors);
  } catch {
    return undefined;
  }
}

function markUp(read: WorkbookRead, errors: readonly InputIssue[]): Uint8Array | undefined {
  const located = locateIssues(read.sheets, errors);
  // One mark per cell, with every message about it; a cell inside a merged range is
  // marked on the range's top-left cell, which is the one a spreadsheet shows.
  const marksBySheet = new Map<SheetGrid, Map<string, Mark>>();
  const markedAt: (string | undefined)[] = located.map(() => undefined);
  let count = 0;
  let capped = false;
  located.forEach((place, i) => {
    if (!place) return;
    const sheet = read.sheets.find((s) => s.sheet === place.sheet);
    if (!sheet || sheet.part === '') return;
    let row = place.row - 1;
    let column = place.column;
    const merge = sheet.merges.find((m) => row >= m.top && row <= m.bottom && column >= m.left && column <= m.right);
    if (merge) {
      row = merge.top;
      column = merge.left;
    }
    const marks = marksBySheet.get(sheet) ?? new Map<string, Mark>();
    marksBySheet.set(sheet, marks);
    const id = `${row}:${column}`;
    let mark = marks.get(id);
    if (!mark) {
      if (count >= MAX_MARKED_CELLS) {
        capped = true;
        return;
      }
      count++;
      mark = { row: row + 1, column, messages: [] };
      marks.set(id, mark);
    }
    mark.messages.push(place.issue.message);
    markedAt[i] = `${columnLetter(column)}${row + 1}`;
  });

  const pkg = new PackageEdit(read.package.entries);
  const contentTypes = pkg.text('[Content_Types].xml');
  if (contentTypes === undefined) return undefined;
  const workbookRels =
    read.package.workbookRelsPart === undefined ? undefined : pkg.text(read.package.workbookRelsPart);
  if (workbookRels === undefined) return undefined;
  const relationshipBase = relationshipTypeBase(workbookRels);
  const workbookXml = pkg.text(read.package.workbookPart);
  if (workbookXml === undefined) return undefined;
  const mainNamespace = rootNamespace(workbookXml);

  // Styles: one red fill; per style a marked cell had, the same style with that fill.
  const styles =
    read.package.stylesPart === undefined ? undefined : new StylesEdit(pkg.text(read.package.stylesPart) ?? '');
  const styleOf = new Map<number, number>();
  const felStyles = styles?.ok ? styles.addErrorSheetStyles() : undefined;

  const added: DocxPart[] = [];
  const overrides: string[] = [];
  let needsVml = false;
  let drawingNumber = 0;

  for (const sheet of read.sheets) {
    const marks = marksBySheet.get(sheet);
    if (!sheet.selected && !marks) continue;
    const xml = pkg.text(sheet.part);
    if (xml === undefined) continue;
    const edit = new SheetEdit(xml, new Set(marks ? [...marks.values()].map((m) => m.row) : []));
    if (sheet.selected) edit.unselect();
    if (marks && styles?.ok) {
      for (const mark of marks.values()) {
        const original = edit.styleAt(mark.row, mark.column);
        let marked = styleOf.get(original);
        if (marked === undefined) {
          marked = styles.addMarkedStyle(original);
          styleOf.set(original, marked);
        }
        edit.setStyle(mark.row, mark.column, marked);
      }
    }
    const sheetRelsPath = relsPathOf(sheet.part);
    const sheetRels = pkg.text(sheetRelsPath);
    const hasNotes = edit.hasLegacyDrawing || (sheetRels !== undefined && /\/comments["']/.test(sheetRels));
    if (marks && !hasNotes && marks.size > 0) {
      drawingNumber++;
      const base = pkg.freeName(`xl/tertial-notes${drawingNumber}`, '.xml');
      const commentsPath = base;
      const vmlPath = pkg.freeName(`xl/drawings/tertial-notes${drawingNumber}`, '.vml');
      added.push({ name: commentsPath, data: commentsXml(mainNamespace, [...marks.values()]) });
      added.push({ name: vmlPath, data: vmlXml([...marks.values()], drawingNumber) });
      overrides.push(
        `<Override PartName="/${escapeXml(commentsPath)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>`,
      );
      needsVml = true;
      const relsXml =
        sheetRels ??
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';
      const vmlId = freeRelId(relsXml, 'rIdTertialNotesVml');
      const commentsId = freeRelId(relsXml, 'rIdTertialNotes');
      const withRels = addRelationships(relsXml, [
        `<Relationship Id="${vmlId}" Type="${relationshipBase}/vmlDrawing" Target="/${escapeXml(vmlPath)}"/>`,
        `<Relationship Id="${commentsId}" Type="${relationshipBase}/comments" Target="/${escapeXml(commentsPath)}"/>`,
      ]);
      if (sheetRels === undefined) added.push({ name: sheetRelsPath, data: withRels });
      else pkg.set(sheetRelsPath, withRels);
      edit.addLegacyDrawing(vmlId, relationshipBase);
    }
    pkg.set(sheet.part, edit.result());
  }
  if (styles?.ok && read.package.stylesPart !== undefined) pkg.set(read.package.stylesPart, styles.result());

  // The Fel sheet, first.
  const felName = uniqueSheetName(
    read.sheets.map((s) => s.sheet),
    ERRORS_SHEET,
  );
  const felPath = pkg.freeName('xl/worksheets/tertial-fel', '.xml');
  added.push({ name: felPath, data: errorsSheetXml(mainNamespace, errors, markedAt, capped, felStyles) });
  overrides.push(
    `<Override PartName="/${escapeXml(felPath)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  );
  const felRelId = freeRelId(workbookRels, 'rIdTertialFel');
  pkg.set(
    read.package.workbookRelsPart!,
    addRelationships(workbookRels, [
      `<Relationship Id="${felRelId}" Type="${relationshipBase}/worksheet" Target="/${escapeXml(felPath)}"/>`,
    ]),
  );
  const workbookEdited = addFirstSheet(workbookXml, felName, felRelId, relationshipBase);
  if (workbookEdited === undefined) return undefined;
  pkg.set(read.package.workbookPart, workbookEdited);

  let types = contentTypes;
  if (needsVml && !/Extension=["']vml["']/i.test(types))
    overrides.unshift(
      '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>',
    );
  const close = types.lastIndexOf('</');
  if (close < 0) return undefined;
  types = types.slice(0, close) + overrides.join('') + types.slice(close);
  pkg.set('[Content_Types].xml', types);

  return pkg.write(added);
}

// ---------------------------------------------------------------------------------------
// The package

class PackageEdit {
  private readonly byKey = new Map<string, ZipEntry>();
  private readonly changed = new Map<string, string | readonly string[]>();
  private readonly reserved = new Set<string>();

  constructor(private readonly entries: readonly ZipEntry[]) {
    for (const entry of entries) this.byKey.set(key(entry.name), entry);
  }

  /** A part's text (as changed so far), or undefined when there is no such part. */
  text(name: string): string | undefined {
    const entry = this.byKey.get(key(name));
    if (!entry) return undefined;
    const changed = this.changed.get(entry.name);
    if (changed === undefined) return partText(entry);
    return typeof changed === 'string' ? changed : changed.join('');
  }

  /** The part's new text, whole or in pieces (written one after another, never joined). */
  set(name: string, text: string | readonly string[]): void {
    const entry = this.byKey.get(key(name));
    if (entry) this.changed.set(entry.name, text);
  }

  /** `stem` + `suffix`, or with a number added, naming no part yet (and reserved from now on). */
  freeName(stem: string, suffix: string): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? `${stem}${suffix}` : `${stem}-${n}${suffix}`;
      if (!this.byKey.has(key(name)) && !this.reserved.has(key(name))) {
        this.reserved.add(key(name));
        return name;
      }
    }
  }

  write(added: readonly DocxPart[]): Uint8Array {
    const parts: (DocxPart | CopiedPart | TextPiecesPart)[] = this.entries.map((entry) => {
      const text = this.changed.get(entry.name);
      if (typeof text === 'string') return { name: entry.name, data: text };
      if (text !== undefined) return { name: entry.name, pieces: text };
      return {
        name: entry.name,
        copied: {
          method: entry.method,
          crc32: entry.crc32,
          uncompressedSize: entry.uncompressedSize,
          compressed: entry.compressed,
          dosTime: entry.dosTime,
          dosDate: entry.dosDate,
        },
      };
    });
    return writeDocxZip([...parts, ...added], { level: MARKED_UP_COPY_LEVEL });
  }
}

/**
 * zlib level of the parts the marked-up copy rewrites: 3, not zlib's default 6. A sheet
 * part near the size limit (45 MiB of XML) deflates in about 80 ms at 3 against 390 ms
 * at 6, for a copy about half again as large (2.2 MB against 1.5 MB); the copy exists to
 * be opened once, and costing what the read cost matters more than its size.
 */
const MARKED_UP_COPY_LEVEL = 3;

function key(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

/** `http://…/officeDocument/2006/relationships` (Transitional) or its Strict form, from the types in use. */
function relationshipTypeBase(relsXml: string): string {
  const m = /Type=["']([^"']+)\/(?:worksheet|styles|sharedStrings|theme)["']/.exec(relsXml);
  return m?.[1] ?? 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
}

/** The default namespace of the root element (Transitional or Strict SpreadsheetML). */
function rootNamespace(xml: string): string {
  const root = /<(?:[\w.-]+:)?workbook\b[^>]*>/.exec(xml)?.[0] ?? '';
  const prefixed = /<([\w.-]+):workbook\b/.exec(root)?.[1];
  const m = new RegExp(prefixed ? `xmlns:${prefixed}=["']([^"']+)["']` : `xmlns=["']([^"']+)["']`).exec(root);
  return m?.[1] ?? 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
}

function freeRelId(relsXml: string, stem: string): string {
  for (let n = 1; ; n++) {
    const id = `${stem}${n}`;
    if (!relsXml.includes(`"${id}"`) && !relsXml.includes(`'${id}'`)) return id;
  }
}

function addRelationships(relsXml: string, relationships: readonly string[]): string {
  const selfClosing = /<Relationships\b([^>]*)\/>/.exec(relsXml);
  if (selfClosing)
    return relsXml.replace(selfClosing[0], `<Relationships${selfClosing[1]}>${relationships.join('')}</Relationships>`);
  const close = relsXml.lastIndexOf('</');
  return relsXml.slice(0, close) + relationships.join('') + relsXml.slice(close);
}

function uniqueSheetName(taken: readonly string[], base: string): string {
  const lower = new Set(taken.map((name) => name.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const name = `${base} (${n})`;
    if (!lower.has(name.toLowerCase())) return name;
  }
}

/** A tag's text with one attribute set (added, or its value replaced). */
function withAttribute(tag: string, name: string, value: string): string {
  const existing = new RegExp(`(\\s${name}\\s*=\\s*)("[^"]*"|'[^']*')`);
  if (existing.test(tag)) return tag.replace(existing, `$1"${value}"`);
  const nameEnd = /^<[^\s/>]+/.exec(tag)?.[0].length ?? 1;
  return `${tag.slice(0, nameEnd)} ${name}="${value}"${tag.slice(nameEnd)}`;
}

function prefixOf(xml: string, tagStart: number, attrStart: number): string {
  const qname = xml.slice(tagStart + 1, attrStart);
  const colon = qname.indexOf(':');
  return colon < 0 ? '' : qname.slice(0, colon + 1);
}

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
  /** Order among edits at the same place. */
  readonly order: number;
}

function applyEdits(xml: string, edits: readonly Edit[]): string {
  return editedPieces(xml, edits).join('');
}

/** The text with the edits made, as the pieces it is made of (slices of `xml` and what is inserted). */
function editedPieces(xml: string, edits: readonly Edit[]): string[] {
  const sorted = [...edits].sort((a, b) => a.at - b.at || a.order - b.order);
  const out: string[] = [];
  let pos = 0;
  for (const edit of sorted) {
    if (edit.at < pos) continue;
    out.push(xml.slice(pos, edit.at), edit.insert);
    pos = edit.at + edit.remove;
  }
  out.push(xml.slice(pos));
  return out;
}

// ---------------------------------------------------------------------------------------
// The workbook part

/** The workbook with a first sheet added (tab indexes of defined names and views shifted), or undefined. */
function addFirstSheet(xml: string, name: string, relId: string, relNamespace: string): string | undefined {
  const edits: Edit[] = [];
  let maxSheetId = 0;
  let sheetsAt: { tagStart: number; tagEnd: number; selfClosing: boolean; prefix: string } | undefined;
  const problem = tokenize(xml, {
    open(tag, start, end, selfClosing, tagStart, tagEnd) {
      if (tag === 'sheets' && !sheetsAt)
        sheetsAt = { tagStart, tagEnd, selfClosing, prefix: prefixOf(xml, tagStart, start) };
      else if (tag === 'sheet')
        maxSheetId = Math.max(maxSheetId, Number(attributes(xml, start, end).get('sheetId')) || 0);
      else if (tag === 'definedName') {
        const local = attributes(xml, start, end).get('localSheetId');
        if (local !== undefined && /^\d+$/.test(local)) {
          edits.push({
            at: tagStart,
            remove: tagEnd - tagStart,
            insert: withAttribute(xml.slice(tagStart, tagEnd), 'localSheetId', String(Number(local) + 1)),
            order: 0,
          });
        }
      } else if (tag === 'workbookView') {
        let text = withAttribute(xml.slice(tagStart, tagEnd), 'activeTab', '0');
        if (/\sfirstSheet\s*=/.test(text)) text = withAttribute(text, 'firstSheet', '0');
        edits.push({ at: tagStart, remove: tagEnd - tagStart, insert: text, order: 0 });
      }
    },
    close() {},
  });
  if (problem || !sheetsAt) return undefined;
  const p = sheetsAt.prefix;
  const sheet = `<${p}sheet xmlns:r="${relNamespace}" name="${escapeXml(name)}" sheetId="${maxSheetId + 1}" r:id="${relId}"/>`;
  if (sheetsAt.selfClosing)
    edits.push({
      at: sheetsAt.tagStart,
      remove: sheetsAt.tagEnd - sheetsAt.tagStart,
      insert: `<${p}sheets>${sheet}</${p}sheets>`,
      order: 0,
    });
  else edits.push({ at: sheetsAt.tagEnd, remove: 0, insert: sheet, order: 0 });
  return applyEdits(xml, edits);
}

// ---------------------------------------------------------------------------------------
// Styles

class StylesEdit {
  readonly ok: boolean;
  private readonly edits: Edit[] = [];
  private fillCount = 0;
  private fontCount = 0;
  private xfs: { start: number; end: number }[] = [];
  private fills?: { openEnd: number; close: number; tagStart: number; tagEnd: number; prefix: string };
  private fonts?: { openEnd: number; close: number; tagStart: number; tagEnd: number; prefix: string };
  private cellXfs?: { openEnd: number; close: number; tagStart: number; tagEnd: number; prefix: string };
  private readonly newXfs: string[] = [];
  private readonly newFills: string[] = [];
  private readonly newFonts: string[] = [];
  private markFill: number | undefined;

  constructor(private readonly xml: string) {
    let depth = 0;
    let section: 'fills' | 'fonts' | 'cellXfs' | undefined;
    let sectionDepth = 0;
    let xfStart = -1;
    const problem = tokenize(xml, {
      open: (tag, start, _end, selfClosing, tagStart, tagEnd) => {
        if (!selfClosing) depth++;
        if ((tag === 'fills' || tag === 'fonts' || tag === 'cellXfs') && !section && !selfClosing) {
          section = tag;
          sectionDepth = depth;
          this[tag] = { openEnd: tagEnd, close: -1, tagStart, tagEnd, prefix: prefixOf(xml, tagStart, start) };
          return;
        }
        if (section && depth === sectionDepth + (selfClosing ? 0 : 1)) {
          if (section === 'fills' && tag === 'fill') this.fillCount++;
          else if (section === 'fonts' && tag === 'font') this.fontCount++;
          else if (section === 'cellXfs' && tag === 'xf') {
            if (selfClosing) this.xfs.push({ start: tagStart, end: tagEnd });
            else xfStart = tagStart;
          }
        }
      },
      close: (tag, tagStart, tagEnd) => {
        if (section && depth === sectionDepth && tag === section) {
          this[section]!.close = tagStart;
          section = undefined;
        } else if (section === 'cellXfs' && tag === 'xf' && xfStart >= 0 && depth === sectionDepth + 1) {
          this.xfs.push({ start: xfStart, end: tagEnd });
          xfStart = -1;
        }
        depth--;
      },
    });
    this.ok =
      !problem &&
      this.fills?.close !== undefined &&
      this.fills.close >= 0 &&
      this.fonts !== undefined &&
      this.fonts.close >= 0 &&
      this.cellXfs !== undefined &&
      this.cellXfs.close >= 0;
  }

  /** The index of a new cell style: style `original` with the red fill. */
  addMarkedStyle(original: number): number {
    if (this.markFill === undefined) {
      const p = this.fills!.prefix;
      this.newFills.push(
        `<${p}fill><${p}patternFill patternType="solid"><${p}fgColor rgb="${MARK_FILL_ARGB}"/><${p}bgColor indexed="64"/></${p}patternFill></${p}fill>`,
      );
      this.markFill = this.fillCount + this.newFills.length - 1;
    }
    const span = this.xfs[original] ?? this.xfs[0];
    const p = this.cellXfs!.prefix;
    let xf = span
      ? this.xml.slice(span.start, span.end)
      : `<${p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>`;
    const tagEnd = xf.indexOf('>') + 1;
    xf =
      withAttribute(withAttribute(xf.slice(0, tagEnd), 'fillId', String(this.markFill)), 'applyFill', '1') +
      xf.slice(tagEnd);
    this.newXfs.push(xf);
    return this.xfs.length + this.newXfs.length - 1;
  }

  /** Styles for the Fel sheet: a bold header and wrapped text at the top of the cell. */
  addErrorSheetStyles(): { header: number; body: number; intro: number } {
    const f = this.fonts!.prefix;
    this.newFonts.push(`<${f}font><${f}b/><${f}sz val="11"/><${f}name val="Calibri"/></${f}font>`);
    const bold = this.fontCount + this.newFonts.length - 1;
    const p = this.cellXfs!.prefix;
    const wrap = `<${p}alignment vertical="top" wrapText="1"/>`;
    this.newXfs.push(
      `<${p}xf numFmtId="0" fontId="${bold}" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">${wrap}</${p}xf>`,
    );
    this.newXfs.push(
      `<${p}xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">${wrap}</${p}xf>`,
    );
    const header = this.xfs.length + this.newXfs.length - 2;
    return { header, body: header + 1, intro: header };
  }

  result(): string {
    const edits: Edit[] = [...this.edits];
    const section = (
      s: { close: number; tagStart: number; tagEnd: number },
      added: readonly string[],
      count: number,
    ): void => {
      if (added.length === 0) return;
      edits.push({ at: s.close, remove: 0, insert: added.join(''), order: 0 });
      const open = this.xml.slice(s.tagStart, s.tagEnd);
      if (/\scount\s*=/.test(open))
        edits.push({
          at: s.tagStart,
          remove: s.tagEnd - s.tagStart,
          insert: withAttribute(open, 'count', String(count + added.length)),
          order: 0,
        });
    };
    section(this.fills!, this.newFills, this.fillCount);
    section(this.fonts!, this.newFonts, this.fontCount);
    section(this.cellXfs!, this.newXfs, this.xfs.length);
    return applyEdits(this.xml, edits);
  }
}

// ---------------------------------------------------------------------------------------
// A worksheet

interface RowSpan {
  readonly number: number;
  readonly tagStart: number;
  readonly tagEnd: number;
  readonly selfClosing: boolean;
  close: number;
  readonly cells: { column: number; tagStart: number; tagEnd: number; style: number }[];
}

/** Elements that follow `legacyDrawing` in a worksheet (ECMA-376 CT_Worksheet order). */
const AFTER_LEGACY_DRAWING = new Set([
  'legacyDrawingHF',
  'drawingHF',
  'picture',
  'oleObjects',
  'controls',
  'webPublishItems',
  'tableParts',
  'extLst',
]);

class SheetEdit {
  readonly hasLegacyDrawing: boolean;
  private readonly edits: Edit[] = [];
  /** Each row's number and where its tag starts, in document order: two numbers a row, however large the sheet. */
  private readonly rowNumbers: number[] = [];
  private readonly rowStarts: number[] = [];
  /** The rows that hold a mark, with their cells: only these are ever edited. */
  private readonly markedRows = new Map<number, RowSpan>();
  private readonly sheetViews: { tagStart: number; tagEnd: number }[] = [];
  private sheetData?: { tagStart: number; tagEnd: number; selfClosing: boolean; close: number };
  private prefix = '';
  /** Rows or cells without `r`: new cells cannot be placed without renumbering, so only existing cells are styled. */
  private implicit = false;
  private legacyDrawingAt = -1;
  private readonly pendingRows = new Map<number, Map<number, number>>();

  /** `marked`: the (1-based) numbers of the rows that will be marked. */
  constructor(
    private readonly xml: string,
    marked: ReadonlySet<number>,
  ) {
    let row: RowSpan | undefined;
    let inRow = false;
    let rowNumber = 0;
    let nextColumn = 0;
    let depth = 0;
    let legacy = false;
    let worksheetClose = -1;
    const problem = tokenize(xml, {
      open: (tag, start, end, selfClosing, tagStart, tagEnd) => {
        if (!selfClosing) depth++;
        const level = selfClosing ? depth + 1 : depth;
        switch (tag) {
          case 'sheetView':
            this.sheetViews.push({ tagStart, tagEnd });
            return;
          case 'sheetData':
            this.sheetData = { tagStart, tagEnd, selfClosing, close: selfClosing ? tagStart : -1 };
            this.prefix = prefixOf(xml, tagStart, start);
            return;
          case 'row': {
            const r = attributeValue(xml, start, end, 'r');
            if (r === undefined) this.implicit = true;
            rowNumber = r === undefined ? rowNumber + 1 : Number(r);
            nextColumn = 0;
            this.rowNumbers.push(rowNumber);
            this.rowStarts.push(tagStart);
            inRow = !selfClosing;
            row = undefined;
            if (marked.has(rowNumber) && !this.markedRows.has(rowNumber)) {
              row = { number: rowNumber, tagStart, tagEnd, selfClosing, close: selfClosing ? tagStart : -1, cells: [] };
              this.markedRows.set(rowNumber, row);
            }
            return;
          }
          case 'c': {
            if (!row) {
              // Another row's cell: only whether it is numbered matters.
              if (inRow && !this.implicit && attributeValue(xml, start, end, 'r') === undefined) this.implicit = true;
              return;
            }
            const attrs = attributes(xml, start, end);
            const r = attrs.get('r');
            if (r === undefined) this.implicit = true;
            const m = r === undefined ? null : /^([A-Za-z]{1,3})/.exec(r);
            const column = m?.[1] ? columnIndex(m[1]) : nextColumn;
            nextColumn = column + 1;
            row.cells.push({ column, tagStart, tagEnd, style: Number(attrs.get('s') ?? 0) || 0 });
            return;
          }
          case 'legacyDrawing':
            legacy = true;
            return;
          default:
            if (level === 2 && AFTER_LEGACY_DRAWING.has(tag) && this.legacyDrawingAt < 0)
              this.legacyDrawingAt = tagStart;
        }
      },
      close: (tag, tagStart) => {
        if (tag === 'row' && inRow) {
          if (row) row.close = tagStart;
          row = undefined;
          inRow = false;
        } else if (tag === 'sheetData' && this.sheetData) this.sheetData.close = tagStart;
        else if (tag === 'worksheet') worksheetClose = tagStart;
        depth--;
      },
    });
    if (problem || !this.sheetData) throw new Error('sheet cannot be edited');
    this.hasLegacyDrawing = legacy;
    if (this.legacyDrawingAt < 0) this.legacyDrawingAt = worksheetClose;
  }

  unselect(): void {
    for (const view of this.sheetViews) {
      const tag = this.xml.slice(view.tagStart, view.tagEnd);
      const without = tag.replace(/\s+tabSelected\s*=\s*("[^"]*"|'[^']*')/, '');
      if (without !== tag)
        this.edits.push({ at: view.tagStart, remove: view.tagEnd - view.tagStart, insert: without, order: 0 });
    }
  }

  /** The style index of the cell (1-based row, 0-based column), 0 when it has none or does not exist. */
  styleAt(rowNumber: number, column: number): number {
    return this.markedRows.get(rowNumber)?.cells.find((c) => c.column === column)?.style ?? 0;
  }

  setStyle(rowNumber: number, column: number, style: number): void {
    const row = this.markedRows.get(rowNumber);
    const cell = row?.cells.find((c) => c.column === column);
    if (cell) {
      const tag = this.xml.slice(cell.tagStart, cell.tagEnd);
      this.edits.push({
        at: cell.tagStart,
        remove: cell.tagEnd - cell.tagStart,
        insert: withAttribute(tag, 's', String(style)),
        order: 0,
      });
      return;
    }
    if (this.implicit) return;
    const ref = `${columnLetter(column)}${rowNumber}`;
    const p = this.prefix;
    const newCell = `<${p}c r="${ref}" s="${style}"/>`;
    if (row) {
      const after = row.cells.find((c) => c.column > column);
      if (after) this.edits.push({ at: after.tagStart, remove: 0, insert: newCell, order: column });
      else if (row.selfClosing) {
        // `<row r="5" …/>` → `<row r="5" …>` + cell + `</row>`, the cells in column order.
        const open = this.xml.slice(row.tagStart, row.tagEnd).replace(/\s*\/>$/, '>');
        this.edits.push({ at: row.tagStart, remove: row.tagEnd - row.tagStart, insert: open, order: -1 });
        this.edits.push({ at: row.tagEnd, remove: 0, insert: newCell, order: column });
        if (!this.edits.some((e) => e.at === row.tagEnd && e.order === Number.MAX_SAFE_INTEGER)) {
          this.edits.push({ at: row.tagEnd, remove: 0, insert: `</${p}row>`, order: Number.MAX_SAFE_INTEGER });
        }
      } else this.edits.push({ at: row.close, remove: 0, insert: newCell, order: column });
      return;
    }
    const pending = this.pendingRows.get(rowNumber) ?? new Map<number, number>();
    pending.set(column, style);
    this.pendingRows.set(rowNumber, pending);
  }

  addLegacyDrawing(relId: string, relNamespace: string): void {
    if (this.legacyDrawingAt < 0) throw new Error('no place for the notes');
    this.edits.push({
      at: this.legacyDrawingAt,
      remove: 0,
      insert: `<${this.prefix}legacyDrawing xmlns:r="${relNamespace}" r:id="${relId}"/>`,
      order: 0,
    });
  }

  /** The sheet's new text, in pieces (for a large sheet, never joined). */
  result(): string[] {
    const p = this.prefix;
    const sheetData = this.sheetData!;
    for (const [rowNumber, cells] of [...this.pendingRows].sort((a, b) => a[0] - b[0])) {
      const text = `<${p}row r="${rowNumber}">${[...cells]
        .sort((a, b) => a[0] - b[0])
        .map(([column, style]) => `<${p}c r="${columnLetter(column)}${rowNumber}" s="${style}"/>`)
        .join('')}</${p}row>`;
      const after = this.rowNumbers.findIndex((n) => n > rowNumber);
      if (after >= 0) this.edits.push({ at: this.rowStarts[after]!, remove: 0, insert: text, order: rowNumber });
      else if (sheetData.selfClosing) {
        this.edits.push({
          at: sheetData.tagStart,
          remove: sheetData.tagEnd - sheetData.tagStart,
          insert: `<${p}sheetData>`,
          order: -1,
        });
        this.edits.push({ at: sheetData.tagEnd, remove: 0, insert: text, order: rowNumber });
      } else this.edits.push({ at: sheetData.close, remove: 0, insert: text, order: rowNumber });
    }
    if (sheetData.selfClosing && this.pendingRows.size > 0)
      this.edits.push({ at: sheetData.tagEnd, remove: 0, insert: `</${p}sheetData>`, order: Number.MAX_SAFE_INTEGER });
    return editedPieces(this.xml, this.edits);
  }
}

// ---------------------------------------------------------------------------------------
// New parts

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function noteText(mark: Mark): string {
  return cleanText(['Fel att rätta:', ...mark.messages].join('\n'));
}

function commentsXml(namespace: string, marks: readonly Mark[]): string {
  const list = marks
    .map(
      (mark) =>
        `<comment ref="${columnLetter(mark.column)}${mark.row}" authorId="0"><text><r><t xml:space="preserve">${escapeXml(noteText(mark))}</t></r></text></comment>`,
    )
    .join('');
  return `${XML_DECLARATION}<comments xmlns="${escapeXml(namespace)}"><authors><author>tertial</author></authors><commentList>${list}</commentList></comments>`;
}

/** The VML drawing Excel needs to show the notes (it ignores comments without one). */
function vmlXml(marks: readonly Mark[], drawing: number): string {
  const shapes = marks
    .map((mark, i) => {
      const id = drawing * 1024 + i + 1;
      const lines = Math.min(12, 2 + mark.messages.length * 3);
      return (
        `<v:shape id="_x0000_s${id}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;width:320pt;height:${lines * 15}pt;z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">` +
        '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>' +
        '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>' +
        `<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>` +
        `<x:Anchor>${mark.column + 1}, 15, ${Math.max(0, mark.row - 2)}, 10, ${mark.column + 5}, 15, ${mark.row - 1 + lines}, 4</x:Anchor>` +
        `<x:AutoFill>False</x:AutoFill><x:Row>${mark.row - 1}</x:Row><x:Column>${mark.column}</x:Column></x:ClientData></v:shape>`
      );
    })
    .join('');
  return (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">' +
    `<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${drawing}"/></o:shapelayout>` +
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>' +
    `${shapes}</xml>`
  );
}

const ERROR_HEADERS = ['Blad', 'Rad', 'Kolumn', 'Värde', 'Fel', 'Markerad cell'];
const ERROR_WIDTHS = [16, 8, 18, 30, 90, 14];

function errorsSheetXml(
  namespace: string,
  errors: readonly InputIssue[],
  markedAt: readonly (string | undefined)[],
  capped: boolean,
  styles: { header: number; body: number; intro: number } | undefined,
): string {
  const s = (style: number | undefined): string => (style === undefined ? '' : ` s="${style}"`);
  const text = (ref: string, value: string, style: number | undefined): string =>
    `<c r="${ref}" t="inlineStr"${s(style)}><is><t xml:space="preserve">${escapeXml(cleanText(value))}</t></is></c>`;
  const intro =
    `Filen togs inte emot: ${errors.length} fel måste rättas. Varje fel står nedan; fel i en viss cell är också markerade ` +
    'med röd färg och en kommentar i sin flik.' +
    (capped ? ` Bara de ${MAX_MARKED_CELLS} första cellerna är markerade.` : '') +
    ' Rätta felen i din egen fil och ladda upp den igen (den här fliken behöver inte tas bort).';
  const rows: string[] = [
    `<row r="1" ht="48" customHeight="1">${text('A1', intro, styles?.intro)}</row>`,
    `<row r="2">${ERROR_HEADERS.map((h, i) => text(`${columnLetter(i)}2`, h, styles?.header)).join('')}</row>`,
  ];
  errors.forEach((issue, i) => {
    const r = i + 3;
    const values: (string | number | undefined)[] = [
      issue.sheet,
      issue.row,
      issue.column,
      issue.value,
      issue.message,
      markedAt[i],
    ];
    const cells = values
      .map((value, c) => {
        const ref = `${columnLetter(c)}${r}`;
        if (value === undefined) return '';
        if (typeof value === 'number') return `<c r="${ref}"${s(styles?.body)}><v>${value}</v></c>`;
        return text(ref, value, styles?.body);
      })
      .join('');
    const height = wrappedRowHeight(
      values.map((v, c) => ({ text: v === undefined ? '' : String(v), width: ERROR_WIDTHS[c] ?? 12 })),
    );
    rows.push(`<row r="${r}"${height === undefined ? '' : ` ht="${height}" customHeight="1"`}>${cells}</row>`);
  });
  const cols = ERROR_WIDTHS.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
  return (
    `${XML_DECLARATION}<worksheet xmlns="${escapeXml(namespace)}">` +
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A3" sqref="A3"/></sheetView></sheetViews>' +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${rows.join('')}</sheetData>` +
    '<mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells></worksheet>'
  );
}
