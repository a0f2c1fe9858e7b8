/**
 * Parses one uploaded goal follow-up file (.xlsx workbook or .csv) into domain content,
 * collecting every problem as a Swedish `InputIssue`. Pure: no I/O, no env, no logging,
 * and bad input never throws.
 */
import { formatPeriod, type InputIssue, type ParseResult, type Period, type UploadContent } from '../domain.js';
import { uploadFormat } from '../keys.js';
import { unsupportedFormatIssue } from '../routing-issues.js';
import { ACTIVITY_COLUMNS, parseActivities } from './activities.js';
import { parseCaseSheet } from './caseSheet.js';
import {
  declaredDelimiter,
  decodeCsv,
  guessDelimiter,
  parseCsvHead,
  parseCsvText,
  type CsvDelimiter,
  type CsvParseResult,
} from './csv.js';
import { parseGoals } from './goals.js';
import { ISSUE_CODES, IssueCollector, SheetContext } from './issues.js';
import { EXCEL_MAX_ROWS, MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS } from './sheetExtent.js';
import { sniff } from './sniff.js';
import { isBlankRow, locateTable, MAX_DATA_ROWS, MAX_HEADER_SEARCH_ROWS, type Grid } from './table.js';
import { columnIndex, columnLetter, excerpt, looseKey, quotedList, swedishNumber } from './text.js';
import { parseCellFormula, WORKBOOK_PERIOD_NAME } from './workbook-period.js';
import { keepRead, readWorkbook, type WorkbookProblem, type WorkbookRead } from './xlsx.js';
import { MAX_COMPRESSION_RATIO, MAX_ENTRY_BYTES, MAX_UNCOMPRESSED_BYTES } from './zip.js';

export { MAX_CELL_LENGTH, MAX_DATA_ROWS } from './table.js';
export { MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS } from './sheetExtent.js';
export { MAX_COMPRESSION_RATIO, MAX_ENTRY_BYTES, MAX_UNCOMPRESSED_BYTES } from './zip.js';

/** Largest upload accepted (its reason is with the constant). */
export { MAX_UPLOAD_BYTES } from '../upload-limits.js';
import { MAX_UPLOAD_BYTES } from '../upload-limits.js';

/** Sheet names as the template writes them (matched case/whitespace-insensitively). */
export const SHEET_NAMES = { activities: 'Aktiviteter', goals: 'Mål', case: 'Ärende' } as const;

export type UploadFileType = 'xlsx' | 'csv';

/** The file type implied by the name's extension (case-insensitive), or undefined. */
export function uploadFileType(fileName: string): UploadFileType | undefined {
  // The one table of formats is the routing's (keys.ts), so ingest and parser agree.
  const format = uploadFormat(fileName);
  return 'read' in format ? format.read : undefined;
}

/**
 * The refusal of a file over {@link MAX_UPLOAD_BYTES}. The ingest uses it straight from
 * the S3 event's size, so such a file is never downloaded.
 */
export function fileTooLargeIssue(fileName: string, size: number): InputIssue {
  return {
    code: ISSUE_CODES.fileTooLarge,
    message:
      `Filen "${fileName}" är ${megabytes(size)} MB, men högst ${megabytes(MAX_UPLOAD_BYTES)} MB kan tas emot. ` +
      'Ta bort bilder, flikar och formatering som inte behövs (eller dela upp filen) och ladda upp den igen.',
    file: fileName,
    value: String(size),
  };
}

export interface ParseOptions {
  /** The period the file was uploaded into: a workbook written for another one gets an `other_period` warning. */
  readonly period?: Period;
}

