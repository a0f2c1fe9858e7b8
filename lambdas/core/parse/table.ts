/**
 * Generic "table in a sheet" handling shared by the workbook sheets and CSV files:
 * find the header row (which need not be row 1), map the known columns, warn about
 * extra ones, and hand out the non-empty data rows below it.
 */
import { ISSUE_CODES, type SheetContext } from './issues.js';
import { columnLetter, excerpt, looseKey, quotedList, swedishNumber } from './text.js';

/**
 * What a cell holds when it is not plain text: a number (or date) with its number format,
 * a boolean, a formula's error value (`#N/A`), or an ISO date cell (`t="d"`). A cell
 * without one is a string whose value is its text.
 */
export type CellValue =
  | { readonly type: 'number' | 'date'; readonly value: number; readonly format: string }
  | { readonly type: 'date'; readonly value: string; readonly format: string }
  | { readonly type: 'boolean'; readonly value: boolean; readonly format: string }
  | { readonly type: 'error'; readonly value: string; readonly format: string };

/** One row of a sheet, cells already turned into the text the person saw (see `cellToText`). */
export interface GridRow {
  /** 1-based Excel row number, or for CSV the line on which the record starts. */
  readonly rowNumber: number;
  readonly cells: readonly string[];
  /** `true` where the cell's text was copied from the top-left cell of a merged range. */
  readonly fromMerge?: readonly boolean[];
  /** The typed value of each cell that is not plain text (by column index); workbooks only. */
  readonly values?: readonly (CellValue | undefined)[];
  /** A row hidden in the workbook (by hand or by a filter). */
  readonly hidden?: boolean;
}

export interface Grid {
  /** The sheet's name as written in the workbook (`Aktiviteter` for CSV). */
  readonly sheet: string;
  readonly rows: readonly GridRow[];
}

export const MAX_HEADER_SEARCH_ROWS = 20;
export const MAX_DATA_ROWS = 20_000;
export const MAX_CELL_LENGTH = 10_000;

/** The cell's own text: `""` where the text only came from a merged range. */
export function ownCell(row: GridRow, index: number): string {
  return row.fromMerge?.[index] ? '' : (row.cells[index] ?? '');
}

/** A row is blank when every cell is empty or only holds text copied from a merge. */
export function isBlankRow(row: GridRow): boolean {
  // A loop, not `every` with a callback: this runs once for every row of every sheet.
  const { cells, fromMerge } = row;
  for (let i = 0; i < cells.length; i++) {
    const text = cells[i];
    if (text !== undefined && text !== '' && !fromMerge?.[i]) return false;
  }
  return true;
}

export interface ColumnSpec<K extends string> {
  readonly key: K;
  /** The header as the template writes it (used in messages). */
  readonly header: string;
  /** Other accepted spellings (compared with `looseKey`). */
  readonly aliases?: readonly string[];
  readonly required: boolean;
  /** A known column whose cells are never read (no `extra_column` warning, no checks). */
  readonly unread?: boolean;
}

export interface LocatedColumn {
  readonly index: number;
  /** The header text as written in the file. */
  readonly header: string;
}

export interface TableLayout<K extends string> {
  /** Index into `grid.rows` of the header row. */
  readonly headerIndex: number;
  readonly headerRowNumber: number;
  readonly columns: Partial<Record<K, LocatedColumn>>;
}

function specMatches<K extends string>(spec: ColumnSpec<K>, key: string): boolean {
  return looseKey(spec.header) === key || (spec.aliases ?? []).some((alias) => looseKey(alias) === key);
}

/** For one row: which cell indexes match each spec. */
function matchRow<K extends string>(row: GridRow, specs: readonly ColumnSpec<K>[]): Map<K, number[]> {
  const found = new Map<K, number[]>();
  row.cells.forEach((_, index) => {
    const key = looseKey(ownCell(row, index));
    if (key === '') return;
    const spec = specs.find((s) => specMatches(s, key));
    if (!spec) return;
    const list = found.get(spec.key) ?? [];
    list.push(index);
    found.set(spec.key, list);
  });
  return found;
}

/**
 * The data rows of the sheet's table of `specs`, or none when the table is not found or
 * cannot be read (the reason is then an issue in `ctx`).
 */
export function readTable<K extends string>(
  grid: Grid,
  specs: readonly ColumnSpec<K>[],
  ctx: SheetContext,
): TableRecord<K>[] {
  const layout = locateTable(grid, specs, ctx);
  return (layout && tableRecords(grid, specs, layout, ctx)) ?? [];
}

/**
 * Finds the header row: the first of the first {@link MAX_HEADER_SEARCH_ROWS} rows that
 * holds every required header. Reports `missing_column` (per missing header, naming the
 * ones that were found), `duplicate_column` and `extra_column`. Returns undefined when no
 * header row was found.
 */
