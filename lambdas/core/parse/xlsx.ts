/**
 * Reads an .xlsx workbook into text grids, one per sheet, with merged ranges filled in.
 *
 * Order of checks, each before any work the next one could be tricked into:
 * 1. the first bytes ({@link sniff}): an .xls, a password-protected workbook (an OLE2
 *    container with an `EncryptionInfo` stream) or a PDF never reaches a zip reader;
 * 2. the zip's central directory ({@link readZip}): declared sizes, ratio, ZIP64;
 * 3. bounded inflation of every XML part ({@link inflateEntry});
 * 4. each sheet's extent ({@link measureSheet}), so that no cell far away makes
 *    read-excel-file build a dense grid of a million rows;
 * 5. read-excel-file, given a repacked copy of exactly the parts checked.
 *
 * read-excel-file gives the cell values (rows[0] is Excel row 1, cells[0] is column A):
 * the cached `<v>` of formula cells, dates (1900 and 1904 systems) as `Date` at UTC
 * midnight. It does not report merged cells, so the `<mergeCell ref="A3:A6"/>` elements
 * are read from each sheet's XML here. The sheet XML is located through xl/workbook.xml
 * and xl/_rels/workbook.xml.rels, never by assuming `sheetN.xml` numbering.
 */
import readExcelFile from 'read-excel-file/node';
import { checkExtent, measureSheet, type ExtentProblem } from './sheetExtent.js';
import { sniff } from './sniff.js';
import type { Grid, GridRow } from './table.js';
import { cellToText, cleanText, columnIndex, excerpt } from './text.js';
import { elements, unescapeXlsxString } from './xml.js';
import { inflateEntry, readZip, repackZip, type ZipProblem } from './zip.js';

export type WorkbookProblem =
  /** Not a workbook at all: what it looks like instead. */
  | { readonly kind: 'not_a_workbook'; readonly detected: 'pdf' | 'other_office' | 'zip' | 'unknown' }
  /** An OLE2 .xls workbook (named .xlsx). */
  | { readonly kind: 'legacy_xls' }
  /** A password-protected (encrypted) workbook. */
  | { readonly kind: 'encrypted' }
  /** A zip that is truncated or damaged, or XML that read-excel-file cannot read. */
  | { readonly kind: 'corrupt'; readonly detail: string }
  /** Declared sizes beyond the limits in zip.ts. */
  | { readonly kind: 'too_large'; readonly zip: Exclude<ZipProblem, { kind: 'corrupt' | 'encrypted' }> }
  /** A sheet whose cells reach beyond the limits in sheetExtent.ts. */
  | { readonly kind: 'sheet_too_large'; readonly sheet: string; readonly extent: ExtentProblem };

export type WorkbookReadResult =
  | { readonly ok: true; readonly sheets: readonly Grid[] }
  | { readonly ok: false; readonly problem: WorkbookProblem };

export interface CellRange {
  /** Zero-based, inclusive. */
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/** The parts read-excel-file reads (its own filter); nothing else is inflated or passed on. */
function isXmlPart(name: string): boolean {
  return name.endsWith('.xml') || name.endsWith('.xml.rels');
}

const WORKBOOK_PATH = 'xl/workbook.xml';
const WORKBOOK_RELS_PATH = 'xl/_rels/workbook.xml.rels';
const SHEET_DATA = Buffer.from('sheetData');

function fail(problem: WorkbookProblem): WorkbookReadResult {
  return { ok: false, problem };
}

export async function readWorkbook(bytes: Uint8Array): Promise<WorkbookReadResult> {
  const kind = sniff(bytes);
  if (kind === 'legacy_xls') return fail({ kind: 'legacy_xls' });
  if (kind === 'encrypted') return fail({ kind: 'encrypted' });
  if (kind !== 'zip') return fail({ kind: 'not_a_workbook', detected: kind });

  const zip = readZip(bytes, isXmlPart);
  if (!zip.ok) return fail(zipFailure(zip.problem));
  if (!zip.entries.some((e) => e.name === WORKBOOK_PATH)) return fail({ kind: 'not_a_workbook', detected: 'zip' });

  let sheetList: SheetPart[];
  let merges: (readonly CellRange[])[];
  {
    // Inflate every part (bounded), keeping the text of the ones needed here; then let go of it.
    const texts = new Map<string, string>();
    const decoder = new TextDecoder('utf-8');
    for (const entry of zip.entries) {
      const inflated = inflateEntry(entry);
      if (!inflated.ok) return fail(zipFailure(inflated.problem));
      const data = Buffer.from(inflated.data.buffer, inflated.data.byteOffset, inflated.data.byteLength);
      if (entry.name === WORKBOOK_PATH || entry.name === WORKBOOK_RELS_PATH || data.includes(SHEET_DATA)) {
        texts.set(entry.name, decoder.decode(data));
      }
    }

    sheetList = listSheets(texts.get(WORKBOOK_PATH) ?? '', texts.get(WORKBOOK_RELS_PATH) ?? '');
    const nameOfPart = new Map(sheetList.map((s) => [s.path, s.name]));
    for (const [path, xml] of texts) {
      if (path === WORKBOOK_PATH || path === WORKBOOK_RELS_PATH) continue;
      const problem = checkExtent(measureSheet(xml));
      if (problem) return fail({ kind: 'sheet_too_large', sheet: sheetName(nameOfPart.get(path) ?? path), extent: problem });
    }
    merges = sheetList.map((s) => mergedRanges(texts.get(s.path) ?? ''));
  }

  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    // read-excel-file/node treats anything that is not a Buffer/Stream/Blob as a file path.
    const repacked = repackZip(zip.entries);
    sheets = await readExcelFile(Buffer.from(repacked.buffer, repacked.byteOffset, repacked.byteLength), { trim: false });
  } catch (e) {
    return fail({ kind: 'corrupt', detail: e instanceof Error ? e.message : String(e) });
  }

