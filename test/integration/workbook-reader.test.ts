/**
 * The workbook reader against what staff send: cell text as the person saw it, error
 * values, the 1904 date system, Tab-separated and Mac Roman text, valid package variants,
 * hidden rows, and the hostile workbooks of the availability cases. Real-world files from
 * other producers are in test/fixtures/corpus/ (see notes.txt there for their sources).
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { annotateWorkbook } from '../../lambdas/core/annotate.js';
import type { InputIssue, ParseResult, UploadContent } from '../../lambdas/core/domain.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import { MAX_TAG_CHARS } from '../../lambdas/core/parse/xml.js';
import { keepRead, readWorkbook, takeKeptRead } from '../../lambdas/core/parse/xlsx.js';
import { inflatingEntryWorkbook, longAttributeWorkbook, plainWorkbook } from '../fixtures/hostile-workbooks.js';

const corpus = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../fixtures/corpus/${name}`, import.meta.url)));

function accepted(result: ParseResult): { content: UploadContent; warnings: readonly InputIssue[] } {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors, null, 2)}`);
  return result;
}

function refused(result: ParseResult): readonly InputIssue[] {
  if (result.ok) throw new Error('accepted');
  return result.errors;
}

const HEADER = ['Mål', 'Aktivitet', 'Status', 'Kommentar'];

async function sheet(
  rows: readonly (readonly ExcelJS.CellValue[])[],
  edit?: (ws: ExcelJS.Worksheet) => void,
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Aktiviteter');
  for (const row of rows) ws.addRow([...row]);
  edit?.(ws);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

describe('numbers typed into cells come out as the person saw them (Swedish number formats)', () => {
  it('percent, decimals, thousands separators, decimal comma and dates as yyyy-mm-dd', async () => {
    const bytes = await sheet(
      [
        HEADER,
        ['KS1', 'Andel', 'Pågående', 0.78],
        ['KS1', 'Ram', 'Pågående', 312.5],
        [1.1, 'Mål-id som tal', 'Pågående', 1234567],
        ['KS1', 'Belopp', 'Pågående', 1234.5],
        ['KS1', 'Datum', 'Pågående', new Date(Date.UTC(2024, 2, 1))],
        ['KS1', 'Två decimaler', 'Pågående', 0.785],
      ],
      (ws) => {
        ws.getCell('D2').numFmt = '0 %';
        ws.getCell('D4').numFmt = '#,##0';
        ws.getCell('D5').numFmt = '#,##0.00';
        ws.getCell('D6').numFmt = 'd/m/yyyy';
        ws.getCell('D7').numFmt = '0.00%';
      },
    );
    const { content } = accepted(await parseUpload('tal.xlsx', bytes));
    expect(content.activities.map((a) => [a.goalRef, a.comment])).toEqual([
      ['KS1', '78 %'],
      ['KS1', '312,5'],
      ['1,1', '1\u00a0234\u00a0567'],
      ['KS1', '1\u00a0234,50'],
      ['KS1', '2024-03-01'],
      ['KS1', '78,50%'],
    ]);
  });

  it('the reader gives each cell its type, value and number format beside the text', async () => {
    const bytes = await sheet([HEADER, ['KS1', 'Andel', true, 0.78]], (ws) => {
      ws.getCell('D2').numFmt = '0 %';
    });
    const read = readWorkbook(bytes);
    if (!read.ok) throw new Error(read.problem.kind);
    const row = read.sheets[0]!.rows[1]!;
    expect(row.cells).toEqual(['KS1', 'Andel', 'SANT', '78 %']);
    expect(row.values?.[2]).toEqual({ type: 'boolean', value: true, format: 'General' });
    expect(row.values?.[3]).toEqual({ type: 'number', value: 0.78, format: '0 %' });
    expect(row.values?.[0]).toBeUndefined();
  });
});

describe('error values from formulas', () => {
  it('#N/A in Status and in Kommentar is refused, naming the error and what to do', async () => {
    const bytes = await sheet([
      HEADER,
      ['KS1', 'Uppslag', { formula: 'VLOOKUP(9,A1:A2,2,FALSE)', result: { error: '#N/A' } }, 'Klart.'],
      ['KS1', 'Kommentar', 'Pågående', { formula: '1/0', result: { error: '#DIV/0!' } }],
    ]);
    const errors = refused(await parseUpload('fel.xlsx', bytes));
    expect(errors.map((e) => [e.code, e.row, e.column, e.value])).toEqual([
      ['formula_error', 2, 'Status', '#N/A'],
      ['formula_error', 3, 'Kommentar', '#DIV/0!'],
    ]);
    expect(errors[0]?.message).toContain('felvärdet #N/A från en formel');
    expect(errors[0]?.message).not.toContain('cellen är tom');
    expect(errors[0]?.message).toContain('Rätta formeln');
  });
});

describe('dates on the 1904 system and Numbers date cells', () => {
  it.each([
    'with-aktiviteter-libreoffice-1904-date.xlsx',
    'with-aktiviteter-macexcel-1904-date.xlsx',
    'with-aktiviteter-numbers-date-Attendance.xlsx',
  ])('%s: the date cell reads 2024-03-01', async (name) => {
    const { content } = accepted(await parseUpload(name, corpus(name)));
    expect(content.activities.find((a) => a.title.startsWith('Ledarutvecklingsprogram'))?.comment).toBe('2024-03-01');
  });

  it('ISO date cells (t="d") read as dates', () => {
    const read = readWorkbook(corpus('real-calamine-date_iso.xlsx'));
    if (!read.ok) throw new Error(read.problem.kind);
    expect(read.sheets[0]?.rows[0]?.cells[0]).toBe('2021-01-01');
  });
});

describe('Tab-separated text and its encodings', () => {
  const rows = ['Mål\tAktivitet\tStatus\tKommentar', 'KS1\tÅtgärd "ett"\tPågående\tKlart, nästan.'];

  it('a Tab-separated .csv (cells copied from Excel into a text editor) is read', async () => {
    const { content } = accepted(await parseUpload('tabbar.csv', new TextEncoder().encode(rows.join('\r\n'))));
    expect(content.activities.map((a) => [a.goalRef, a.title, a.comment])).toEqual([
      ['KS1', 'Åtgärd "ett"', 'Klart, nästan.'],
    ]);
  });

  it('Excel\'s "Unicode-text" (UTF-16LE with BOM, Tabs) is read', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from(rows.join('\r\n'), 'utf16le')]);
    const { content } = accepted(await parseUpload('unicode.csv', bytes));
    expect(content.activities.map((a) => a.title)).toEqual(['Åtgärd "ett"']);
  });

  it("Excel for Mac's plain CSV (Mac Roman) reads å, ä and ö right", async () => {
    const bytes = iconv.encode(
      'Mål;Aktivitet;Status;Kommentar\nKS1;Översyn av äldreomsorgen;Pågående;Även på lördagar\n',
      'macintosh',
    );
    const { content } = accepted(await parseUpload('mac.csv', bytes));
    expect(content.activities.map((a) => [a.title, a.comment])).toEqual([
      ['Översyn av äldreomsorgen', 'Även på lördagar'],
    ]);
    // The same text from Windows Excel (Windows-1252) still reads right.
    const windows = iconv.encode('Mål;Aktivitet;Status;Kommentar\nKS1;Översyn – äldre;Pågående;Även\n', 'win1252');
    expect(accepted(await parseUpload('win.csv', windows)).content.activities[0]?.title).toBe('Översyn – äldre');
  });
});

describe('valid workbooks are not called damaged', () => {
  it.each([
    'with-aktiviteter-59746_NoRowNums-no-r.xlsx',
    'with-aktiviteter-InlineString-openxmlsdk-style.xlsx',
    'with-aktiviteter-crlf-macexcel.xlsx',
  ])('%s (no r attributes, x: prefixes, CR LF in shared strings) is read in full', async (name) => {
    const { content } = accepted(await parseUpload(name, corpus(name)));
    expect(content.activities).toHaveLength(7);
    expect(content.activities.map((a) => a.comment)).toContain(
      'Antagen av kommunfullmäktige 2023-11-14, § 147.\nTotal investeringsram: 312,5 mnkr.',
    );
  });

  it.each([
    ['real-sheetjs-wtf_path.xlsx', 'SheetJS, Hidden', 'workbook part outside xl/ (found through _rels/.rels)'],
    ['real-calamine-minimal_package.xlsx', 'Sheet1', 'workbook part at the package root'],
    ['real-poi-backslash-paths-49609.xlsx', 'FAM, VIC', 'backslashes in part names'],
    ['real-calamine-case-insensitive-parts-issue_419.xlsx', 'Sheet1', 'part names in other letter case'],
    ['real-calamine-date_iso.xlsx', 'Sheet', 'ISO date cells'],
  ])('%s is read (%s), so it is refused only for lacking Aktiviteter: %s', async (name, sheets) => {
    const errors = refused(await parseUpload(name, corpus(name)));
    expect(errors.map((e) => [e.code, e.value])).toEqual([['missing_sheet', sheets]]);
  });
});

describe('a sheet beyond the limits', () => {
  it('is refused naming its farthest value (XFD1 on another sheet), not the first one past the limit', async () => {
    const errors = refused(await parseUpload('bred.xlsx', corpus('with-aktiviteter-other-sheet-XFD1.xlsx')));
    expect(errors.map((e) => [e.code, e.sheet])).toEqual([['too_many_columns', 'Sheet1']]);
    expect(errors[0]?.message).toContain('Fliken "Sheet1" har innehåll ända ut till cell XFD1');
  });
});

describe('hidden rows', () => {
  it('rows hidden by hand or by a filter are read, with a warning naming them', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => ['KS1', `A${i + 2}`, 'Pågående', '']);
    const bytes = await sheet([HEADER, ...rows], (ws) => {
      for (const r of [3, 5, 6]) ws.getRow(r).hidden = true;
    });
    const { content, warnings } = accepted(await parseUpload('dolda.xlsx', bytes));
    expect(content.activities).toHaveLength(6);
    expect(warnings.map((w) => [w.code, w.value])).toEqual([['hidden_rows', '3, 5–6']]);
    expect(warnings[0]?.message).toContain('raderna 3, 5–6');
  });

  it('rows an autofilter hides (Excel writes the filter and marks its rows hidden) are read, with the warning', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => ['KS1', `A${i + 2}`, i % 3 === 0 ? 'Genomförd' : 'Pågående', '']);
    const bytes = await sheet([HEADER, ...rows], (ws) => {
      ws.autoFilter = 'A1:D7';
      // A filter on Status = Pågående hides the Genomförd rows, 2 and 5.
      for (const r of [2, 5]) ws.getRow(r).hidden = true;
    });
    expect(new PizZip(bytes).file('xl/worksheets/sheet1.xml')?.asText()).toContain('<autoFilter ref="A1:D7"');
    const { content, warnings } = accepted(await parseUpload('filtrerad.xlsx', bytes));
    expect(content.activities.map((a) => a.status)).toEqual(rows.map((r) => r[2]));
    expect(warnings.map((w) => [w.code, w.value])).toEqual([['hidden_rows', '2, 5']]);
  });
});

describe('hostile workbooks: a small file must never cost minutes or gigabytes', () => {
  it('10.3: a 2.7 KB workbook with a 1,000,000-character attribute is refused at once (tag length bound)', async () => {
    const bytes = longAttributeWorkbook();
    expect(bytes.length).toBeLessThan(4000);
    const started = performance.now();
    const errors = refused(await parseUpload('lång.xlsx', bytes));
    const ms = performance.now() - started;
    expect(errors.map((e) => e.code)).toEqual(['unreadable_workbook']);
    // Refused by the tag bound, not by a parser giving up after seconds of work.
    const read = readWorkbook(bytes);
    expect(read.ok ? '' : read.problem.kind === 'corrupt' && read.problem.detail).toContain(
      'a tag longer than allowed',
    );
    expect(ms).toBeLessThan(2000);
    // Just under the bound the same workbook is read (and refused for its row, which lacks a title).
    expect(
      refused(await parseUpload('kort.xlsx', longAttributeWorkbook(MAX_TAG_CHARS - 100))).map((e) => e.code),
    ).toEqual(['missing_value', 'missing_value']);
  });

  it('10.4: a refused 400 KB workbook with an entry inflating to 400 MiB is refused before anything inflates it', async () => {
    const bytes = inflatingEntryWorkbook();
    expect(bytes.length).toBeLessThan(600_000);
    const errors = refused(await parseUpload('bild.xlsx', bytes));
    expect(errors.map((e) => e.code)).toEqual(['workbook_too_large']);
    expect(errors[0]?.message).toContain('xl/media/image1.png');
    expect(await annotateWorkbook(bytes, errors)).toBeUndefined();
  });

  it('10.4: the same entry lying about its size is never inflated: the marked-up copy carries it as it came', async () => {
    const bytes = inflatingEntryWorkbook({ declareSize: false });
    const before = process.memoryUsage().rss;
    const errors = refused(await parseUpload('bild.xlsx', bytes));
    expect(errors.map((e) => e.code)).toEqual(['unknown_status']);
    const copy = await annotateWorkbook(bytes, errors);
    expect(copy).toBeDefined();
    expect(copy!.length).toBeLessThan(bytes.length + 20_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });

  it('10.4: the marked-up copy fails soft: a package it cannot edit gives undefined, never an exception', async () => {
    const bytes = plainWorkbook();
    const issue: InputIssue = {
      code: 'missing_value',
      message: 'Fel.',
      file: 'x.xlsx',
      sheet: 'Aktiviteter',
      row: 2,
      column: 'Status',
    };
    // Without [Content_Types].xml the reader still reads the cells; the copy cannot be made.
    const { entriesOf, writeZip } = await import('../fixtures/containers.js');
    const withoutTypes = writeZip(entriesOf(bytes).filter((e) => e.name !== '[Content_Types].xml'));
    await expect(annotateWorkbook(withoutTypes, [issue])).resolves.toBeUndefined();
    await expect(annotateWorkbook(bytes, [issue])).resolves.toBeInstanceOf(Uint8Array);
  });

  it('10.3: a workbook is read once: the marked-up copy uses the read that refused it, and only a refused one is kept', async () => {
    const bytes = await sheet([HEADER, ['KS1', 'A', 'Klar', '']]);
    const errors = refused(await parseUpload('x.xlsx', bytes));
    const kept = takeKeptRead(bytes);
    expect(kept?.sheets[0]?.sheet).toBe('Aktiviteter');
    keepRead(bytes, kept!);
    expect(await annotateWorkbook(bytes, errors)).toBeDefined();
    expect(takeKeptRead(bytes)).toBeUndefined();
    const good = await sheet([HEADER, ['KS1', 'A', 'Pågående', '']]);
    accepted(await parseUpload('y.xlsx', good));
    expect(takeKeptRead(good)).toBeUndefined();
  });
});
