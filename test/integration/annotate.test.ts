/**
 * The refused workbook given back with its errors marked, read back with pizzip and the
 * XML (fills, comments, formulas) and with the project's reader (values).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_SHEET, MARK_FILL_ARGB, annotateWorkbook } from '../../lambdas/core/annotate.js';
import type { InputIssue } from '../../lambdas/core/domain.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import { readWorkbook } from '../../lambdas/core/parse/xlsx.js';
import { buildWorkbook } from '../helpers/workbook.js';
import { cells, comments, fillColours, openXlsx, partText, sheetParts, sheetXml } from '../helpers/xlsx-parts.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

async function refused(name: string, bytes: Uint8Array): Promise<readonly InputIssue[]> {
  const result = await parseUpload(name, bytes);
  if (result.ok) throw new Error(`${name} was accepted`);
  return result.errors;
}

/** Each sheet's cells as text, as the parser reads them. */
async function readExcelFile(bytes: Uint8Array): Promise<{ sheet: string; data: string[][] }[]> {
  const read = readWorkbook(new Uint8Array(bytes));
  if (!read.ok) throw new Error(`unreadable: ${read.problem.kind}`);
  return read.sheets.map((s) => ({ sheet: s.sheet, data: s.rows.map((r) => [...r.cells]) }));
}

/** Every cell of the sheet filled with the mark colour. */
function markedCells(bytes: Uint8Array, sheet: string): string[] {
  const zip = openXlsx(bytes);
  const fills = fillColours(zip);
  return cells(sheetXml(zip, sheet))
    .filter((c) => fills[c.style] === MARK_FILL_ARGB)
    .map((c) => c.ref)
    .sort();
}

function expectNoFormulas(bytes: Uint8Array): void {
  const zip = openXlsx(bytes);
  for (const { name } of sheetParts(zip)) {
    const xml = sheetXml(zip, name);
    expect(xml, name).not.toMatch(/<f[\s>/]/);
    for (const cell of cells(xml))
      expect(['s', 'n', 'inlineStr', undefined], `${name}!${cell.ref}`).toContain(cell.type);
  }
}

