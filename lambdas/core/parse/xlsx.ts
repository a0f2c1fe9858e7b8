/**
 * The workbook reader: an .xlsx package in, one text grid per worksheet out, with each
 * cell's type, value, number format and the text the person saw, merged ranges, hidden
 * rows and the date system. One pass over each part, each part inflated once.
 *
 * Order of checks, each before any work the next one could be tricked into:
 * 1. the first bytes ({@link sniff}): an .xls, a password-protected workbook (an OLE2
 *    container with an `EncryptionInfo` stream) or a PDF never reaches the zip reader;
 * 2. the zip's central directory ({@link readZip}): declared sizes and ratio of every
 *    entry (also the ones never inflated, such as images), ZIP64, duplicate names;
 * 3. bounded inflation of the parts read ({@link inflateEntry});
 * 4. the XML tokenizer's bounds ({@link tokenize}: tag length, no DOCTYPE);
 * 5. each sheet's extent while it is read (`MAX_SHEET_ROWS`, `MAX_SHEET_COLUMNS`,
 *    `MAX_SHEET_CELLS`): values beyond the limits are not kept, and the sheet is refused,
 *    naming the farthest, before any grid is built.
 *
 * The package is found as the format says (ECMA-376 Part 2): the workbook part through
 * `_rels/.rels`, sheets, shared strings and styles through the workbook's relationships,
 * part names compared case-insensitively and with `\` read as `/` (Excel opens such
 * files). Rows and cells without `r` follow the previous ones (the attribute is optional).
 *
 * Pure: no I/O. Nothing here throws on bad input.
 */
import {
  EXCEL_MAX_ROWS,
  MAX_SHEET_CELLS,
  MAX_SHEET_COLUMNS,
  MAX_SHEET_ROWS,
  type ExtentProblem,
} from './sheetExtent.js';
import { builtInFormat, formatNumber, isDateCode } from './numberFormat.js';
import { sniff } from './sniff.js';
import type { CellValue, Grid, GridRow } from './table.js';
import { cellToText, cleanText, columnIndex, columnLetter, excerpt } from './text.js';
import {
  attributes,
  attributeSpan,
  decodeXmlBytes,
  decodeXmlText,
  nextAttribute,
  tokenize,
  unescapeXlsxString,
  xmlTextContent,
  type XmlHandler,
  type XmlProblem,
} from './xml.js';
import { inflateEntry, readZip, type ZipEntry, type ZipProblem } from './zip.js';

export type WorkbookProblem =
  /** Not a workbook at all: what it looks like instead. */
  | { readonly kind: 'not_a_workbook'; readonly detected: 'pdf' | 'other_office' | 'zip' | 'unknown' }
  /** An OLE2 .xls workbook (named .xlsx). */
  | { readonly kind: 'legacy_xls' }
  /** A password-protected (encrypted) workbook. */
  | { readonly kind: 'encrypted' }
  /** A zip that is truncated or damaged, or XML that cannot be read. */
  | { readonly kind: 'corrupt'; readonly detail: string }
  /** Declared sizes beyond the limits in zip.ts. */
  | { readonly kind: 'too_large'; readonly zip: Exclude<ZipProblem, { kind: 'corrupt' | 'encrypted' }> }
  /** A sheet whose cells reach beyond the limits in sheetExtent.ts. */
  | { readonly kind: 'sheet_too_large'; readonly sheet: string; readonly extent: ExtentProblem };

/** One worksheet as read, and where it lives in the package (for the marked-up copy). */
export interface SheetGrid extends Grid {
  /** Zip entry name of the sheet's XML, as written in the archive. */
  readonly part: string;
  readonly merges: readonly CellRange[];
  /** Row numbers (1-based) of hidden rows that hold values (also rows hidden by a filter). */
  readonly hiddenRows: readonly number[];
  /** A sheet view marks the tab selected (`tabSelected`). */
  readonly selected: boolean;
}

export interface DefinedName {
  readonly name: string;
  /** The formula text, e.g. `Instruktioner!$B$2` or `"2024-T1"`. */
  readonly value: string;
}

