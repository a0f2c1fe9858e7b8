/**
 * How far a worksheet's cells reach, measured on the sheet XML before read-excel-file
 * sees it.
 *
 * read-excel-file ignores `<dimension ref="A1:XFD1048576"/>` (good), but builds a dense
 * array from the cells themselves: it adds an empty row for every row number skipped
 * (`<row r="1048576">` after row 1 → a million arrays; `r="2000000000"` → never ends) and
 * pads every row up to the last column holding a value (one value in XFD1048576 → a
 * 1 048 576 × 16 384 grid). So the extent is measured here first and a sheet beyond the
 * limits below is refused before it is read.
 *
 * The scan finds tags as read-excel-file's XML parser does ({@link scanStartTags}: quotes,
 * comments and CDATA respected, linear time), mirrors its reading of `r` (`Number()` of the
 * row part, letters counted as `code − 64`, entities decoded as saxen decodes them) and
 * errs on the side of counting: any `<c>` that is not self-closing counts as holding a
 * value, and every `r` attribute of a tag is counted.
 */
import { columnLetter } from './text.js';
import { decodeXmlEntities, scanStartTags } from './xml.js';

/** Highest row that may hold a value: 50 000 (room for `MAX_DATA_ROWS` data rows, blank rows and titles). */
export const MAX_SHEET_ROWS = 50_000;
/** Highest column that may hold a value: 200 (column GR). The template uses five. */
export const MAX_SHEET_COLUMNS = 200;
/** Largest area (last row × last column holding values) read into memory: 2 000 000 cells. */
export const MAX_SHEET_CELLS = 2_000_000;
/** Excel's own last row; a `<row>` or `<c>` beyond it (even empty) is refused. */
export const EXCEL_MAX_ROWS = 1_048_576;

export interface SheetExtent {
  /** Highest row number of any `<row>` or `<c>`, empty or not (0 when none). */
  readonly lastRowAny: number;
  /** Highest row number of a cell holding a value, and that cell's reference. */
  readonly lastValueRow: number;
  readonly lastValueRowRef: string;
  /** Highest column number (1-based) of a cell holding a value, and that cell's reference. */
  readonly lastValueColumn: number;
  readonly lastValueColumnRef: string;
}

const ROW_AND_CELL = new Set(['row', 'c']);
/** Every `r` attribute (also prefixed, also repeated: all are counted). */
const R_ATTR = /(?:^|[\s:])r\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function rValues(attributes: string): string[] {
  if (!attributes.includes('r')) return [];
  // What Excel writes, ` r="B7" s="3" t="s"`: the pattern matches at 0 and nowhere after the
  // value (no other `r` at all), so this is its answer without running it on every cell.
  if (attributes.startsWith(' r="')) {
    const close = attributes.indexOf('"', 4);
    if (close > 0 && attributes.indexOf('r', close + 1) < 0) return [decodeXmlEntities(attributes.slice(4, close))];
  }
  return [...attributes.matchAll(R_ATTR)].map((m) => decodeXmlEntities(m[1] ?? m[2] ?? ''));
}

export function measureSheet(xml: string): SheetExtent {
  let lastRowAny = 0;
  let lastValueRow = 0;
  let lastValueRowRef = '';
  let lastValueColumn = 0;
  let lastValueColumnRef = '';
  let currentRow = 0;
  scanStartTags(xml, ROW_AND_CELL, (name, attributes, selfClosing) => {
    const rs = rValues(attributes);
    if (name === 'row') {
      // read-excel-file: `Number(r)` when `r` is present and not empty; otherwise the next row.
      const numbers = rs.filter((r) => r !== '').map(Number).filter((n) => !Number.isNaN(n));
      currentRow = numbers.length > 0 ? Math.max(...numbers) : currentRow + 1;
      if (currentRow > lastRowAny) lastRowAny = currentRow;
      return;
    }
    // read-excel-file cannot read a cell without `r`: the sheet then fails as corrupt.
    for (const r of rs) {
      const address = parseAddress(r);
      if (!address) continue;
      // read-excel-file places a cell in the row its `<row r>` names (or, without one, its own
      // row): count the larger of the two.
      const row = Math.max(address[0], currentRow);
      const column = address[1];
      currentRow = row;
      if (row > lastRowAny) lastRowAny = row;
      if (selfClosing) continue;
      if (row > lastValueRow) {
        lastValueRow = row;
        lastValueRowRef = cellRef(row, column);
      }
      if (column > lastValueColumn) {
        lastValueColumn = column;
        lastValueColumnRef = cellRef(row, column);
      }
    }
  });
  return { lastRowAny, lastValueRow, lastValueRowRef, lastValueColumn, lastValueColumnRef };
}

/** `A1`-style reference, or `R1C20000` when the column is outside Excel's range. */
function cellRef(row: number, column: number): string {
  return column >= 1 && column <= 16_384 ? `${columnLetter(column - 1)}${row}` : `R${row}C${column}`;
}

/** As read-excel-file's parseCellAddress: `[row, column]`, or undefined where it would throw. */
function parseAddress(ref: string): [number, number] | undefined {
  let column = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      const row = Number(ref.slice(i));
      return Number.isNaN(row) ? undefined : [row, column];
    }
    column = column * 26 + (code - 64);
  }
  return undefined;
}

export type ExtentProblem =
  | { readonly limit: 'rows'; readonly row: number; readonly ref: string }
  | { readonly limit: 'columns'; readonly column: number; readonly ref: string }
  | { readonly limit: 'cells'; readonly rows: number; readonly columns: number };

/** The first limit the extent breaks, if any. */
export function checkExtent(extent: SheetExtent): ExtentProblem | undefined {
  if (!(extent.lastRowAny <= EXCEL_MAX_ROWS)) return { limit: 'rows', row: extent.lastRowAny, ref: '' };
  if (!(extent.lastValueRow <= MAX_SHEET_ROWS)) return { limit: 'rows', row: extent.lastValueRow, ref: extent.lastValueRowRef };
  if (!(extent.lastValueColumn <= MAX_SHEET_COLUMNS)) {
    return { limit: 'columns', column: extent.lastValueColumn, ref: extent.lastValueColumnRef };
  }
  if (extent.lastValueRow * extent.lastValueColumn > MAX_SHEET_CELLS) {
    return { limit: 'cells', rows: extent.lastValueRow, columns: extent.lastValueColumn };
  }
  return undefined;
}