export function locateTable<K extends string>(
  grid: Grid,
  specs: readonly ColumnSpec<K>[],
  ctx: SheetContext,
): TableLayout<K> | undefined {
  const required = specs.filter((s) => s.required);
  let best: { index: number; found: Map<K, number[]>; requiredCount: number } | undefined;
  let headerIndex = -1;
  let headerFound: Map<K, number[]> | undefined;

  const limit = Math.min(grid.rows.length, MAX_HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    const row = grid.rows[i];
    if (!row) continue;
    const found = matchRow(row, specs);
    const requiredCount = required.filter((s) => found.has(s.key)).length;
    if (requiredCount === required.length) {
      headerIndex = i;
      headerFound = found;
      break;
    }
    if (requiredCount > 0 && (!best || requiredCount > best.requiredCount)) best = { index: i, found, requiredCount };
  }

  if (headerIndex < 0 || !headerFound) {
    reportMissingColumns(grid, specs, ctx, best);
    return undefined;
  }

  const headerRow = grid.rows[headerIndex]!;
  const columns: Partial<Record<K, LocatedColumn>> = {};
  for (const spec of specs) {
    const indexes = headerFound.get(spec.key);
    const first = indexes?.[0];
    if (first === undefined) continue;
    const header = headerRow.cells[first] ?? spec.header;
    columns[spec.key] = { index: first, header };
    if (indexes && indexes.length > 1) {
      const letters = indexes.map(columnLetter);
      ctx.error({
        code: ISSUE_CODES.duplicateColumn,
        message:
          `${ctx.where(headerRow.rowNumber, header)}rubriken "${spec.header}" finns i flera kolumner ` +
          `(${letters.join(', ')}). Varje rubrik får bara finnas en gång – ta bort eller byt namn på de extra kolumnerna.`,
        row: headerRow.rowNumber,
        column: header,
      });
    }
  }

  const known = specs.map((s) => s.header).join(', ');
  headerRow.cells.forEach((_, index) => {
    const text = ownCell(headerRow, index);
    if (text === '' || specs.some((s) => specMatches(s, looseKey(text)))) return;
    ctx.warning({
      code: ISSUE_CODES.extraColumn,
      message:
        `${ctx.where(headerRow.rowNumber, text)}kolumnen känns inte igen och läses inte in. ` +
        `Kolumner som läses in: ${known}. Om kolumnen ska vara med, kontrollera stavningen av rubriken.`,
      row: headerRow.rowNumber,
      column: text,
    });
  });

  return { headerIndex, headerRowNumber: headerRow.rowNumber, columns };
}

function reportMissingColumns<K extends string>(
  grid: Grid,
  specs: readonly ColumnSpec<K>[],
  ctx: SheetContext,
  best: { index: number; found: Map<K, number[]> } | undefined,
): void {
  const bestRow = best ? grid.rows[best.index] : undefined;
  const foundHeaders: string[] = [];
  if (best && bestRow) {
    for (const spec of specs) {
      const index = best.found.get(spec.key)?.[0];
      if (index !== undefined) foundHeaders.push(bestRow.cells[index] ?? spec.header);
    }
  }
  const foundText =
    best && bestRow
      ? `Hittade rubriker på rad ${bestRow.rowNumber}: ${quotedList(foundHeaders.map((h) => excerpt(h, 80)))}.`
      : `Ingen av rubrikerna hittades på de ${MAX_HEADER_SEARCH_ROWS} första raderna.`;
  const requiredList = specs.filter((s) => s.required).map((s) => s.header);
  for (const spec of specs) {
    if (!spec.required || best?.found.has(spec.key)) continue;
    ctx.error({
      code: ISSUE_CODES.missingColumn,
      message:
        `${ctx.sheetLabel()} saknar kolumnen "${spec.header}". ${foundText} ` +
        `Rubrikerna ${quotedList(requiredList)} måste stå på samma rad, inom de ${MAX_HEADER_SEARCH_ROWS} första raderna. ` +
        `Lägg till kolumnen eller rätta stavningen av rubriken.`,
      ...(bestRow ? { row: bestRow.rowNumber } : {}),
      column: spec.header,
    });
  }
}

export interface TableRecord<K extends string> {
  readonly rowNumber: number;
  /** The cell's text (`""` when empty or when the column is absent). */
  get(key: K): string;
  /** The column's header as written (or the template's header when the column is absent). */
  header(key: K): string;
  /** Whether the column exists in this sheet. */
  has(key: K): boolean;
  /** Columns whose value was too long or a formula's error value (already reported): skip further checks on them. */
  readonly tooLong: ReadonlySet<K>;
}

/**
 * The non-blank rows below the header. Reports `too_many_rows` (and returns undefined)
 * when there are more than {@link MAX_DATA_ROWS}, and `value_too_long` for every known
 * cell longer than {@link MAX_CELL_LENGTH} characters.
 */