export interface WorkbookRead {
  readonly sheets: readonly SheetGrid[];
  /** `date1904` in the workbook: serial dates count from 1904-01-01 (older Mac Excel, some LibreOffice files). */
  readonly date1904: boolean;
  readonly definedNames: readonly DefinedName[];
  /** The package, as checked: every entry and where the parts are (for the marked-up copy). */
  readonly package: WorkbookPackage;
}

export interface WorkbookPackage {
  readonly entries: readonly ZipEntry[];
  readonly workbookPart: string;
  readonly workbookRelsPart: string | undefined;
  readonly stylesPart: string | undefined;
}

export type WorkbookReadResult =
  ({ readonly ok: true } & WorkbookRead) | { readonly ok: false; readonly problem: WorkbookProblem };

export interface CellRange {
  /** Zero-based, inclusive. */
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

const REL_OFFICE_DOCUMENT = '/officeDocument';
const REL_WORKSHEET = '/worksheet';
const REL_SHARED_STRINGS = '/sharedStrings';
const REL_STYLES = '/styles';

/** Longest sheet name kept (Excel allows 31 characters; the name is stored with every row). */
const MAX_SHEET_NAME = 100;

function fail(problem: WorkbookProblem): WorkbookReadResult {
  return { ok: false, problem };
}

/**
 * Reads of refused workbooks, by the bytes they were made from: the marked-up copy uses
 * the read that refused the workbook instead of reading it a second time. Weak, and taken
 * out when used, so nothing outlives the upload's bytes.
 */
const keptReads = new WeakMap<Uint8Array, WorkbookRead>();

/** Keeps the read of a refused workbook for {@link takeKeptRead}. */
export function keepRead(bytes: Uint8Array, read: WorkbookRead): void {
  keptReads.set(bytes, read);
}

/** The read kept for these bytes (once), if any. */
export function takeKeptRead(bytes: Uint8Array): WorkbookRead | undefined {
  const read = keptReads.get(bytes);
  keptReads.delete(bytes);
  return read;
}

export function readWorkbook(bytes: Uint8Array): WorkbookReadResult {
  return readOnce(bytes);
}

/** Control flow, not a fault: unwinds the read to `readOnce`, which turns the problem into a result. */
class StopRead extends Error {
  constructor(readonly problem: WorkbookProblem) {
    super(problem.kind);
  }
}

function readOnce(bytes: Uint8Array): WorkbookReadResult {
  const kind = sniff(bytes);
  if (kind === 'legacy_xls') return fail({ kind: 'legacy_xls' });
  if (kind === 'encrypted') return fail({ kind: 'encrypted' });
  if (kind !== 'zip') return fail({ kind: 'not_a_workbook', detected: kind });

  const zip = readZip(bytes);
  if (!zip.ok) return fail(zipFailure(zip.problem));
  const parts = new Map<string, ZipEntry>();
  for (const entry of zip.entries) {
    const key = partKey(entry.name);
    if (parts.has(key)) return fail({ kind: 'corrupt', detail: `two entries named ${key}` });
    parts.set(key, entry);
  }
  try {
    return readPackage(zip.entries, parts);
  } catch (e) {
    if (e instanceof StopRead) return fail(e.problem);
    return fail({ kind: 'corrupt', detail: e instanceof Error ? e.message : String(e) });
  }
}

/** The lookup key of a part name: `/` separators, no leading `/`, lower case (OPC names are case-insensitive). */
function partKey(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

function readPackage(entries: readonly ZipEntry[], parts: Map<string, ZipEntry>): WorkbookReadResult {
  const text = (path: string): string | undefined => {
    const entry = parts.get(partKey(path));
    return entry ? partText(entry) : undefined;
  };
  const rootRels = relationships(text('_rels/.rels'), '');
  const workbookPath =
    rootRels.find((r) => r.type.endsWith(REL_OFFICE_DOCUMENT) && parts.has(partKey(r.target)))?.target ??
    'xl/workbook.xml';
  const workbookEntry = parts.get(partKey(workbookPath));
  if (!workbookEntry) return fail({ kind: 'not_a_workbook', detected: 'zip' });
  const workbook = readWorkbookPart(partText(workbookEntry));
  // A Word or PowerPoint package has an office document too, but no workbook.
  if (!workbook.isWorkbook) return fail({ kind: 'not_a_workbook', detected: 'zip' });
  const workbookRelsPath = relsPathOf(workbookPath);
  const rels = relationships(text(workbookRelsPath), folderOf(workbookPath));
  const relById = new Map(rels.map((r) => [r.id, r]));

  const stylesPath = rels.find((r) => r.type.endsWith(REL_STYLES))?.target;
  const styles = readStyles(stylesPath === undefined ? undefined : text(stylesPath));
  const stringsPath = rels.find((r) => r.type.endsWith(REL_SHARED_STRINGS))?.target;
  const strings = readSharedStrings(stringsPath === undefined ? undefined : text(stringsPath));

  const sheets: SheetGrid[] = [];
  for (const sheet of workbook.sheets) {
    const rel = relById.get(sheet.relId);
    // Chart sheets, dialog sheets and macro sheets hold no cells to read.
    if (rel && !rel.type.endsWith(REL_WORKSHEET)) continue;
    const entry = rel ? parts.get(partKey(rel.target)) : undefined;
    const name = sheetName(sheet.name);
    if (!entry) {
      sheets.push({ sheet: name, rows: [], part: '', merges: [], hiddenRows: [], selected: false });
      continue;
    }
    sheets.push(readSheet(name, entry, partText(entry), { strings, styles, date1904: workbook.date1904 }));
  }
  return {
    ok: true,
    sheets,
    date1904: workbook.date1904,
    definedNames: workbook.definedNames,
    package: {
      entries,
      workbookPart: workbookEntry.name,
      workbookRelsPart: parts.get(partKey(workbookRelsPath))?.name,
      stylesPart: stylesPath === undefined ? undefined : parts.get(partKey(stylesPath))?.name,
    },
  };
}

/** The text of a part: inflated (bounded), decoded as the XML declares ({@link decodeXmlBytes}). */
export function partText(entry: ZipEntry): string {
  const inflated = inflateEntry(entry);
  if (!inflated.ok) throw new StopRead(zipFailure(inflated.problem));
  return decodeXmlBytes(inflated.data);
}

function scan(xml: string, handler: XmlHandler, part: string): void {
  const problem = tokenize(xml, handler);
  if (problem) throw new StopRead({ kind: 'corrupt', detail: `${part}: ${describeXmlProblem(problem)}` });
}

function describeXmlProblem(problem: XmlProblem): string {
  return problem === 'tag_too_long'
    ? 'a tag longer than allowed'
    : problem === 'doctype'
      ? 'a document type declaration'
      : 'unterminated markup';
}

function sheetName(name: string): string {
  const cleaned = cleanText(unescapeXlsxString(name));
  return cleaned.length <= MAX_SHEET_NAME ? cleaned : excerpt(cleaned, MAX_SHEET_NAME);
}

function zipFailure(problem: ZipProblem): WorkbookProblem {
  switch (problem.kind) {
    case 'corrupt':
      return { kind: 'corrupt', detail: problem.detail };
    case 'encrypted':
      return { kind: 'encrypted' };
    default:
      return { kind: 'too_large', zip: problem };
  }
}

// ---------------------------------------------------------------------------------------
// Relationships, workbook, styles, shared strings

interface Relationship {
  readonly id: string;
  readonly type: string;
  /** The target as a part name from the package root. */
  readonly target: string;
}

function folderOf(path: string): string {
  const normal = path.replace(/\\/g, '/').replace(/^\/+/, '');
  const slash = normal.lastIndexOf('/');
  return slash < 0 ? '' : normal.slice(0, slash);
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`. */
export function relsPathOf(path: string): string {
  const normal = path.replace(/\\/g, '/').replace(/^\/+/, '');
  const slash = normal.lastIndexOf('/');
  return slash < 0 ? `_rels/${normal}.rels` : `${normal.slice(0, slash)}/_rels/${normal.slice(slash + 1)}.rels`;
}

/** A relationship target (relative to `folder`, or absolute from the package root) → part name. */
export function resolveTarget(folder: string, target: string): string {
  let decoded = target.replace(/\\/g, '/');
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // kept as written
  }
  const parts = decoded.startsWith('/') || folder === '' ? [] : folder.split('/');
  for (const part of decoded.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function relationships(xml: string | undefined, folder: string): Relationship[] {
  if (xml === undefined) return [];
  const found: Relationship[] = [];
  scan(
    xml,
    {
      open(name, start, end) {
        if (name !== 'Relationship') return;
        const attrs = attributes(xml, start, end);
        const id = attrs.get('Id');
        const target = attrs.get('Target');
        if (id === undefined || target === undefined || attrs.get('TargetMode') === 'External') return;
        found.push({ id, type: attrs.get('Type') ?? '', target: resolveTarget(folder, target) });
      },
      close() {},
    },
    'relationships',
  );
  return found;
}

interface WorkbookPart {
  /** The root element is `workbook`. */
  readonly isWorkbook: boolean;
  readonly sheets: readonly { name: string; relId: string }[];
  readonly date1904: boolean;
  readonly definedNames: readonly DefinedName[];
}

/** Most defined names kept; a workbook's own are a handful, and only one is looked for. */
const MAX_DEFINED_NAMES = 1_000;

function readWorkbookPart(xml: string): WorkbookPart {
  const sheets: { name: string; relId: string }[] = [];
  const definedNames: DefinedName[] = [];
  let date1904 = false;
  let definedName: { name: string; value: string } | undefined;
  let root: string | undefined;
  scan(
    xml,
    {
      open(name, start, end, selfClosing) {
        root ??= name;
        if (name === 'sheet') {
          const attrs = attributes(xml, start, end);
          const sheet = attrs.get('name');
          if (sheet) sheets.push({ name: sheet, relId: attrs.get('id') ?? '' });
        } else if (name === 'workbookPr') {
          // Extensions (`x14:workbookPr`, …) have elements of the same local name without it.
          const value = attributes(xml, start, end).get('date1904');
          if (value !== undefined) date1904 = value === '1' || value === 'true';
        } else if (name === 'definedName' && !selfClosing) {
          definedName = { name: attributes(xml, start, end).get('name') ?? '', value: '' };
        }
      },
      close(name) {
        if (name === 'definedName' && definedName) {
          if (definedNames.length < MAX_DEFINED_NAMES) definedNames.push(definedName);
          definedName = undefined;
        }
      },
      text(start, end, cdata) {
        if (definedName) definedName.value += cdata ? xml.slice(start, end) : xmlTextContent(xml.slice(start, end));
      },
    },
    'workbook',
  );
  return { isWorkbook: root === 'workbook', sheets, date1904, definedNames };
}

interface Styles {
  /** Format code of each cell style (`cellXfs` index). */
  readonly formats: readonly string[];
}

function readStyles(xml: string | undefined): Styles {
  if (xml === undefined) return { formats: [] };
  const custom = new Map<number, string>();
  const ids: number[] = [];
  let inCellXfs = false;
  scan(
    xml,
    {
      open(name, start, end, selfClosing) {
        if (name === 'numFmt') {
          const attrs = attributes(xml, start, end);
          const id = Number(attrs.get('numFmtId'));
          const code = attrs.get('formatCode');
          if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
        } else if (name === 'cellXfs') {
          inCellXfs = !selfClosing;
        } else if (name === 'xf' && inCellXfs) {
          const id = Number(attributes(xml, start, end).get('numFmtId') ?? 0);
          ids.push(Number.isInteger(id) ? id : 0);
        }
      },
      close(name) {
        if (name === 'cellXfs') inCellXfs = false;
      },
    },
    'styles',
  );
  return { formats: ids.map((id) => custom.get(id) ?? builtInFormat(id)) };
}

function readSharedStrings(xml: string | undefined): string[] {
  if (xml === undefined) return [];
  const strings: string[] = [];
  let inItem = false;
  let inText = false;
  // Phonetic runs (`rPh`, furigana) are not part of the cell's text.
  let phonetic = 0;
  let current = '';
  scan(
    xml,
    {
      open(name, _start, _end, selfClosing) {
        if (selfClosing) {
          if (name === 'si') strings.push('');
          return;
        }
        if (name === 'si') {
          inItem = true;
          current = '';
        } else if (name === 't') inText = inItem;
        else if (name === 'rPh') phonetic++;
      },
      close(name) {
        if (name === 'si') {
          strings.push(cellToText(unescapeXlsxString(current)));
          inItem = false;
        } else if (name === 't') inText = false;
        else if (name === 'rPh') phonetic = Math.max(0, phonetic - 1);
      },
      text(start, end, cdata) {
        if (inText && phonetic === 0) current += cdata ? xml.slice(start, end) : xmlTextContent(xml.slice(start, end));
      },
    },
    'shared strings',
  );
  return strings;
}

// ---------------------------------------------------------------------------------------
// Worksheets

interface SheetContextData {
  readonly strings: readonly string[];
  readonly styles: Styles;
  readonly date1904: boolean;
}

const EMPTY: readonly string[] = [];

/**
 * One worksheet: cells into rows as they come (sparse, by row number), then the dense
 * grid of rows 1 to the last holding a value, each padded to the widest row.
 */
function readSheet(name: string, entry: ZipEntry, xml: string, data: SheetContextData): SheetGrid {
  const { strings, styles, date1904 } = data;
  const texts: (string[] | undefined)[] = [];
  const values: ((CellValue | undefined)[] | undefined)[] = [];
  const hidden = new Set<number>();
  const merges: CellRange[] = [];
  let lastRow = 0;
  let lastColumn = 0;
  let selected = false;
  let farRow = { row: 0, ref: '' };
  let farColumn = { column: 0, ref: '' };

  let row = 0;
  let nextColumn = 0;
  let inSheetData = false;
  // The cell being read.
  let cellRow = 0;
  let cellColumn = -1;
  // The cell's column, also for an empty cell (cellColumn is -1 when no cell is open).
  let cellColumn0 = 0;
  let cellType = '';
  let cellStyle = 0;
  let valueText: string | undefined;
  let inlineText: string | undefined;
  let inValue = false;
  let inInline = false;
  let inInlineText = false;
  let phonetic = 0;

  const at = attributeSpan();

  const stop = (extent: ExtentProblem): never => {
    throw new StopRead({ kind: 'sheet_too_large', sheet: name, extent });
  };

  const finishCell = (): void => {
    const raw = cellType === 'inlineStr' ? inlineText : valueText;
    cellColumn = -1;
    if (raw === undefined) return;
    const format = styles.formats[cellStyle] ?? 'General';
    let text: string;
    let value: CellValue | undefined;
    switch (cellType) {
      case 's': {
        // Shared strings are cleaned once when read (a string used in 20,000 cells is cleaned once).
        const index = Number(raw);
        text = Number.isInteger(index) ? (strings[index] ?? '') : '';
        if (text === '') return;
        store(text, undefined);
        return;
      }
      case 'inlineStr':
      case 'str':
        text = unescapeXlsxString(raw);
        break;
      case 'b':
        value = { type: 'boolean', value: raw.trim() === '1' || raw.trim() === 'true', format };
        text = value.value ? 'SANT' : 'FALSKT';
        break;
      case 'e':
        value = { type: 'error', value: raw.trim(), format };
        text = raw.trim();
        break;
      case 'd': {
        // ISO 8601 as written (`2024-03-01T00:00:00`): the date, and the time where the format shows it.
        const iso = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(raw.trim());
        text = iso?.[1]
          ? iso[2] && iso[2] !== '00:00' && /h/i.test(format)
            ? `${iso[1]} ${iso[2]}`
            : iso[1]
          : raw.trim();
        value = { type: 'date', value: raw.trim(), format };
        break;
      }
      default: {
        const trimmed = raw.trim();
        if (trimmed === '') return;
        const number = Number(trimmed);
        if (!Number.isFinite(number)) {
          text = trimmed;
          break;
        }
        text = formatNumber(number, format, date1904);
        value = { type: isDateCode(format) ? 'date' : 'number', value: number, format };
      }
    }
    text = cellToText(text);
    if (text === '' && value === undefined) return;
    store(text, value);
  };

  const store = (text: string, value: CellValue | undefined): void => {
    const column = cellColumn0;
    // Values beyond the limits are not kept; the farthest is named when the sheet is refused.
    if (cellRow > MAX_SHEET_ROWS) {
      if (cellRow > farRow.row) farRow = { row: cellRow, ref: cellRef(cellRow, column + 1) };
      return;
    }
    if (column + 1 > MAX_SHEET_COLUMNS) {
      if (column + 1 > farColumn.column) farColumn = { column: column + 1, ref: cellRef(cellRow, column + 1) };
      return;
    }
    if (cellRow > lastRow) lastRow = cellRow;
    if (column + 1 > lastColumn) lastColumn = column + 1;
    const rowTexts = (texts[cellRow] ??= []);
    rowTexts[column] = text;
    if (value) (values[cellRow] ??= [])[column] = value;
  };

  scan(
    xml,
    {
      open(tag, start, end, selfClosing) {
        switch (tag) {
          case 'sheetData':
            inSheetData = !selfClosing;
            return;
          case 'sheetView': {
            const value = attributes(xml, start, end).get('tabSelected');
            if (value === '1' || value === 'true') selected = true;
            return;
          }
          case 'row': {
            if (!inSheetData) return;
            // Only `r` and `hidden` are read, by position (the first of a name counts).
            let rStart = -1;
            let rEnd = -1;
            let hStart = -1;
            let hEnd = -1;
            for (let p = nextAttribute(xml, start, end, at); p >= 0; p = nextAttribute(xml, p, end, at)) {
              const length = at.nameEnd - at.nameStart;
              if (length === 1 && rStart < 0 && xml.charCodeAt(at.nameStart) === 0x72 /* r */) {
                rStart = at.valueStart;
                rEnd = at.valueEnd;
              } else if (length === 6 && hStart < 0 && xml.startsWith('hidden', at.nameStart)) {
                hStart = at.valueStart;
                hEnd = at.valueEnd;
              }
            }
            const h = hStart < 0 ? undefined : decodeXmlText(xml.slice(hStart, hEnd));
            const isHidden = h === '1' || h === 'true';
            if (rStart === rEnd) row += 1;
            else {
              let n = digitsValue(xml, rStart, rEnd);
              let r: string | undefined;
              if (n < 0) {
                r = decodeXmlText(xml.slice(rStart, rEnd));
                n = r === '' ? -1 : Number(r);
              }
              if (r === '') row += 1;
              else {
                if (n > EXCEL_MAX_ROWS) stop({ limit: 'rows', row: n, ref: '' });
                if (!Number.isInteger(n) || n < 1)
                  throw new StopRead({
                    kind: 'corrupt',
                    detail: `${name}: row number ${excerpt(r ?? xml.slice(rStart, rEnd), 20)}`,
                  });
                row = n;
              }
            }
            if (row > EXCEL_MAX_ROWS) stop({ limit: 'rows', row, ref: '' });
            nextColumn = 0;
            if (isHidden && row <= MAX_SHEET_ROWS) hidden.add(row);
            return;
          }
          case 'c': {
            if (!inSheetData) return;
            // Only `r`, `t` and `s` are read, by position (the first of a name counts): a
            // sheet has a cell tag per value, and a map or a string per attribute was most
            // of the reader's time.
            let rStart = -1;
            let rEnd = -1;
            let tStart = -1;
            let tEnd = -1;
            let sStart = -1;
            let sEnd = -1;
            for (let p = nextAttribute(xml, start, end, at); p >= 0; p = nextAttribute(xml, p, end, at)) {
              if (at.nameEnd - at.nameStart !== 1) continue;
              const code = xml.charCodeAt(at.nameStart);
              if (code === 0x72 /* r */ && rStart < 0) {
                rStart = at.valueStart;
                rEnd = at.valueEnd;
              } else if (code === 0x74 /* t */ && tStart < 0) {
                tStart = at.valueStart;
                tEnd = at.valueEnd;
              } else if (code === 0x73 /* s */ && sStart < 0) {
                sStart = at.valueStart;
                sEnd = at.valueEnd;
              }
            }
            const t = tStart < 0 ? '' : decodeXmlText(xml.slice(tStart, tEnd));
            let s = sStart < 0 ? 0 : digitsValue(xml, sStart, sEnd);
            if (s < 0) {
              const style = Number(decodeXmlText(xml.slice(sStart, sEnd)));
              s = Number.isInteger(style) && style >= 0 ? style : 0;
            }
            let address = rStart < 0 ? -1 : plainCellRef(xml, rStart, rEnd);
            if (address < 0 && rStart < rEnd) {
              const r = decodeXmlText(xml.slice(rStart, rEnd));
              if (r !== '') {
                const parsed = parseCellRef(r);
                // A reference that is none (`r="§1"`) is a damaged sheet, as Excel says too.
                if (!parsed)
                  throw new StopRead({ kind: 'corrupt', detail: `${name}: cell reference ${excerpt(r, 20)}` });
                address = parsed.row * CELL_REF_COLUMNS + parsed.col;
              }
            }
            if (address >= 0) {
              cellColumn0 = address % CELL_REF_COLUMNS;
              cellRow = (address - cellColumn0) / CELL_REF_COLUMNS + 1;
              if (cellRow > row) row = cellRow;
            } else {
              cellColumn0 = nextColumn;
              cellRow = Math.max(row, 1);
            }
            if (cellRow > EXCEL_MAX_ROWS) stop({ limit: 'rows', row: cellRow, ref: '' });
            nextColumn = cellColumn0 + 1;
            if (selfClosing) return;
            cellColumn = cellColumn0;
            cellType = t;
            cellStyle = s;
            valueText = undefined;
            inlineText = undefined;
            return;
          }
          case 'v':
            if (cellColumn >= 0 && !selfClosing) {
              inValue = true;
              valueText ??= '';
            }
            return;
          case 'is':
            if (cellColumn >= 0 && !selfClosing) {
              inInline = true;
              inlineText ??= '';
            }
            return;
          case 't':
            if (inInline && !selfClosing) inInlineText = true;
            return;
          case 'rPh':
            if (inInline && !selfClosing) phonetic++;
            return;
          case 'mergeCell': {
            const range = parseRange(attributes(xml, start, end).get('ref') ?? '');
            if (range && range.top < MAX_SHEET_ROWS && range.left < MAX_SHEET_COLUMNS) merges.push(range);
            return;
          }
          default:
            return;
        }
      },
      close(tag) {
        switch (tag) {
          case 'sheetData':
            inSheetData = false;
            return;
          case 'c':
            if (cellColumn >= 0) finishCell();
            inValue = inInline = inInlineText = false;
            phonetic = 0;
            return;
          case 'v':
            inValue = false;
            return;
          case 'is':
            inInline = false;
            return;
          case 't':
            inInlineText = false;
            return;
          case 'rPh':
            phonetic = Math.max(0, phonetic - 1);
            return;
          default:
            return;
        }
      },
      text(start, end, cdata) {
        if (inValue) valueText += cdata ? xml.slice(start, end) : xmlTextContent(xml.slice(start, end));
        else if (inInlineText && phonetic === 0)
          inlineText += cdata ? xml.slice(start, end) : xmlTextContent(xml.slice(start, end));
      },
    },
    name,
  );

  if (farRow.row > 0) stop({ limit: 'rows', row: farRow.row, ref: farRow.ref });
  if (farColumn.column > 0) stop({ limit: 'columns', column: farColumn.column, ref: farColumn.ref });
  if (lastRow * lastColumn > MAX_SHEET_CELLS) stop({ limit: 'cells', rows: lastRow, columns: lastColumn });
  return { ...toGrid(name, entry.name, texts, values, lastRow, lastColumn, merges, hidden), selected };
}

/**
 * The dense grid: rows 1 to `lastRow`, each `width` cells, merged ranges filled from their
 * top-left cell (clipped to the grid). Ranges that overlap (which Excel never writes) make
 * the sheet corrupt rather than costing rows × columns work per range.
 */
function toGrid(
  sheet: string,
  part: string,
  texts: readonly (string[] | undefined)[],
  values: readonly ((CellValue | undefined)[] | undefined)[],
  lastRow: number,
  width: number,
  merges: readonly CellRange[],
  hidden: ReadonlySet<number>,
): Omit<SheetGrid, 'selected'> {
  const cells: string[][] = [];
  for (let r = 1; r <= lastRow; r++) {
    const own = texts[r];
    if (!own) {
      cells.push(width === 0 ? [] : new Array<string>(width).fill(''));
      continue;
    }
    const row = new Array<string>(width);
    for (let c = 0; c < width; c++) row[c] = own[c] ?? '';
    cells.push(row);
  }
  let area = 0;
  for (const range of merges) {
    const height = Math.min(range.bottom, lastRow - 1) - range.top + 1;
    const breadth = Math.min(range.right, width - 1) - range.left + 1;
    if (height > 0 && breadth > 0) area += height * breadth;
    if (area > lastRow * width) throw new StopRead({ kind: 'corrupt', detail: `${sheet}: overlapping merged ranges` });
  }
  const fromMerge: (boolean[] | undefined)[] = [];
  for (const range of merges) {
    const value = cells[range.top]?.[range.left] ?? '';
    for (let r = range.top; r <= range.bottom && r < lastRow; r++) {
      const row = cells[r]!;
      for (let c = range.left; c <= range.right && c < width; c++) {
        if (r === range.top && c === range.left) continue;
        row[c] = value;
        (fromMerge[r] ??= new Array<boolean>(width).fill(false))[c] = true;
      }
    }
  }
  const hiddenRows: number[] = [];
  const rows: GridRow[] = cells.map((row, i) => {
    const rowNumber = i + 1;
    const rowValues = values[rowNumber];
    const isHidden = hidden.has(rowNumber) && texts[rowNumber] !== undefined;
    if (isHidden) hiddenRows.push(rowNumber);
    return {
      rowNumber,
      cells: row.length === 0 ? EMPTY : row,
      ...(fromMerge[i] ? { fromMerge: fromMerge[i] } : {}),
      ...(rowValues ? { values: rowValues } : {}),
      ...(isHidden ? { hidden: true } : {}),
    };
  });
  return { sheet, rows, part, merges, hiddenRows };
}

/** `A1`-style reference, or `R1C20000` when the column is outside Excel's range. */
function cellRef(row: number, column: number): string {
  return column >= 1 && column <= 16_384 ? `${columnLetter(column - 1)}${row}` : `R${row}C${column}`;
}

/** `A3:B6` (or a single cell `C2`, `$A$3:$A$6`) → zero-based inclusive range. */
export function parseRange(ref: string): CellRange | undefined {
  const [from, to = from] = ref.split(':');
  const a = parseCellRef(from ?? '');
  const b = parseCellRef(to ?? '');
  if (!a || !b) return undefined;
  return {
    top: Math.min(a.row, b.row),
    left: Math.min(a.col, b.col),
    bottom: Math.max(a.row, b.row),
    right: Math.max(a.col, b.col),
  };
}

/** More than the columns {@link parseCellRef} reads (`ZZZ` is 18,277): a cell's place as one number is `row * CELL_REF_COLUMNS + col`. */
const CELL_REF_COLUMNS = 32_768;

/**
 * The value of `xml.slice(start, end)` when it is 1 to 9 ASCII digits, else -1 (the
 * caller then reads the text as before: entities, spaces, signs, exponents).
 */
function digitsValue(xml: string, start: number, end: number): number {
  if (end <= start || end - start > 9) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = xml.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A reference written the plain way (`B7`: 1 to 3 letters, 1 to 9 digits, row ≥ 1) read
 * in place as `row * CELL_REF_COLUMNS + col`, zero-based, as {@link parseCellRef} reads
 * it; -1 for anything else, which the caller hands to {@link parseCellRef}.
 */
function plainCellRef(xml: string, start: number, end: number): number {
  let p = start;
  let col = 0;
  while (p < end && p - start < 3) {
    const c = xml.charCodeAt(p) | 0x20; // lower case
    if (c < 0x61 || c > 0x7a) break;
    col = col * 26 + (c - 0x60);
    p++;
  }
  if (p === start) return -1;
  const row = digitsValue(xml, p, end);
  return row < 1 ? -1 : (row - 1) * CELL_REF_COLUMNS + col - 1;
}

/** `B7` → zero-based `{ row: 6, col: 1 }` (columns up to `ZZZ`, checked against the limits by the caller); undefined for anything else. */
export function parseCellRef(ref: string): { row: number; col: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,10})$/.exec(ref.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const col = columnIndex(m[1]);
  const row = Number(m[2]) - 1;
  return col < 0 || row < 0 ? undefined : { row, col };
}