export async function parseUpload(
  fileName: string,
  bytes: Uint8Array,
  options: ParseOptions = {},
): Promise<ParseResult> {
  const issues = new IssueCollector(fileName);
  const type = uploadFileType(fileName);
  let content: UploadContent | undefined;

  if (!type) {
    reportUnsupported(fileName, issues);
  } else if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    issues.errors.push(fileTooLargeIssue(fileName, bytes.byteLength));
  } else if (bytes.byteLength === 0) {
    reportEmpty(fileName, issues);
  } else if (type === 'xlsx') {
    content = parseWorkbookUpload(fileName, bytes, issues, options);
  } else {
    content = parseCsvUpload(fileName, bytes, issues);
  }

  const warnings = capIssues(fileName, issues.warnings, 'varningar');
  if (issues.errors.length > 0 || !content) {
    return { ok: false, errors: capIssues(fileName, issues.errors, 'fel'), warnings };
  }
  return { ok: true, content, warnings };
}

/**
 * At most this many issues of a kind go into a receipt. A hostile or badly broken file
 * can have one per cell; a person fixes the first few hundred and uploads again, and a
 * receipt of tens of megabytes helps nobody.
 */
export const MAX_REPORTED_ISSUES = 500;

function capIssues(fileName: string, list: readonly InputIssue[], noun: 'fel' | 'varningar'): InputIssue[] {
  if (list.length <= MAX_REPORTED_ISSUES) return [...list];
  const rest = list.length - MAX_REPORTED_ISSUES;
  return [
    ...list.slice(0, MAX_REPORTED_ISSUES),
    {
      code: ISSUE_CODES.moreIssues,
      message: `Filen har ${swedishNumber(rest)} ${noun} till utöver de ${MAX_REPORTED_ISSUES} som visas här. Rätta dem som visas och ladda upp filen igen, så syns resten.`,
      file: fileName,
      value: String(rest),
    },
  ];
}

function reportUnsupported(fileName: string, issues: IssueCollector): void {
  const format = uploadFormat(fileName);
  if ('refuse' in format) issues.errors.push(unsupportedFormatIssue(fileName, format.refuse));
}

function reportEmpty(fileName: string, issues: IssueCollector): void {
  issues.error({
    code: ISSUE_CODES.emptyFile,
    message: `Filen "${fileName}" är tom. Kontrollera att du har valt rätt fil och att den är sparad, och ladda upp den igen.`,
  });
}

/** `20971520` → `"20"`, `1500000` → `"1,4"`: megabytes (MiB) as written in Swedish messages. */
function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return (mb >= 10 ? String(Math.round(mb)) : mb.toFixed(1)).replace('.', ',');
}

const SAVE_AS_XLSX =
  'Öppna filen i Excel, välj Arkiv → Spara som → Excel-arbetsbok (.xlsx) och ladda upp den nya filen.';

