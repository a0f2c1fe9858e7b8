/**
 * The period a workbook was written for. `buildWorkbook` (workbook.ts) writes it, as
 * `formatPeriod` spells it (`ks 2024-T1`), into a hidden cell of the instructions sheet that
 * this defined name points at; the parser reads it back and warns when the workbook is
 * uploaded into another period (`other_period`). A defined name survives staff moving or
 * re-saving the sheet, and costs nothing when it is missing.
 */
export const WORKBOOK_PERIOD_NAME = 'Tertial_period';

/** `Instruktioner!$A$30` or `'Blad ''1'''!$A$30` → the sheet name and the cell reference. */
export function parseCellFormula(formula: string): { sheet: string; ref: string } | undefined {
  const m = /^\s*(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d{1,7})\s*$/.exec(formula);
  if (!m) return undefined;
  const sheet = m[1] !== undefined ? m[1].replace(/''/g, "'") : (m[2] ?? '');
  return { sheet, ref: `${(m[3] ?? '').toUpperCase()}${m[4] ?? ''}` };
}