function tableRecords<K extends string>(
  grid: Grid,
  specs: readonly ColumnSpec<K>[],
  layout: TableLayout<K>,
  ctx: SheetContext,
): TableRecord<K>[] | undefined {
  const rows: GridRow[] = [];
  for (let i = layout.headerIndex + 1; i < grid.rows.length; i++) {
    const row = grid.rows[i]!;
    if (!isBlankRow(row)) rows.push(row);
  }
  if (rows.length > MAX_DATA_ROWS) {
    ctx.error({
      code: ISSUE_CODES.tooManyRows,
      message:
        `${ctx.sheetLabel()} har ${swedishNumber(rows.length)} rader med innehåll under rubrikraden, ` +
        `men högst ${swedishNumber(MAX_DATA_ROWS)} rader kan läsas in. Ta bort rader som inte behövs eller dela upp filen.`,
      value: String(rows.length),
    });
    return undefined;
  }
  const table = new TableColumns(specs, layout);
  // The columns each row is checked in, found once for the table.
  const checked = specs.flatMap((spec) => {
    const column = layout.columns[spec.key];
    return column && !spec.unread ? [{ key: spec.key, column }] : [];
  });
  reportHiddenRows(rows, ctx);

  return rows.map((row) => {
    let tooLong: Set<K> | undefined;
    for (const { key, column } of checked) {
      const value = row.values?.[column.index];
      if (value?.type === 'error' && !row.fromMerge?.[column.index]) {
        (tooLong ??= new Set<K>()).add(key);
        ctx.error({
          code: ISSUE_CODES.formulaError,
          message:
            `${ctx.where(row.rowNumber, column.header)}cellen visar felvärdet ${excerpt(value.value, 20)} från en formel, inte ett värde. ` +
            'Rätta formeln (eller skriv in värdet direkt i cellen) så att cellen visar det som ska stå där, och ladda upp filen igen.',
          row: row.rowNumber,
          column: column.header,
          value: value.value,
        });
        continue;
      }
      const text = row.cells[column.index] ?? '';
      if (text.length > MAX_CELL_LENGTH) {
        (tooLong ??= new Set<K>()).add(key);
        ctx.error({
          code: ISSUE_CODES.valueTooLong,
          message:
            `${ctx.where(row.rowNumber, column.header)}texten är ${swedishNumber(text.length)} tecken lång, ` +
            `men högst ${swedishNumber(MAX_CELL_LENGTH)} tecken får plats i en cell. Korta ner texten.`,
          row: row.rowNumber,
          column: column.header,
          value: text,
        });
      }
    }
    return new TableRow(table, row, tooLong ?? NONE);
  });
}

/** The `tooLong` of a row without such columns (most rows): one shared, never added to. */
const NONE: ReadonlySet<never> = new Set<never>();

/** A table's located columns and their headers, shared by its rows. */
class TableColumns<K extends string> {
  constructor(
    private readonly specs: readonly ColumnSpec<K>[],
    readonly layout: TableLayout<K>,
  ) {}

  header(key: K): string {
    return this.layout.columns[key]?.header ?? this.specs.find((s) => s.key === key)?.header ?? String(key);
  }
}

/**
 * One data row: methods on a class rather than closures per row (a 20,000-row sheet made
 * 40,000 closures, and a Set each, for rows that mostly need neither).
 */
class TableRow<K extends string> implements TableRecord<K> {
  readonly rowNumber: number;

  constructor(
    private readonly table: TableColumns<K>,
    private readonly row: GridRow,
    readonly tooLong: ReadonlySet<K>,
  ) {
    this.rowNumber = row.rowNumber;
  }

  get(key: K): string {
    const column = this.table.layout.columns[key];
    return column ? (this.row.cells[column.index] ?? '') : '';
  }

  header(key: K): string {
    return this.table.header(key);
  }

  has(key: K): boolean {
    return this.table.layout.columns[key] !== undefined;
  }
}

/** Most row ranges a `hidden_rows` warning lists; the rest are counted. */
const MAX_LISTED_RANGES = 20;

/**
 * One warning per sheet for hidden data rows (hidden by hand or by a filter): they are read
 * like any other row, which the person who hid them may not expect.
 */
function reportHiddenRows(rows: readonly GridRow[], ctx: SheetContext): void {
  const hidden = rows.filter((row) => row.hidden).map((row) => row.rowNumber);
  if (hidden.length === 0) return;
  const ranges: string[] = [];
  for (let i = 0; i < hidden.length;) {
    let j = i;
    while (j + 1 < hidden.length && hidden[j + 1] === hidden[j]! + 1) j++;
    ranges.push(i === j ? String(hidden[i]) : `${hidden[i]}–${hidden[j]}`);
    i = j + 1;
  }
  const listed =
    ranges.slice(0, MAX_LISTED_RANGES).join(', ') +
    (ranges.length > MAX_LISTED_RANGES ? ` och ${ranges.length - MAX_LISTED_RANGES} områden till` : '');
  ctx.warning({
    code: ISSUE_CODES.hiddenRows,
    message:
      `${ctx.sheetLabel()} har dolda rader som ändå läses in: ${hidden.length === 1 ? 'rad' : 'raderna'} ${listed}. ` +
      'Om de inte ska vara med i rapporten: ta bort raderna (inte bara dölj eller filtrera bort dem) och ladda upp filen igen.',
    row: hidden[0]!,
    value: ranges.join(', '),
  });
}