function reportWorkbookProblem(fileName: string, problem: WorkbookProblem, issues: IssueCollector): void {
  const file = `Filen "${fileName}"`;
  switch (problem.kind) {
    case 'legacy_xls':
      issues.error({
        code: ISSUE_CODES.legacyXls,
        message: `${file} är sparad i det äldre Excel-formatet (.xls), fast namnet slutar på .xlsx, och kan inte läsas. ${SAVE_AS_XLSX}`,
      });
      return;
    case 'encrypted':
      issues.error({
        code: ISSUE_CODES.encryptedWorkbook,
        message:
          `${file} är lösenordsskyddad (krypterad) och kan därför inte läsas. Öppna den i Excel, ta bort lösenordet ` +
          '(Arkiv → Information → Skydda arbetsbok → Kryptera med lösenord, töm fältet och klicka OK), spara och ladda upp filen igen.',
      });
      return;
    case 'not_a_workbook': {
      const what = {
        pdf: 'är en PDF-fil, inte en Excel-arbetsbok, fast namnet slutar på .xlsx. Ladda upp själva Excel-filen (.xlsx), gärna utifrån mallen.',
        other_office: `är ett Word- eller PowerPoint-dokument, inte en Excel-arbetsbok, fast namnet slutar på .xlsx. Ladda upp Excel-filen (.xlsx), gärna utifrån mallen.`,
        zip: `är ett zip-arkiv men ingen Excel-arbetsbok (det kan till exempel vara ett Word-dokument eller ett kalkylark från ett annat program). ${SAVE_AS_XLSX}`,
        unknown: `är inte en Excel-arbetsbok, fast namnet slutar på .xlsx. ${SAVE_AS_XLSX}`,
      }[problem.detected];
      issues.error({ code: ISSUE_CODES.notAWorkbook, message: `${file} ${what}` });
      return;
    }
    case 'corrupt':
      issues.error({
        code: ISSUE_CODES.unreadableWorkbook,
        message: `${file} kunde inte läsas som en Excel-arbetsbok. Den verkar vara skadad eller ofullständig (till exempel avbruten under uppladdningen). ${SAVE_AS_XLSX}`,
      });
      return;
    case 'too_large': {
      const zip = problem.zip;
      const why =
        zip.kind === 'entry_too_large'
          ? `en del av den (${excerpt(zip.entry, 80)}) packas upp till ${megabytes(zip.size)} MB, men högst ${megabytes(MAX_ENTRY_BYTES)} MB per del kan läsas`
          : zip.kind === 'total_too_large'
            ? `den packas upp till mer än ${megabytes(MAX_UNCOMPRESSED_BYTES)} MB, som är gränsen`
            : zip.kind === 'ratio_too_high'
              ? `en del av den (${excerpt(zip.entry, 80)}) packas upp ${swedishNumber(zip.ratio)} gånger större, mer än ${MAX_COMPRESSION_RATIO} gånger som ett vanligt kalkylblad aldrig kommer i närheten av`
              : zip.kind === 'zip64'
                ? 'den är sparad i zip64-formatet, som bara behövs för filer över 4 GB'
                : `den består av ${swedishNumber(zip.count)} delar`;
      issues.error({
        code: ISSUE_CODES.workbookTooLarge,
        message:
          `${file} är för stor för att läsas: ${why}. Ta bort flikar, bilder och tomma men formaterade rader och kolumner ` +
          'som inte behövs, eller utgå från mallen, och ladda upp filen igen.',
      });
      return;
    }
    case 'sheet_too_large': {
      const sheet = excerpt(problem.sheet, 80);
      const extent = problem.extent;
      if (extent.limit === 'rows') {
        issues.error({
          code: ISSUE_CODES.tooManyRows,
          sheet: problem.sheet,
          message:
            extent.row > EXCEL_MAX_ROWS || extent.ref === ''
              ? `Fliken "${sheet}" har rader efter rad ${swedishNumber(EXCEL_MAX_ROWS)}, som är Excels sista rad, så filen är skadad. ${SAVE_AS_XLSX}`
              : `Fliken "${sheet}" har innehåll ända ned till rad ${swedishNumber(extent.row)} (cell ${extent.ref}), men högst ${swedishNumber(MAX_SHEET_ROWS)} rader kan läsas. ` +
                'Ta bort innehållet i raderna under tabellen (markera raderna, högerklicka och välj Ta bort), spara och ladda upp filen igen.',
          value: String(extent.row),
        });
      } else if (extent.limit === 'columns') {
        issues.error({
          code: ISSUE_CODES.tooManyColumns,
          sheet: problem.sheet,
          message:
            `Fliken "${sheet}" har innehåll ända ut till cell ${extent.ref}, men högst ${MAX_SHEET_COLUMNS} kolumner (till och med kolumn ${columnLetter(MAX_SHEET_COLUMNS - 1)}) kan läsas. ` +
            'Ta bort innehållet i kolumnerna till höger om tabellen (markera kolumnerna, högerklicka och välj Ta bort), spara och ladda upp filen igen.',
          value: String(extent.column),
        });
      } else {
        issues.error({
          code: ISSUE_CODES.tooManyCells,
          sheet: problem.sheet,
          message:
            `Fliken "${sheet}" har innehåll i ett område på ${swedishNumber(extent.rows)} rader × ${swedishNumber(extent.columns)} kolumner, ` +
            `men högst ${swedishNumber(MAX_SHEET_CELLS)} celler kan läsas. Ta bort innehåll långt nedanför och till höger om tabellen, spara och ladda upp filen igen.`,
          value: `${extent.rows}×${extent.columns}`,
        });
      }
      return;
    }
  }
}

