/**
 * Collects the errors and warnings found while parsing one upload, and formats the
 * "where" part of each Swedish message.
 */
import type { InputIssue } from '../domain.js';
import { excerpt } from './text.js';

/** Stable issue codes emitted by the parser. */
export const ISSUE_CODES = {
  unsupportedFileType: 'unsupported_file_type',
  emptyFile: 'empty_file',
  /** Larger than `MAX_UPLOAD_BYTES`. */
  fileTooLarge: 'file_too_large',
  /** A damaged or truncated .xlsx, or XML that cannot be read. */
  unreadableWorkbook: 'unreadable_workbook',
  /** Named .xlsx but something else: a PDF, a Word file, a zip without a workbook, random bytes. */
  notAWorkbook: 'not_a_workbook',
  /** Named .xlsx but an old .xls (OLE2) workbook. */
  legacyXls: 'legacy_xls',
  /** A password-protected (encrypted) workbook. */
  encryptedWorkbook: 'encrypted_workbook',
  /** Unpacks to more than the limits allow, or compresses suspiciously well (a zip bomb), or is ZIP64. */
  workbookTooLarge: 'workbook_too_large',
  /** Named .csv but binary: NUL bytes, or a workbook, an .xls or a PDF renamed. */
  binaryCsv: 'binary_csv',
  csvQuoteError: 'csv_quote_error',
  missingSheet: 'missing_sheet',
  missingColumn: 'missing_column',
  duplicateColumn: 'duplicate_column',
  extraColumn: 'extra_column',
  missingValue: 'missing_value',
  unknownStatus: 'unknown_status',
  unknownAssessment: 'unknown_assessment',
  duplicateGoal: 'duplicate_goal',
  invalidGoalId: 'invalid_goal_id',
  valueTooLong: 'value_too_long',
  /** A cell holding a formula's error value (`#N/A`, `#REF!`, …) instead of a value. */
  formulaError: 'formula_error',
  /** Rows hidden in the workbook (by hand or by a filter) that are read anyway. */
  hiddenRows: 'hidden_rows',
  /** A workbook written for one tertial, uploaded into another. */
  otherPeriod: 'other_period',
  /** More data rows than `MAX_DATA_ROWS`, or a sheet/CSV reaching beyond `MAX_SHEET_ROWS`. */
  tooManyRows: 'too_many_rows',
  /** More problems than a receipt lists; the rest are summarised in one issue. */
  moreIssues: 'more_issues',
  /** A sheet/CSV with values beyond column `MAX_SHEET_COLUMNS`. */
  tooManyColumns: 'too_many_columns',
  /** A sheet whose used area (last row × last column) exceeds `MAX_SHEET_CELLS`. */
  tooManyCells: 'too_many_cells',
  unknownCaseField: 'unknown_case_field',
  duplicateCaseField: 'duplicate_case_field',
  emptyCaseField: 'empty_case_field',
} as const;
export type IssueCode = (typeof ISSUE_CODES)[keyof typeof ISSUE_CODES];

export interface IssueInit {
  readonly code: IssueCode;
  readonly message: string;
  readonly sheet?: string;
  readonly row?: number;
  readonly column?: string;
  readonly value?: string;
}

/** Longest `value` copied into an issue (the message already quotes a short excerpt). */
const MAX_ISSUE_VALUE = 200;
/** Longest column header (or sheet name) copied into an issue or quoted in a message. */
const MAX_ISSUE_COLUMN = 80;

/** A header or sheet name as written, shortened only when it is too long to quote. */
function shortColumn(column: string): string {
  return column.length <= MAX_ISSUE_COLUMN ? column : excerpt(column, MAX_ISSUE_COLUMN);
}

export class IssueCollector {
  readonly errors: InputIssue[] = [];
  readonly warnings: InputIssue[] = [];

  constructor(readonly file: string) {}

  error(init: IssueInit): void {
    this.errors.push(this.build(init));
  }

  warning(init: IssueInit): void {
    this.warnings.push(this.build(init));
  }

  private build(init: IssueInit): InputIssue {
    const value = init.value === undefined ? undefined : excerpt(init.value, MAX_ISSUE_VALUE);
    const column = init.column === undefined ? undefined : shortColumn(init.column);
    return {
      code: init.code,
      message: init.message,
      file: this.file,
      ...(init.sheet === undefined ? {} : { sheet: init.sheet }),
      ...(init.row === undefined ? {} : { row: init.row }),
      ...(column === undefined ? {} : { column }),
      ...(value === undefined ? {} : { value }),
    };
  }
}

/**
 * Everything a sheet interpreter needs to report issues: which sheet, whether the
 * source is a CSV file (no tabs to name), and the collector.
 */
export class SheetContext {
  constructor(
    readonly issues: IssueCollector,
    /** The sheet's name as written in the workbook (or `Aktiviteter` for CSV). */
    readonly sheet: string,
    readonly isCsv: boolean,
  ) {}

  get file(): string {
    return this.issues.file;
  }

  /** `Fliken "Mål"` for workbooks, `Filen` for CSV: the subject of sheet-level messages. */
  sheetLabel(): string {
    return this.isCsv ? 'Filen' : `Fliken "${shortColumn(this.sheet)}"`;
  }

  /**
   * The "where" prefix of a message, e.g. `Fliken "Mål", rad 7, kolumn "Status": ` or
   * (CSV) `Rad 7, kolumn "Status": `.
   */
  where(row?: number, column?: string): string {
    const parts: string[] = [];
    if (!this.isCsv) parts.push(`Fliken "${shortColumn(this.sheet)}"`);
    if (row !== undefined) parts.push(parts.length === 0 ? `Rad ${row}` : `rad ${row}`);
    if (column !== undefined) parts.push(`kolumn "${shortColumn(column)}"`);
    return parts.length === 0 ? '' : `${parts.join(', ')}: `;
  }

  error(init: Omit<IssueInit, 'sheet'>): void {
    this.issues.error({ ...init, sheet: this.sheet });
  }

  warning(init: Omit<IssueInit, 'sheet'>): void {
    this.issues.warning({ ...init, sheet: this.sheet });
  }
}
