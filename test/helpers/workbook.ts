/** Builds small workbooks in memory for tests, with exceljs (a writer the parser does not use). */
import ExcelJS from 'exceljs';

export type Cell = string | number | null;
export interface SheetSpec {
  readonly rows: readonly (readonly Cell[])[];
  /** Ranges such as `A3:A5` to merge after writing the rows. */
  readonly merges?: readonly string[];
}

export async function buildWorkbook(
  sheets: Record<string, SheetSpec | readonly (readonly Cell[])[]>,
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, spec] of Object.entries(sheets)) {
    const { rows, merges = [] } = Array.isArray(spec)
      ? { rows: spec as readonly (readonly Cell[])[] }
      : (spec as SheetSpec);
    const sheet = workbook.addWorksheet(name);
    for (const row of rows) sheet.addRow([...row]);
    for (const range of merges) sheet.mergeCells(range);
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

export const ACTIVITY_HEADER = ['Mål', 'Aktivitet', 'Ansvarig', 'Status', 'Kommentar'] as const;
export const GOAL_HEADER = ['Mål-id', 'Mål', 'Bedömning', 'Motivering', 'Fokusområde'] as const;

/** A workbook with one goal and the given activities under it. */
export function simpleWorkbook(
  goal: { id: string; title: string },
  activities: readonly { title: string; status: string; comment?: string }[],
): Promise<Uint8Array> {
  return buildWorkbook({
    Mål: [GOAL_HEADER, [goal.id, goal.title, 'Delvis uppfyllt', `Motivering för ${goal.title}.`, 'Hållbar gemenskap']],
    Aktiviteter: [
      ACTIVITY_HEADER,
      ...activities.map((a) => [goal.id, a.title, 'Kommunchef', a.status, a.comment ?? '']),
    ],
  });
}