function parseWorkbookUpload(
  fileName: string,
  bytes: Uint8Array,
  issues: IssueCollector,
  options: ParseOptions,
): UploadContent | undefined {
  const read = readWorkbook(bytes);
  if (!read.ok) {
    reportWorkbookProblem(fileName, read.problem, issues);
    return undefined;
  }
  if (options.period) checkWorkbookPeriod(read, options.period, issues);

  const find = (name: string): Grid | undefined => read.sheets.find((s) => looseKey(s.sheet) === looseKey(name));
  const activitiesGrid = find(SHEET_NAMES.activities);
  const goalsGrid = find(SHEET_NAMES.goals);
  const caseGrid = find(SHEET_NAMES.case);

  if (!activitiesGrid) {
    issues.error({
      code: ISSUE_CODES.missingSheet,
      message:
        `Arbetsboken saknar fliken "${SHEET_NAMES.activities}". Flikar i filen: ${sheetNames(read.sheets)}. ` +
        `Byt namn på fliken med aktiviteterna till "${SHEET_NAMES.activities}", eller utgå från mallen.`,
      sheet: SHEET_NAMES.activities,
      value: read.sheets.map((s) => s.sheet).join(', '),
    });
  }

  const activities = activitiesGrid
    ? parseActivities(activitiesGrid, new SheetContext(issues, activitiesGrid.sheet, false))
    : [];
  // An optional sheet left completely empty counts as absent.
  const goals =
    goalsGrid && !goalsGrid.rows.every(isBlankRow)
      ? parseGoals(goalsGrid, new SheetContext(issues, goalsGrid.sheet, false))
      : [];
  const caseSections = caseGrid ? parseCaseSheet(caseGrid, new SheetContext(issues, caseGrid.sheet, false)) : [];
  // A refused workbook gets a marked-up copy, made from this read (annotate.ts).
  if (issues.errors.length > 0) keepRead(bytes, read);
  return { goals, activities, caseSections };
}

/** The period written into the workbook by `buildWorkbook`, if it is there. */
export function workbookPeriod(read: WorkbookRead): string | undefined {
  const name = read.definedNames.find((n) => n.name.toLowerCase() === WORKBOOK_PERIOD_NAME.toLowerCase());
  const place = name ? parseCellFormula(name.value) : undefined;
  if (!place) return undefined;
  const sheet =
    read.sheets.find((s) => s.sheet === place.sheet) ??
    read.sheets.find((s) => looseKey(s.sheet) === looseKey(place.sheet));
  const match = /^([A-Z]+)(\d+)$/.exec(place.ref);
  if (!sheet || !match) return undefined;
  const row = sheet.rows[Number(match[2]) - 1];
  const text = row?.cells[columnIndex(match[1] ?? '')] ?? '';
  return text === '' ? undefined : excerpt(text, 40);
}

function checkWorkbookPeriod(read: WorkbookRead, period: Period, issues: IssueCollector): void {
  const written = workbookPeriod(read);
  const target = formatPeriod(period);
  if (written === undefined || looseKey(written) === looseKey(target)) return;
  issues.warning({
    code: ISSUE_CODES.otherPeriod,
    message:
      `Arbetsboken är skriven för ${written}, men den laddades upp till ${target}. Innehållet läses in för ${target}. ` +
      `Om filen hör till ${written}: ta bort den härifrån och ladda upp den till rätt tertial.`,
    value: written,
  });
}

/** The sheet names for a message: the first ten, each shortened. */
function sheetNames(sheets: readonly Grid[]): string {
  const names = quotedList(sheets.slice(0, 10).map((s) => excerpt(s.sheet, 40)));
  return sheets.length > 10 ? `${names} och ${sheets.length - 10} till` : names;
}

