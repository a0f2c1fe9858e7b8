/**
 * Reads an .xlsx workbook into text grids, one per sheet, with merged ranges filled in.
 *
 * read-excel-file gives the cell values (rows[0] is Excel row 1, cells[0] is column A) but
 * does not report merged cells, so the `<mergeCell ref="A3:A6"/>` elements are read from
 * each sheet's XML with pizzip. The sheet XML is located through xl/workbook.xml and
 * xl/_rels/workbook.xml.rels, never by assuming `sheetN.xml` numbering.
 */
import PizZip from 'pizzip';
import readExcelFile from 'read-excel-file/node';
import type { Grid, GridRow } from './table.js';
import { cellToText, columnIndex } from './text.js';

export type WorkbookReadResult =
  | { readonly ok: true; readonly sheets: readonly Grid[] }
  /** `legacy` = an OLE2 file (.xls saved as .xlsx, or a password-protected workbook). */
  | { readonly ok: false; readonly reason: 'not_xlsx' | 'legacy' | 'corrupt' };

export interface CellRange {
  /** Zero-based, inclusive. */
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export async function readWorkbook(bytes: Uint8Array): Promise<WorkbookReadResult> {
  if (startsWith(bytes, OLE2_MAGIC)) return { ok: false, reason: 'legacy' };
  if (!startsWith(bytes, ZIP_MAGIC)) return { ok: false, reason: 'not_xlsx' };

  let merges: Map<string, CellRange[]>;
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    // read-excel-file/node treats anything that is not a Buffer/Stream/Blob as a file path,
    // so a plain Uint8Array must be wrapped.
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    sheets = await readExcelFile(buffer, { trim: false });
    merges = readMergedRanges(bytes);
  } catch {
    return { ok: false, reason: 'corrupt' };
  }

  return {
    ok: true,
    sheets: sheets.map(({ sheet, data }) => toGrid(sheet, data, merges.get(sheet) ?? [])),
  };
}

function toGrid(sheet: string, data: readonly (readonly unknown[])[], merges: readonly CellRange[]): Grid {
  const cells: string[][] = data.map((row) => row.map(cellToText));
  const fromMerge: boolean[][] = cells.map((row) => row.map(() => false));
  for (const range of merges) {
    const value = cells[range.top]?.[range.left] ?? '';
    for (let r = range.top; r <= range.bottom && r < cells.length; r++) {
      const row = cells[r]!;
      const flags = fromMerge[r]!;
      for (let c = range.left; c <= range.right && c < row.length; c++) {
        if (r === range.top && c === range.left) continue;
        row[c] = value;
        flags[c] = true;
      }
    }
  }
  const rows: GridRow[] = cells.map((row, i) => ({
    rowNumber: i + 1,
    cells: row,
    ...(fromMerge[i]!.some(Boolean) ? { fromMerge: fromMerge[i]! } : {}),
  }));
  return { sheet, rows };
}

/** Sheet name → merged ranges, read from the workbook's XML. */
export function readMergedRanges(bytes: Uint8Array): Map<string, CellRange[]> {
  const zip = new PizZip(bytes);
  const text = (path: string): string | undefined => zip.file(path)?.asText();
  const result = new Map<string, CellRange[]>();

  const workbook = text('xl/workbook.xml');
  const rels = text('xl/_rels/workbook.xml.rels');
  if (workbook === undefined || rels === undefined) return result;

  const targets = new Map<string, string>();
  for (const attrs of elements(rels, 'Relationship')) {
    const id = attrs.get('Id');
    const target = attrs.get('Target');
    if (id !== undefined && target !== undefined && attrs.get('TargetMode') !== 'External') targets.set(id, resolveTarget(target));
  }

  for (const attrs of elements(workbook, 'sheet')) {
    const name = attrs.get('name');
    const relId = attrs.get('id');
    if (name === undefined || relId === undefined) continue;
    const path = targets.get(relId);
    const xml = path === undefined ? undefined : text(path);
    if (xml === undefined) continue;
    const ranges: CellRange[] = [];
    for (const mergeAttrs of elements(xml, 'mergeCell')) {
      const range = parseRange(mergeAttrs.get('ref') ?? '');
      if (range) ranges.push(range);
    }
    if (ranges.length > 0) result.set(unescapeXlsxString(name), ranges);
  }
  return result;
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

/**
 * The attributes (by local name, namespace prefix dropped, XML entities decoded) of every
 * `<name …>` / `<prefix:name …>` element in `xml`.
 */
function elements(xml: string, name: string): Map<string, string>[] {
  const found: Map<string, string>[] = [];
  const tag = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}(\\s[^>]*)?/?>`, 'g');
  for (const match of xml.matchAll(tag)) {
    const attrs = new Map<string, string>();
    for (const attr of (match[1] ?? '').matchAll(/(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const key = attr[1];
      if (key !== undefined && !attrs.has(key)) attrs.set(key, decodeXmlEntities(attr[2] ?? attr[3] ?? ''));
    }
    found.push(attrs);
  }
  return found;
}

function decodeXmlEntities(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g, (whole, hex?: string, dec?: string, named?: string) => {
    const code = hex !== undefined ? parseInt(hex, 16) : dec !== undefined ? parseInt(dec, 10) : undefined;
    if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    switch (named) {
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

/** `_x0041_` escapes in sheet names, as read-excel-file decodes them. */
function unescapeXlsxString(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
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