  try {
    const cache = new Map<string, string>();
    const grids = sheets.map(({ sheet, data }, i) => {
      // Both list the workbook's <sheet> elements in order; by name only if that ever differs.
      const own = sheetList[i]?.name === sheet ? merges[i] : merges[sheetList.findIndex((s) => s.name === sheet)];
      return toGrid(sheetName(sheet), data ?? [], own ?? [], cache);
    });
    return { ok: true, sheets: grids };
  } catch (e) {
    return fail({ kind: 'corrupt', detail: e instanceof Error ? e.message : String(e) });
  }
}

/** Longest sheet name kept (Excel allows 31 characters; the name is stored with every row). */
const MAX_SHEET_NAME = 100;

/** A sheet name as stored and shown: without XML-forbidden characters, and of sane length. */
function sheetName(name: string): string {
  const cleaned = cleanText(name);
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

/**
 * Text grid of one sheet. Strings are turned into text once per distinct value (a shared
 * string used in a million cells is cleaned once); merged ranges are clipped to the grid,
 * and ranges that overlap (which Excel never writes) make the sheet corrupt rather than
 * costing rows × columns work per range.
 */
function toGrid(sheet: string, data: readonly (readonly unknown[])[], merges: readonly CellRange[], cache: Map<string, string>): Grid {
  const text = (value: unknown): string => {
    if (typeof value !== 'string') return cellToText(value);
    let cleaned = cache.get(value);
    if (cleaned === undefined) {
      cleaned = cellToText(value);
      cache.set(value, cleaned);
    }
    return cleaned;
  };
  const cells: string[][] = data.map((row) => (row ?? []).map(text));
  const fromMerge: (boolean[] | undefined)[] = [];
  // read-excel-file pads every row to the same width.
  const width = cells.reduce((max, row) => Math.max(max, row.length), 0);
  let area = 0;
  for (const range of merges) {
    const height = Math.min(range.bottom, cells.length - 1) - range.top + 1;
    const breadth = Math.min(range.right, width - 1) - range.left + 1;
    if (height > 0 && breadth > 0) area += height * breadth;
    if (area > cells.length * width) throw new Error('overlapping merged ranges');
  }
  for (const range of merges) {
    const value = cells[range.top]?.[range.left] ?? '';
    for (let r = range.top; r <= range.bottom && r < cells.length; r++) {
      const row = cells[r]!;
      for (let c = range.left; c <= range.right && c < row.length; c++) {
        if (r === range.top && c === range.left) continue;
        row[c] = value;
        const flags = (fromMerge[r] ??= row.map(() => false));
        flags[c] = true;
      }
    }
  }
  const rows: GridRow[] = cells.map((row, i) => {
    const flags = fromMerge[i];
    return { rowNumber: i + 1, cells: row, ...(flags?.some(Boolean) ? { fromMerge: flags } : {}) };
  });
  return { sheet, rows };
}

interface SheetPart {
  /** As read-excel-file reports it (`_xHHHH_` decoded). */
  readonly name: string;
  /** Zip path of the sheet's XML, or `''` when it cannot be resolved. */
  readonly path: string;
}

/** The workbook's `<sheet>` elements in order (as read-excel-file lists them), with their parts. */
function listSheets(workbook: string, rels: string): SheetPart[] {
  const targets = new Map<string, string>();
  for (const attrs of elements(rels, 'Relationship')) {
    const id = attrs.get('Id');
    const target = attrs.get('Target');
    if (id !== undefined && target !== undefined && attrs.get('TargetMode') !== 'External') targets.set(id, resolveTarget(target));
  }
  const sheets: SheetPart[] = [];
  for (const attrs of elements(workbook, 'sheet')) {
    const name = attrs.get('name');
    if (!name) continue;
    const relId = attrs.get('id');
    sheets.push({ name: unescapeXlsxString(name), path: (relId === undefined ? undefined : targets.get(relId)) ?? '' });
  }
  return sheets;
}

/** The merged ranges of one sheet's XML. */
function mergedRanges(xml: string): CellRange[] {
  const ranges: CellRange[] = [];
  if (!xml.includes('mergeCell')) return ranges;
  for (const attrs of elements(xml, 'mergeCell')) {
    const range = parseRange(attrs.get('ref') ?? '');
    if (range) ranges.push(range);
  }
  return ranges;
}

/** A relationship target (relative to `xl/`, or absolute from the package root) → zip path. */
function resolveTarget(target: string): string {
  const parts = target.startsWith('/') ? [] : ['xl'];
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
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

function parseCellRef(ref: string): { row: number; col: number } | undefined {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const col = columnIndex(m[1]);
  const row = Number(m[2]) - 1;
  return col < 0 || row < 0 ? undefined : { row, col };
}
