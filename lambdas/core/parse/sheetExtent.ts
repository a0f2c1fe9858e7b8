/**
 * How far a worksheet's cells may reach. The workbook reader checks each cell holding a
 * value against these limits as it reads it, so a value far away (`XFD1048576`, a row
 * number of two billion) is refused before any grid is built: the grid is dense, rows 1 to
 * the last value, each as wide as the widest.
 */

/** Highest row that may hold a value: 50 000 (room for `MAX_DATA_ROWS` data rows, blank rows and titles). */
export const MAX_SHEET_ROWS = 50_000;
/** Highest column that may hold a value: 200 (column GR). The template uses five. */
export const MAX_SHEET_COLUMNS = 200;
/** Largest area (last row × last column holding values) read into memory: 2 000 000 cells. */
export const MAX_SHEET_CELLS = 2_000_000;
/** Excel's own last row; a `<row>` or `<c>` beyond it (even empty) is refused. */
export const EXCEL_MAX_ROWS = 1_048_576;

export type ExtentProblem =
  | { readonly limit: 'rows'; readonly row: number; readonly ref: string }
  | { readonly limit: 'columns'; readonly column: number; readonly ref: string }
  | { readonly limit: 'cells'; readonly rows: number; readonly columns: number };