describe('annotateWorkbook: the refused bad.xlsx', () => {
  it('marks exactly the cells the errors name, with a comment carrying each message', async () => {
    const original = fixture('bad.xlsx');
    const errors = await refused('bad.xlsx', original);
    const copy = await annotateWorkbook(original, errors);
    expect(copy).toBeDefined();
    const bytes = copy!;

    // Headers of bad.xlsx: Aktiviteter A Mål, B Aktivitet, C Status, D Kommentar; Mål A Mål-id,
    // B Mål, C Bedömning, D Motivering; Ärende has no header row (columns by letter).
    expect(markedCells(bytes, 'Aktiviteter')).toEqual(['A6', 'B5', 'B7', 'C3', 'C7']);
    expect(markedCells(bytes, 'Mål')).toEqual(['A4', 'A5', 'B6', 'B7', 'C3']);
    expect(markedCells(bytes, 'Ärende')).toEqual(['A2', 'A3', 'A4']);

    const zip = openXlsx(bytes);
    const notes = comments(zip, 'Aktiviteter');
    expect([...notes.keys()].sort()).toEqual(['A6', 'B5', 'B7', 'C3', 'C7']);
    expect(notes.get('C3')).toContain('"Klar" är inte en giltig status');
    const c7 = errors.filter((e) => e.sheet === 'Aktiviteter' && e.row === 7 && e.column === 'Status');
    expect(c7).toHaveLength(1);
    expect(notes.get('C7')).toContain(c7[0]!.message);
    expect(comments(zip, 'Ärende').get('A2')).toContain('"Bakgrund" är inte ett känt fält');
  });

  it("adds a first sheet Fel listing every error, and keeps the staff's own values", async () => {
    const original = fixture('bad.xlsx');
    const errors = await refused('bad.xlsx', original);
    const bytes = (await annotateWorkbook(original, errors))!;
    expect(sheetParts(openXlsx(bytes)).map((s) => s.name)).toEqual([ERRORS_SHEET, 'Aktiviteter', 'Mål', 'Ärende']);
    expect(sheetXml(openXlsx(bytes), ERRORS_SHEET)).toMatch(/<sheetView\b[^>]*tabSelected="1"/);
    for (const name of ['Aktiviteter', 'Mål', 'Ärende'])
      expect(sheetXml(openXlsx(bytes), name)).not.toMatch(/tabSelected="1"/);

    const sheets = await readExcelFile(Buffer.from(bytes));
    const fel = sheets.find((s) => s.sheet === ERRORS_SHEET)!.data;
    expect(fel[1]).toEqual(['Blad', 'Rad', 'Kolumn', 'Värde', 'Fel', 'Markerad cell']);
    expect(fel.slice(2).map((r) => [r[0], r[1], r[2], r[5]])).toEqual(
      errors.map((e) => [e.sheet, String(e.row), e.column, expect.any(String)]),
    );
    expect(fel.slice(2).map((r) => r[4])).toEqual(errors.map((e) => e.message));

    const before = await readExcelFile(Buffer.from(original));
    for (const { sheet, data } of before) expect(sheets.find((s) => s.sheet === sheet)?.data, sheet).toEqual(data);
    expectNoFormulas(bytes);

    // Uploaded again unchanged, the copy is refused with the same errors: the Fel sheet is not read.
    const again = await refused('bad.xlsx', bytes);
    expect(again).toEqual(errors);
  });

  it('lists errors that name no cell on the Fel sheet only', async () => {
    const original = fixture('missing-sheet.xlsx');
    const errors = await refused('missing-sheet.xlsx', original);
    expect(errors.some((e) => e.code === 'missing_sheet')).toBe(true);
    const bytes = (await annotateWorkbook(original, errors))!;
    for (const { name } of sheetParts(openXlsx(bytes))) {
      if (name !== ERRORS_SHEET) expect(markedCells(bytes, name), name).toEqual([]);
    }
    const fel = (await readExcelFile(Buffer.from(bytes))).find((s) => s.sheet === ERRORS_SHEET)!.data;
    expect(fel.slice(2).map((r) => [r[4], r[5]])).toEqual(errors.map((e) => [e.message, '']));
  });
});

