/**
 * Parses one uploaded goal follow-up file (.xlsx workbook or .csv) into domain content,
 * collecting every problem as a Swedish `InputIssue`. Pure: no I/O, no env, no logging,
 * and bad input never throws.
 */
import type { ParseResult, UploadContent } from '../domain.js';
import { ACTIVITY_COLUMNS, parseActivities } from './activities.js';
import { parseCaseSheet } from './caseSheet.js';
import { declaredDelimiter, decodeCsv, guessDelimiter, parseCsvText, type CsvDelimiter, type CsvParseResult } from './csv.js';
import { parseGoals } from './goals.js';
import { ISSUE_CODES, IssueCollector, SheetContext } from './issues.js';
import { isBlankRow, locateTable, type Grid } from './table.js';
import { looseKey, quotedList } from './text.js';
import { readWorkbook } from './xlsx.js';

export { ISSUE_CODES, type IssueCode } from './issues.js';
export { MAX_CELL_LENGTH, MAX_DATA_ROWS, MAX_HEADER_SEARCH_ROWS } from './table.js';

/** Sheet names as the template writes them (matched case/whitespace-insensitively). */
export const SHEET_NAMES = { activities: 'Aktiviteter', goals: 'Mål', case: 'Ärende' } as const;

export type UploadFileType = 'xlsx' | 'csv';

/** The file type implied by the name's extension (case-insensitive), or undefined. */
export function uploadFileType(fileName: string): UploadFileType | undefined {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim())?.[1]?.toLowerCase();
  return ext === 'xlsx' || ext === 'csv' ? ext : undefined;
}

export async function parseUpload(fileName: string, bytes: Uint8Array): Promise<ParseResult> {
  const issues = new IssueCollector(fileName);
  const type = uploadFileType(fileName);
  let content: UploadContent | undefined;

  if (!type) {
    reportUnsupported(fileName, issues);
  } else if (bytes.byteLength === 0) {
    reportEmpty(fileName, issues);
  } else if (type === 'xlsx') {
    content = await parseWorkbookUpload(fileName, bytes, issues);
  } else {
    content = parseCsvUpload(fileName, bytes, issues);
  }

  if (issues.errors.length > 0 || !content) {
    return { ok: false, errors: issues.errors, warnings: issues.warnings };
  }
  return { ok: true, content, warnings: issues.warnings };
}

function reportUnsupported(fileName: string, issues: IssueCollector): void {
  const ext = /\.([^./\\]+)$/.exec(fileName.trim())?.[1];
  const legacyExcel = ext !== undefined && ['xls', 'xlsm', 'xlsb', 'ods', 'numbers'].includes(ext.toLowerCase());
  issues.error({
    code: ISSUE_CODES.unsupportedFileType,
    message: legacyExcel
      ? `Filen "${fileName}" är en .${ext}-fil, som inte kan läsas. Öppna den i Excel och välj Spara som → Excel-arbetsbok (.xlsx), och ladda sedan upp den nya filen.`
      : `Filen "${fileName}" har ett filformat som inte stöds${ext ? ` (.${ext})` : ''}. Ladda upp en Excel-arbetsbok (.xlsx) eller en CSV-fil (.csv), gärna utifrån mallen.`,
    ...(ext === undefined ? {} : { value: ext }),
  });
}

function reportEmpty(fileName: string, issues: IssueCollector): void {
  issues.error({
    code: ISSUE_CODES.emptyFile,
    message: `Filen "${fileName}" är tom. Kontrollera att du har valt rätt fil och att den är sparad, och ladda upp den igen.`,
  });
}