function parseCsvUpload(fileName: string, bytes: Uint8Array, issues: IssueCollector): UploadContent | undefined {
  const kind = sniff(bytes);
  const text = kind === 'unknown' ? decodeCsv(bytes) : '';
  if (kind !== 'unknown' || text.includes('\0')) {
    const what =
      kind === 'zip'
        ? 'är en Excel-arbetsbok (eller ett annat zip-arkiv), inte en CSV-fil. Om det är en Excel-arbetsbok: byt filändelsen till .xlsx, eller öppna den i Excel och spara som CSV'
        : kind === 'legacy_xls' || kind === 'encrypted' || kind === 'other_office'
          ? 'är en Office-fil (till exempel en .xls-arbetsbok), inte en CSV-fil. Öppna den i Excel och spara som Excel-arbetsbok (.xlsx) eller CSV'
          : kind === 'pdf'
            ? 'är en PDF-fil, inte en CSV-fil. Ladda upp själva Excel- eller CSV-filen'
            : 'innehåller binära data (nolltecken), så den är ingen textfil. Öppna den i Excel och spara som CSV UTF-8 eller CSV (semikolonavgränsad)';
    issues.error({ code: ISSUE_CODES.binaryCsv, message: `Filen "${fileName}" ${what}, och ladda upp den igen.` });
    return undefined;
  }
  if (text.trim() === '') {
    reportEmpty(fileName, issues);
    return undefined;
  }

  const sheet = SHEET_NAMES.activities;
  const parsed = chooseCsvParse(text, sheet, fileName);
  const ctx = new SheetContext(issues, sheet, true);
  if (parsed.limit) {
    const { limit } = parsed;
    if (limit.kind === 'rows') {
      ctx.error({
        code: ISSUE_CODES.tooManyRows,
        message:
          `Filen har fler än ${swedishNumber(MAX_SHEET_ROWS)} rader (räknat med tomma rader), men högst ${swedishNumber(MAX_DATA_ROWS)} rader med innehåll kan läsas in. ` +
          'Ta bort rader som inte behövs eller dela upp filen.',
        row: limit.row,
      });
    } else {
      ctx.error({
        code: ISSUE_CODES.tooManyColumns,
        message:
          `${ctx.where(limit.row)}raden har ${swedishNumber(limit.columns)} fält, men högst ${MAX_SHEET_COLUMNS} kolumner kan läsas. ` +
          'Kontrollera att filen är semikolon-, komma- eller tabbavgränsad och spara den från Excel igen.',
        row: limit.row,
        value: String(limit.columns),
      });
    }
    return undefined;
  }
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
 * Picks the delimiter: an Excel `sep=` line if present; otherwise the one of `;`/`,`/Tab whose
 * parse has a complete header row; otherwise the one that occurs most outside quotes.
 */
function chooseCsvParse(text: string, sheet: string, fileName: string): CsvParseResult {
  const parse = (d: CsvDelimiter): CsvParseResult => parseCsvText(text, d, sheet, MAX_SHEET_ROWS, MAX_SHEET_COLUMNS);
  const declared = declaredDelimiter(text);
  if (declared) return parse(declared);
  // The header is looked for in the first MAX_HEADER_SEARCH_ROWS records only, so those
  // decide; then the whole file is parsed once (not once per candidate: time and memory).
  const candidates: CsvDelimiter[] = [';', ',', '\t'];
  const scratch = new SheetContext(new IssueCollector(fileName), sheet, true);
  const withHeader = candidates.find(
    (d) =>
      locateTable(
        parseCsvHead(text, d, sheet, MAX_HEADER_SEARCH_ROWS, MAX_SHEET_COLUMNS).grid,
        ACTIVITY_COLUMNS,
        scratch,
      ) !== undefined,
  );
  return parse(withHeader ?? guessDelimiter(text));
}
