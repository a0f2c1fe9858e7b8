/**
 * Writes the example workbooks that `npm start` uploads for kommunstyrelsen 2023 T3:
 *
 *   npx tsx examples/build-examples.ts
 *
 * Two workbooks, to show that a period's uploads combine:
 * - ks-2023-T3-mal-och-arende.xlsx: `Ärende` (the published case texts), `Mål` (the goals)
 *   and `Aktiviteter` (the activities of one goal; every workbook has that sheet);
 * - ks-2023-T3-aktiviteter.xlsx: `Aktiviteter` for the other goals, laid out as staff do:
 *   a title row above the header, one merged `Mål` cell over each goal's rows, and
 *   comments with line breaks.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { ACTIVITY_STATUSES, ASSESSMENTS } from '../lambdas/core/domain.js';
import { ACTIVITIES, ACTIVITIES_WORKBOOK, CASE_WORKBOOK, GOALS, type ExampleActivity } from './ks-2023-T3.js';
import { CONSIDERATIONS, FOCUS_AREA_TEXTS, PROPOSALS, SUMMARY } from './reference-texts.js';

const EXAMPLES_DIR = dirname(fileURLToPath(import.meta.url));
const FIXED_DATE = new Date('2024-01-15T08:00:00Z');

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E2F3' } };
const WRAP_TOP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'top' };

function newWorkbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Kommunförvaltningen';
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  return wb;
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle' };
    cell.border = { bottom: { style: 'thin' } };
  });
}

function listValidation(values: readonly string[]): ExcelJS.DataValidation {
  return {
    type: 'list',
    allowBlank: false,
    showErrorMessage: true,
    errorTitle: 'Ogiltigt värde',
    error: `Välj något av: ${values.join(', ')}.`,
    formulae: [`"${values.join(',')}"`],
  };
}

const ACTIVITY_COLUMNS = [
  { header: 'Mål', width: 28 },
  { header: 'Aktivitet', width: 44 },
  { header: 'Ansvarig', width: 22 },
  { header: 'Status', width: 14 },
  { header: 'Kommentar', width: 70 },
] as const;

function activityRow(a: ExampleActivity): string[] {
  return [a.goal, a.title, a.responsible, a.status, a.comment];
}

/** Ärende, Mål and Aktiviteter (one goal's activities). */
export function caseWorkbook(): ExcelJS.Workbook {
  const wb = newWorkbook();

  const arende = wb.addWorksheet('Ärende');
  arende.columns = [
    { header: 'Fält', width: 32 },
    { header: 'Text', width: 110 },
  ];
  styleHeader(arende.getRow(1));
  arende.addRow(['Ärendet i korthet', SUMMARY]);
  // One cell, a line break between paragraphs, as staff paste it.
  arende.addRow(['Förvaltningens övervägande', CONSIDERATIONS.join('\n')]);
  for (const proposal of PROPOSALS) arende.addRow(['Förslag till beslut', proposal]);
  for (const [area, text] of Object.entries(FOCUS_AREA_TEXTS)) arende.addRow([`Fokusområde ${area}`, text]);
  arende.eachRow((row, n) => {
    if (n > 1) row.getCell(2).alignment = WRAP_TOP;
    if (n > 1) row.getCell(1).alignment = { vertical: 'top' };
  });
  arende.views = [{ state: 'frozen', ySplit: 1 }];

  const mal = wb.addWorksheet('Mål');
  mal.columns = [
    { header: 'Mål-id', width: 9 },
    { header: 'Mål', width: 44 },
    { header: 'Bedömning', width: 17 },
    { header: 'Motivering', width: 80 },
    { header: 'Fokusområde', width: 20 },
  ];
  styleHeader(mal.getRow(1));
  for (const g of GOALS) {
    const row = mal.addRow([g.id, g.title, g.assessment, g.motivation, g.focusArea]);
    row.alignment = WRAP_TOP;
    row.getCell(3).dataValidation = listValidation(ASSESSMENTS);
  }
  mal.views = [{ state: 'frozen', ySplit: 1 }];

  const akt = wb.addWorksheet('Aktiviteter');
  akt.columns = ACTIVITY_COLUMNS.map((c) => ({ ...c }));
  styleHeader(akt.getRow(1));
  for (const a of ACTIVITIES.filter((x) => x.workbook === CASE_WORKBOOK)) {
    const row = akt.addRow(activityRow(a));
    row.alignment = WRAP_TOP;
    row.getCell(4).dataValidation = listValidation(ACTIVITY_STATUSES);
  }
  akt.views = [{ state: 'frozen', ySplit: 1 }];
  return wb;
}

/** Aktiviteter with a title row and merged goal cells. */
export function activitiesWorkbook(): ExcelJS.Workbook {
  const wb = newWorkbook();
  const ws = wb.addWorksheet('Aktiviteter');
  ACTIVITY_COLUMNS.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
  });

  ws.addRow(['Kommunstyrelsen – aktiviteter, tertial 3 2023']);
  ws.mergeCells(1, 1, 1, ACTIVITY_COLUMNS.length);
  ws.getRow(1).font = { bold: true, size: 14 };
  ws.getRow(1).height = 24;

  const header = ws.addRow(ACTIVITY_COLUMNS.map((c) => c.header));
  styleHeader(header);

  const rows = ACTIVITIES.filter((x) => x.workbook === ACTIVITIES_WORKBOOK);
  let i = 0;
  while (i < rows.length) {
    const first = rows[i];
    if (!first) break;
    let j = i;
    while (rows[j + 1]?.goal === first.goal) j++;
    const start = ws.rowCount + 1;
    for (let k = i; k <= j; k++) {
      const a = rows[k];
      if (!a) continue;
      // Only the merged range's first cell holds the goal, as when staff merge cells in Excel.
      const values = activityRow(a);
      if (k > i) values[0] = '';
      const row = ws.addRow(values);
      row.alignment = WRAP_TOP;
      row.getCell(4).dataValidation = listValidation(ACTIVITY_STATUSES);
    }
    const end = ws.rowCount;
    if (end > start) ws.mergeCells(start, 1, end, 1);
    ws.getCell(start, 1).alignment = WRAP_TOP;
    ws.getCell(start, 1).font = { bold: true };
    i = j + 1;
  }
  ws.views = [{ state: 'frozen', ySplit: 2 }];
  return wb;
}

export async function writeExamples(dir = EXAMPLES_DIR): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, wb] of [
    [CASE_WORKBOOK, caseWorkbook()],
    [ACTIVITIES_WORKBOOK, activitiesWorkbook()],
  ] as const) {
    const path = join(dir, name);
    await wb.xlsx.writeFile(path);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of await writeExamples()) console.log(`Wrote ${path}`);
}
