/**
 * A refused workbook, given back with its errors marked: a copy of the staff's own file
 * where each cell an error names is filled red and carries a comment (note) with the
 * Swedish message, and a new first sheet `Fel` lists every error, also those that name
 * no cell (a missing sheet or column).
 *
 * Safety:
 * - The original has passed the parser's bounded reader (`readWorkbook`: zip limits,
 *   sheet extents) before exceljs sees it, so a zip bomb or a cell in XFD1048576 is
 *   refused here as it is by the parser; `undefined` then, and for anything exceljs
 *   cannot read.
 * - Nothing written here is a formula (OWASP formula injection): messages go into notes,
 *   and the `Fel` sheet holds plain strings and numbers, which exceljs writes as
 *   shared strings and numbers, never as `<f>`. Cells of the original are not changed,
 *   only their fill.
 *
 * Locating a cell: the parser reports the row as Excel numbers it, and the column as the
 * header written in the file (or its letter when the sheet has no header row). The
 * header is looked up in the parser's own view of the sheet, top down over the rows up to
 * the error's row, compared as the parser compares headers.
 */
import ExcelJS from 'exceljs';
import type { InputIssue } from './domain.js';
import { ownCell, type Grid } from './parse/table.js';
import { columnIndex, looseKey } from './parse/text.js';
import { readWorkbook } from './parse/xlsx.js';
import { wrappedRowHeight } from './workbook.js';

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
    const grid = sheets.find((s) => s.sheet === issue.sheet) ?? sheets.find((s) => looseKey(s.sheet) === looseKey(issue.sheet ?? ''));
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

function uniqueSheetName(workbook: ExcelJS.Workbook, base: string): string {
  const taken = new Set(workbook.worksheets.map((ws) => ws.name.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const name = `${base} (${n})`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

function noteText(note: ExcelJS.Comment | string | undefined): string {
  if (note === undefined) return '';
  if (typeof note === 'string') return note;
  return (note.texts ?? []).map((t) => t.text).join('');
}

/**
 * The refused workbook with its errors marked, or undefined when it cannot be read
 * (the receipt alone then says what is wrong).
 */
export async function annotateWorkbook(original: Uint8Array, errors: readonly InputIssue[]): Promise<Uint8Array | undefined> {
  const read = await readWorkbook(original);
  if (!read.ok) return undefined;
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(original.buffer, original.byteOffset, original.byteLength) as unknown as ArrayBuffer);
  } catch {
    return undefined;
  }

  const located = locateIssues(read.sheets, errors);
  // One note per cell, with every message about it; a cell inside a merged range is
  // marked on the range's top-left cell, which is the one a spreadsheet shows.
  const byCell = new Map<string, { cell: ExcelJS.Cell; messages: string[] }>();
  const markedAt: (string | undefined)[] = located.map(() => undefined);
  let unmarked = 0;
  located.forEach((place, i) => {
    if (!place) return;
    const sheet = workbook.getWorksheet(place.sheet);
    if (!sheet) return;
    const raw = sheet.getCell(place.row, place.column + 1);
    const cell = raw.isMerged ? raw.master : raw;
    const id = `${place.sheet}\u0000${cell.address}`;
    let entry = byCell.get(id);
    if (!entry) {
      if (byCell.size >= MAX_MARKED_CELLS) {
        unmarked++;
        return;
      }
      entry = { cell, messages: [] };
      byCell.set(id, entry);
    }
    entry.messages.push(place.issue.message);
    markedAt[i] = cell.address;
  });

  for (const { cell, messages } of byCell.values()) {
    // exceljs shares one style object between the cells that had the same style in the
    // file: replace it, never change it in place, or every cell like this one turns red.
    cell.style = { ...cell.style, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: MARK_FILL_ARGB } } };
    const previous = noteText(cell.note as ExcelJS.Comment | string | undefined);
    const text = ['Fel att rätta:', ...messages].join('\n') + (previous === '' ? '' : `\n\nTidigare kommentar:\n${previous}`);
    cell.note = { texts: [{ text }], editAs: 'absolute' } as ExcelJS.Comment;
  }

  addErrorsSheet(workbook, errors, markedAt, unmarked > 0);

  try {
    return new Uint8Array(await workbook.xlsx.writeBuffer());
  } catch {
    return undefined;
  }
}

function addErrorsSheet(workbook: ExcelJS.Workbook, errors: readonly InputIssue[], markedAt: readonly (string | undefined)[], capped: boolean): void {
  // exceljs orders the tabs by `orderNo` (kept out of its typings).
  const order = (ws: ExcelJS.Worksheet) => ws as unknown as { orderNo: number };
  const firstOrder = Math.min(...workbook.worksheets.map((ws) => order(ws).orderNo));
  for (const ws of workbook.worksheets) {
    // Only the new sheet is selected: two selected tabs are "grouped" in Excel, and typing
    // would change both.
    for (const view of ws.views ?? []) (view as { tabSelected?: boolean }).tabSelected = false;
  }
  const sheet = workbook.addWorksheet(uniqueSheetName(workbook, ERRORS_SHEET), {
    views: [{ state: 'frozen', ySplit: 2, xSplit: 0, topLeftCell: 'A3', activeCell: 'A3' }],
  });
  order(sheet).orderNo = Number.isFinite(firstOrder) ? firstOrder - 1 : 0;
  (sheet.views[0] as { tabSelected?: boolean }).tabSelected = true;
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 0, visibility: 'visible' }];

  const intro = sheet.getCell('A1');
  intro.value =
    `Filen togs inte emot: ${errors.length} fel måste rättas. Varje fel står nedan; fel i en viss cell är också markerade ` +
    'med röd färg och en kommentar i sin flik.' +
    (capped ? ` Bara de ${MAX_MARKED_CELLS} första cellerna är markerade.` : '') +
    ' Rätta felen i din egen fil och ladda upp den igen (den här fliken behöver inte tas bort).';
  intro.font = { name: 'Calibri', size: 11, bold: true };
  intro.alignment = { wrapText: true, vertical: 'top' };
  sheet.mergeCells('A1:F1');
  sheet.getRow(1).height = 48;

  const headers = ['Blad', 'Rad', 'Kolumn', 'Värde', 'Fel', 'Markerad cell'];
  const widths = [16, 8, 18, 30, 90, 14];
  headers.forEach((text, i) => {
    const cell = sheet.getCell(2, i + 1);
    cell.value = text;
    cell.font = { name: 'Calibri', size: 11, bold: true, color: { argb: 'FFFFFFFF' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
    sheet.getColumn(i + 1).width = widths[i] ?? 12;
  });
  errors.forEach((issue, i) => {
    const row = sheet.getRow(i + 3);
    // Plain strings and numbers only: exceljs never writes either as a formula.
    const values: (string | number | null)[] = [
      issue.sheet ?? null,
      issue.row ?? null,
      issue.column ?? null,
      issue.value ?? null,
      issue.message,
      markedAt[i] ?? null,
    ];
    values.forEach((value, c) => {
      const cell = row.getCell(c + 1);
      cell.value = value;
      cell.alignment = { wrapText: true, vertical: 'top' };
    });
    const height = wrappedRowHeight(values.map((v, c) => ({ text: v === null ? '' : String(v), width: widths[c] ?? 12 })));
    if (height !== undefined) row.height = height;
  });
}