describe('annotateWorkbook: hostile and odd input', () => {
  it('writes no formula, whatever the values and messages start with', async () => {
    const hostile = ['=HYPERLINK("http://example.invalid","klicka")', '+1+2', '-3', '@SUM(A1)', '\t=1', '\r=2'];
    const original = await buildWorkbook({
      Aktiviteter: [
        ['Mål', 'Aktivitet', 'Status', 'Kommentar'],
        ...hostile.map((h) => ['KS1', `Aktivitet ${h}`, h, '']),
      ],
    });
    const errors = await refused('x.xlsx', original);
    expect(errors.map((e) => e.code)).toEqual(hostile.map(() => 'unknown_status'));
    const extra: InputIssue = {
      code: 'missing_value',
      message: '=1+1 är ett meddelande, ingen formel',
      file: 'x.xlsx',
      value: '=cmd|"/c calc"!A1',
    };
    const bytes = (await annotateWorkbook(original, [...errors, extra]))!;
    expectNoFormulas(bytes);
    const fel = (await readExcelFile(Buffer.from(bytes))).find((s) => s.sheet === ERRORS_SHEET)!.data;
    expect(fel.at(-1)?.slice(3, 5)).toEqual(['=cmd|"/c calc"!A1', '=1+1 är ett meddelande, ingen formel']);
    expect(markedCells(bytes, 'Aktiviteter')).toEqual(['C2', 'C3', 'C4', 'C5', 'C6', 'C7']);
  });

  it('marks a merged range once, on the cell a spreadsheet shows', async () => {
    const original = await buildWorkbook({
      Aktiviteter: {
        rows: [
          ['Mål', 'Aktivitet', 'Status', 'Kommentar'],
          ['KS1', 'A', 'Klar', ''],
          ['KS1', 'B', null, ''],
          ['KS1', 'C', 'Pågående', ''],
        ],
        merges: ['C2:C3'],
      },
    });
    const errors = await refused('x.xlsx', original);
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'Status'],
      [3, 'Status'],
    ]);
    const bytes = (await annotateWorkbook(original, errors))!;
    expect(markedCells(bytes, 'Aktiviteter')).toEqual(['C2']);
    const note = comments(openXlsx(bytes), 'Aktiviteter').get('C2') ?? '';
    expect(note).toContain('rad 2');
    expect(note).toContain('rad 3');
  });

  it('finds the header below title rows, and a sheet named Fel already there', async () => {
    const original = await buildWorkbook({
      Fel: [['egen flik']],
      Aktiviteter: [['Aktiviteter 2024'], [], ['Kommentar', 'Status', 'Aktivitet', 'Mål'], ['', 'Klar', 'A', 'KS1']],
    });
    const errors = await refused('x.xlsx', original);
    const bytes = (await annotateWorkbook(original, errors))!;
    expect(markedCells(bytes, 'Aktiviteter')).toEqual(['B4']);
    expect(sheetParts(openXlsx(bytes)).map((s) => s.name)).toEqual(['Fel (2)', 'Fel', 'Aktiviteter']);
  });

  it('reads a sheet that claims a huge dimension (the parser reads it too) without building it', async () => {
    const issue: InputIssue = {
      code: 'missing_value',
      message: 'Ett fel.',
      file: 'x.xlsx',
      sheet: 'Aktiviteter',
      row: 2,
      column: 'Status',
    };
    const started = Date.now();
    const bytes = await annotateWorkbook(fixture('huge-dimension.xlsx'), [issue]);
    expect(bytes).toBeDefined();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('in a sheet without row and cell numbers, styles the marked cells that exist and adds none', async () => {
    const original = fixture('corpus/with-aktiviteter-59746_NoRowNums-no-r.xlsx');
    const issue = (row: number, column: string): InputIssue => ({
      code: 'missing_value',
      message: `Fel i rad ${row}, ${column}.`,
      file: 'x.xlsx',
      sheet: 'Features',
      row,
      column,
    });
    // Row 2 has the cells A–K; column L is past its last cell.
    const bytes = await annotateWorkbook(original, [issue(2, 'Ion'), issue(4, 'Area'), issue(2, 'L')]);
    expect(bytes).toBeDefined();
    // The sheet (elements prefixed x:, no r on rows or cells), cell by cell: its attributes.
    const cellTags = (b: Uint8Array) =>
      [...partText(openXlsx(b), 'xl/worksheets/sheet.xml').matchAll(/<x:c\b([^>]*?)\/?>/g)].map((m) => m[1] as string);
    const before = cellTags(original);
    const after = cellTags(bytes!);
    // No cell was placed (it would need numbers the sheet does not have), none lost, none numbered.
    expect(after).toHaveLength(before.length);
    expect(after.some((a) => /\br=/.test(a))).toBe(false);
    const changed = after.flatMap((a, i) => (a !== before[i] ? [i] : []));
    // Row 2's second cell (Ion) and row 4's ninth (Area): rows 1 and 2 have 11 cells, row 3 nine.
    expect(changed).toEqual([11 + 1, 11 + 11 + 9 + 8]);
    expect(changed.map((i) => /\bs="(\d+)"/.exec(after[i]!)?.[1])).toEqual([
      expect.stringMatching(/^\d+$/),
      expect.stringMatching(/^\d+$/),
    ]);
    const features = async (b: Uint8Array) => (await readExcelFile(b)).find((s) => s.sheet === 'Features')?.data;
    expect(await features(bytes!)).toEqual(await features(original));
  });

  it.each(['corrupt.xlsx', 'pdf-renamed.xlsx', 'encrypted.xlsx', 'legacy-xls.xlsx', 'far-cell.xlsx'])(
    'gives up on %s (undefined), as the parser refuses to read it',
    async (name) => {
      const original = fixture(name);
      const result = await parseUpload(name, original);
      const errors = result.ok ? [] : result.errors;
      expect(await annotateWorkbook(original, errors)).toBeUndefined();
    },
  );

  it('gives up on bytes that are not a workbook at all', async () => {
    expect(await annotateWorkbook(new Uint8Array(), [])).toBeUndefined();
    expect(await annotateWorkbook(new TextEncoder().encode('Mål;Aktivitet\n'), [])).toBeUndefined();
  });
});