async function parseWorkbookUpload(fileName: string, bytes: Uint8Array, issues: IssueCollector): Promise<UploadContent | undefined> {
  const read = await readWorkbook(bytes);
  if (!read.ok) {
    const how =
      read.reason === 'legacy'
        ? 'Den verkar vara i det äldre .xls-formatet eller lösenordsskyddad.'
        : read.reason === 'not_xlsx'
          ? 'Innehållet är inte en Excel-arbetsbok, trots att filnamnet slutar på .xlsx.'
          : 'Den verkar vara skadad eller ofullständig.';
    issues.error({
      code: ISSUE_CODES.unreadableWorkbook,
      message: `Filen "${fileName}" kunde inte läsas som en Excel-arbetsbok. ${how} Öppna filen i Excel, välj Spara som → Excel-arbetsbok (.xlsx) utan lösenord och ladda upp den nya filen.`,
    });
    return undefined;
  }

  const find = (name: string): Grid | undefined => read.sheets.find((s) => looseKey(s.sheet) === looseKey(name));
  const activitiesGrid = find(SHEET_NAMES.activities);
  const goalsGrid = find(SHEET_NAMES.goals);
  const caseGrid = find(SHEET_NAMES.case);

  if (!activitiesGrid) {
    issues.error({
      code: ISSUE_CODES.missingSheet,
      message:
        `Arbetsboken saknar fliken "${SHEET_NAMES.activities}". Flikar i filen: ${quotedList(read.sheets.map((s) => s.sheet))}. ` +
        `Byt namn på fliken med aktiviteterna till "${SHEET_NAMES.activities}", eller utgå från mallen.`,
      sheet: SHEET_NAMES.activities,
      value: read.sheets.map((s) => s.sheet).join(', '),
    });
  }

  const activities = activitiesGrid ? parseActivities(activitiesGrid, new SheetContext(issues, activitiesGrid.sheet, false)) : [];
  // An optional sheet left completely empty counts as absent.
  const goals =
    goalsGrid && !goalsGrid.rows.every(isBlankRow) ? parseGoals(goalsGrid, new SheetContext(issues, goalsGrid.sheet, false)) : [];
  const caseSections = caseGrid ? parseCaseSheet(caseGrid, new SheetContext(issues, caseGrid.sheet, false)) : [];
  return { goals, activities, caseSections };
}

function parseCsvUpload(fileName: string, bytes: Uint8Array, issues: IssueCollector): UploadContent | undefined {
  const text = decodeCsv(bytes);
  if (text.trim() === '') {
    reportEmpty(fileName, issues);
    return undefined;
  }

  const sheet = SHEET_NAMES.activities;
  const parsed = chooseCsvParse(text, sheet, fileName);
  const ctx = new SheetContext(issues, sheet, true);
  for (const problem of parsed.quoteProblems) {
    ctx.error({
      code: ISSUE_CODES.csvQuoteError,
      message:
        problem.kind === 'unclosed'
          ? `${ctx.where(problem.row)}ett citattecken (") påbörjar ett fält som aldrig avslutas, så resten av filen kan inte läsas rätt. Lägg till det saknade citattecknet eller spara filen från Excel igen.`
          : `${ctx.where(problem.row)}ett citattecken (") står på fel plats. Text som innehåller citattecken ska stå inom citattecken, med dubbla citattecken ("") inuti. Spara gärna filen från Excel igen.`,
      row: problem.row,
    });
  }
  return { goals: [], activities: parseActivities(parsed.grid, ctx), caseSections: [] };
}

/**
 * Picks the delimiter: an Excel `sep=` line if present; otherwise the one of `;`/`,` whose
 * parse has a complete header row; otherwise the one that occurs most outside quotes.
 */
function chooseCsvParse(text: string, sheet: string, fileName: string): CsvParseResult {
  const declared = declaredDelimiter(text);
  if (declared) return parseCsvText(text, declared, sheet);
  const candidates: CsvDelimiter[] = [';', ','];
  const parses = candidates.map((d) => parseCsvText(text, d, sheet));
  const scratch = new SheetContext(new IssueCollector(fileName), sheet, true);
  const withHeader = parses.find((p) => locateTable(p.grid, ACTIVITY_COLUMNS, scratch) !== undefined);
  if (withHeader) return withHeader;
  const guess = guessDelimiter(text);
  return parses.find((p) => p.delimiter === guess) ?? parseCsvText(text, guess, sheet);
}
