/**
 * Hostile and broken uploads (issue 4, "Hostile and broken input"), at the parser level:
 * each gets `ok: false` with one clear Swedish issue and a stable code — never a throw,
 * never a hang, memory bounded — and so nothing from it can be stored.
 *
 * Small inputs are fixtures (test/fixtures/build-fixtures.ts); big ones (zip bombs, huge
 * cells, truncations) are generated here.
 */
import ExcelJS from 'exceljs';
import PizZip from 'pizzip';
import { unescapeXlsxString } from '../../lambdas/core/parse/xml.js';
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import type { InputIssue, ParseResult } from '../../lambdas/core/domain.js';
import {
  MAX_CELL_LENGTH,
  MAX_COMPRESSION_RATIO,
  MAX_ENTRY_BYTES,
  MAX_SHEET_CELLS,
  MAX_SHEET_COLUMNS,
  MAX_SHEET_ROWS,
  MAX_UNCOMPRESSED_BYTES,
  MAX_UPLOAD_BYTES,
  parseUpload,
} from '../../lambdas/core/parse/index.js';
import { renderReport } from '../../lambdas/core/render.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { buildReport } from '../../lambdas/core/report.js';
import { deflateBomb, editParts, entriesOf, writeZip, type RawZipEntry } from '../fixtures/containers.js';
import { expectOk, fixture } from '../helpers/parse-results.js';

/** Refused with exactly one error of `code`, a Swedish message naming the file or sheet, and no content. */
function expectRefused(result: ParseResult, code: string): InputIssue {
  if (result.ok) throw new Error(`expected ${code}, got ok`);
  expect(result.errors.map((e) => e.code)).toEqual([code]);
  expect('content' in result).toBe(false);
  const issue = result.errors[0]!;
  expect(issue.message).toMatch(/^(Filen|Fliken|Rad|Arbetsboken) /);
  expect(issue.message.length).toBeLessThan(600);
  return issue;
}

/** Runs `parse` and reports how long it took and how much the resident set grew meanwhile. */
async function measured(
  parse: () => Promise<ParseResult>,
): Promise<{ result: ParseResult; ms: number; rssGrowthMb: number }> {
  const rss = process.memoryUsage().rss;
  const start = performance.now();
  const result = await parse();
  return { result, ms: performance.now() - start, rssGrowthMb: (process.memoryUsage().rss - rss) / 2 ** 20 };
}

const MIB = 2 ** 20;
const ACTIVITY_HEADER = ['Mål', 'Aktivitet', 'Status', 'Kommentar'];
const SHEET_PATH = 'xl/worksheets/sheet1.xml';

/** A one-sheet workbook (Aktiviteter) in memory; exceljs only writes. */
async function workbook(rows: readonly (readonly ExcelJS.CellValue[])[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Aktiviteter');
  for (const row of rows) ws.addRow([...row]);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

const small = (): Promise<Uint8Array> => workbook([ACTIVITY_HEADER, ['KS1', 'Budget', 'Genomförd', 'Klart.']]);

/** Appends raw XML inside `<sheetData>` of the single sheet. */
async function withExtraRows(rowsXml: string): Promise<Uint8Array> {
  return editParts(await small(), { [SHEET_PATH]: (xml) => xml.replace('</sheetData>', `${rowsXml}</sheetData>`) });
}

const inlineCell = (ref: string, text: string): string => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;

// ---------------------------------------------------------------------------------------

describe('hostile input – not a workbook, or not a readable one', () => {
  it('corrupt or truncated .xlsx: clean.xlsx truncated at twelve points is refused each time', async () => {
    const clean = fixture('clean.xlsx');
    const cuts = [
      1,
      3,
      4,
      30,
      200,
      1000,
      Math.floor(clean.length / 4),
      Math.floor(clean.length / 2),
      Math.floor((clean.length * 3) / 4),
      clean.length - 23,
      clean.length - 22,
      clean.length - 1,
    ];
    for (const cut of cuts) {
      const result = await parseUpload('avbruten.xlsx', clean.subarray(0, cut));
      // Fewer than four bytes cannot even be told to be a zip.
      expectRefused(result, cut < 4 ? 'not_a_workbook' : 'unreadable_workbook');
    }
  });

  it('corrupt .xlsx: damaged compressed data inside an intact zip is refused', async () => {
    const entries = entriesOf(fixture('clean.xlsx')).map((e): RawZipEntry => {
      if (!e.name.startsWith('xl/worksheets/')) return e;
      const damaged = new Uint8Array(e.compressed);
      for (let i = 10; i < damaged.length; i += 7) damaged[i] = damaged[i]! ^ 0x5a;
      return { ...e, compressed: damaged };
    });
    const issue = expectRefused(await parseUpload('skadad.xlsx', writeZip(entries)), 'unreadable_workbook');
    expect(issue.message).toContain('skadad eller ofullständig');
  });

  it('corrupt .xlsx: a zip whose entries are listed twice is refused', async () => {
    const entries = entriesOf(fixture('clean.xlsx'));
    const sheet = entries.find((e) => e.name === SHEET_PATH)!;
    expectRefused(await parseUpload('dubbel.xlsx', writeZip([...entries, sheet])), 'unreadable_workbook');
  });

  it('an .xls (OLE2) named .xlsx → legacy_xls, asking to save as .xlsx (legacy-xls.xlsx)', async () => {
    const bytes = fixture('legacy-xls.xlsx');
    expect([...bytes.subarray(0, 8)]).toEqual([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const issue = expectRefused(await parseUpload('budget.xlsx', bytes), 'legacy_xls');
    expect(issue.message).toBe(
      'Filen "budget.xlsx" är sparad i det äldre Excel-formatet (.xls), fast namnet slutar på .xlsx, och kan inte läsas. ' +
        'Öppna filen i Excel, välj Arkiv → Spara som → Excel-arbetsbok (.xlsx) och ladda upp den nya filen.',
    );
  });

  it('a password-protected workbook (OLE2 with EncryptionInfo) → encrypted_workbook (encrypted.xlsx)', async () => {
    const bytes = fixture('encrypted.xlsx');
    expect([...bytes.subarray(0, 4)]).toEqual([0xd0, 0xcf, 0x11, 0xe0]); // same magic as an .xls
    const issue = expectRefused(await parseUpload('hemlig.xlsx', bytes), 'encrypted_workbook');
    expect(issue.message).toContain('lösenordsskyddad');
    expect(issue.message).toContain('ta bort lösenordet');
  });

  it('a password-protected workbook is recognised even when its directory cannot be followed', async () => {
    // The FAT sector's entries destroyed: the name is still found in the first sectors.
    const bytes = new Uint8Array(fixture('encrypted.xlsx'));
    bytes.fill(0xff, 512, 1024);
    expectRefused(await parseUpload('hemlig.xlsx', bytes), 'encrypted_workbook');
  });

  it('a PDF renamed .xlsx → not_a_workbook, told from its first bytes (pdf-renamed.xlsx)', async () => {
    const issue = expectRefused(await parseUpload('rapport.xlsx', fixture('pdf-renamed.xlsx')), 'not_a_workbook');
    expect(issue.message).toContain('är en PDF-fil');
  });

  it('a Word document renamed .xlsx (a zip without a workbook) → not_a_workbook', async () => {
    const issue = expectRefused(await parseUpload('mall.xlsx', loadDefaultTemplate()), 'not_a_workbook');
    expect(issue.message).toContain('zip-arkiv men ingen Excel-arbetsbok');
  });

  it('random bytes named .xlsx → not_a_workbook (corrupt.xlsx)', async () => {
    expectRefused(await parseUpload('corrupt.xlsx', fixture('corrupt.xlsx')), 'not_a_workbook');
  });

  it('a CSV that is actually binary (NUL bytes) → binary_csv (binary.csv)', async () => {
    const issue = expectRefused(await parseUpload('binary.csv', fixture('binary.csv')), 'binary_csv');
    expect(issue.message).toContain('nolltecken');
  });

  it('a workbook, an .xls or a PDF renamed .csv → binary_csv, saying what it is', async () => {
    const xlsx = expectRefused(await parseUpload('aktiviteter.csv', fixture('clean.xlsx')), 'binary_csv');
    expect(xlsx.message).toContain('byt filändelsen till .xlsx');
    expectRefused(await parseUpload('aktiviteter.csv', fixture('legacy-xls.xlsx')), 'binary_csv');
    expectRefused(await parseUpload('aktiviteter.csv', fixture('pdf-renamed.xlsx')), 'binary_csv');
  });

  it('a CSV in UTF-16 with a BOM (Excel "Unicode text") is read, not taken for binary', async () => {
    const text = 'Mål;Aktivitet;Status;Kommentar\r\nKS1;Budget;Genomförd;Klart\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const { content } = expectOk(await parseUpload('unicode.csv', bytes));
    expect(content.activities.map((a) => [a.goalRef, a.title, a.status, a.comment])).toEqual([
      ['KS1', 'Budget', 'Genomförd', 'Klart'],
    ]);
  });

  it(`a file larger than MAX_UPLOAD_BYTES (${MAX_UPLOAD_BYTES / MIB} MiB) → file_too_large, whatever its type`, async () => {
    expect(MAX_UPLOAD_BYTES).toBe(20 * MIB);
    const big = new Uint8Array(MAX_UPLOAD_BYTES + 1);
    const xlsx = expectRefused(await parseUpload('stor.xlsx', big), 'file_too_large');
    expect(xlsx.message).toBe(
      'Filen "stor.xlsx" är 20 MB, men högst 20 MB kan tas emot. Ta bort bilder, flikar och formatering som inte behövs (eller dela upp filen) och ladda upp den igen.',
    );
    expectRefused(await parseUpload('stor.csv', big), 'file_too_large');
    // At the limit the size is fine (these bytes are then refused for what they are).
    expectRefused(await parseUpload('stor.xlsx', big.subarray(0, MAX_UPLOAD_BYTES)), 'not_a_workbook');
  });
});

describe('hostile input – zip bombs', () => {
  const head =
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  const unit = '<row><c t="inlineStr"><is><t>KS1 Aktivitet Pågående</t></is></c></row>'.repeat(10_000);
  const tail = '</sheetData></worksheet>';

  /** clean.xlsx with its first sheet replaced by `sheet` (sizes as given, true or not). */
  function withSheet(sheet: Omit<RawZipEntry, 'name'>): Uint8Array {
    return writeZip(
      entriesOf(fixture('clean.xlsx')).map((e) => (e.name === SHEET_PATH ? { ...sheet, name: SHEET_PATH } : e)),
    );
  }

  it('a sheet that inflates to 200 MB (a few hundred KB compressed) → workbook_too_large, from its declared size, quickly', async () => {
    const bomb = deflateBomb(head, unit, Math.ceil((200 * 1e6) / unit.length), tail);
    expect(bomb.size).toBeGreaterThan(200 * 1e6);
    expect(bomb.compressed.length).toBeLessThan(1 * MIB);
    const bytes = withSheet({ compressed: bomb.compressed, method: 8, crc: bomb.crc, uncompressedSize: bomb.size });
    const { result, ms, rssGrowthMb } = await measured(() => parseUpload('bomb.xlsx', bytes));
    const issue = expectRefused(result, 'workbook_too_large');
    expect(issue.message).toContain(`högst ${MAX_ENTRY_BYTES / MIB} MB per del`);
    expect(ms).toBeLessThan(1000);
    expect(rssGrowthMb).toBeLessThan(50);
  });

  it('a bomb whose headers understate its size is stopped at the declared size (nothing near 200 MB is inflated)', async () => {
    const bomb = deflateBomb(head, unit, Math.ceil((200 * 1e6) / unit.length), tail);
    for (const declared of [5_000, 30 * MIB]) {
      const bytes = withSheet({ compressed: bomb.compressed, method: 8, crc: bomb.crc, uncompressedSize: declared });
      const { result, ms, rssGrowthMb } = await measured(() => parseUpload('bomb.xlsx', bytes));
      expectRefused(result, 'unreadable_workbook');
      expect(ms).toBeLessThan(2000);
      expect(rssGrowthMb).toBeLessThan(30 * 1.5 + 20);
    }
  });

  it(`a part that compresses more than ${MAX_COMPRESSION_RATIO}:1 is refused before inflating → workbook_too_large`, async () => {
    const bomb = deflateBomb(head, unit, Math.ceil((40 * 1e6) / unit.length), tail);
    expect(bomb.size).toBeLessThan(MAX_ENTRY_BYTES);
    expect(bomb.size / bomb.compressed.length).toBeGreaterThan(MAX_COMPRESSION_RATIO);
    const bytes = withSheet({ compressed: bomb.compressed, method: 8, crc: bomb.crc, uncompressedSize: bomb.size });
    const { result, ms } = await measured(() => parseUpload('bomb.xlsx', bytes));
    expect(expectRefused(result, 'workbook_too_large').message).toContain('gånger större');
    expect(ms).toBeLessThan(500);
  });

  it(`parts that together declare more than ${MAX_UNCOMPRESSED_BYTES / MIB} MiB → workbook_too_large`, async () => {
    const part = (name: string): RawZipEntry => ({
      name,
      compressed: new Uint8Array(300 * 1024).fill(1),
      method: 8,
      crc: 0,
      uncompressedSize: 45 * MIB, // 150:1, each part within the per-part limit
    });
    const bytes = writeZip([
      ...entriesOf(await small()),
      part('xl/media/a.xml'),
      part('xl/media/b.xml'),
      part('xl/media/c.xml'),
    ]);
    const { result, ms } = await measured(() => parseUpload('stor.xlsx', bytes));
    expect(expectRefused(result, 'workbook_too_large').message).toContain(`mer än ${MAX_UNCOMPRESSED_BYTES / MIB} MB`);
    expect(ms).toBeLessThan(500);
  });

  it('ZIP64 markers (a ZIP64 locator, 0xFFFFFFFF sizes, a ZIP64 extra field) are refused → workbook_too_large', async () => {
    const entries = entriesOf(await small());
    const locator = writeZip(entries, { zip64Locator: true });
    const sizes = writeZip(entries.map((e) => (e.name === SHEET_PATH ? { ...e, uncompressedSize: 0xffffffff } : e)));
    const extra = new Uint8Array([0x01, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
    const field = writeZip(entries.map((e) => (e.name === SHEET_PATH ? { ...e, extra } : e)));
    for (const bytes of [locator, sizes, field]) {
      expect(expectRefused(await parseUpload('zip64.xlsx', bytes), 'workbook_too_large').message).toContain('zip64');
    }
  });

  it('parts the reader never reads (images, …) are limited by their declared size but never inflated', async () => {
    // 10.4: a 400 MiB image in a 400 KB workbook is refused before anything inflates it.
    const bomb: RawZipEntry = {
      name: 'xl/media/image1.png',
      compressed: new Uint8Array(1000),
      method: 8,
      crc: 0,
      uncompressedSize: 0xfffffff0,
    };
    expectRefused(await parseUpload('bild.xlsx', writeZip([...entriesOf(await small()), bomb])), 'workbook_too_large');
    // Data that would not even inflate, declared at a plausible size: never inflated, so read.
    const image: RawZipEntry = {
      name: 'xl/media/image1.png',
      compressed: new Uint8Array(1000).fill(0xff),
      method: 8,
      crc: 0,
      uncompressedSize: 1200,
    };
    const { content } = expectOk(await parseUpload('bild.xlsx', writeZip([...entriesOf(await small()), image])));
    expect(content.activities).toHaveLength(1);
  });
});

describe('hostile input – sheets that reach far', () => {
  it('a sheet that declares <dimension ref="A1:XFD1048576"/> is read normally and quickly (huge-dimension.xlsx)', async () => {
    const bytes = fixture('huge-dimension.xlsx');
    expect(new PizZip(bytes).file(SHEET_PATH)?.asText()).toContain('<dimension ref="A1:XFD1048576"/>');
    const { result, ms, rssGrowthMb } = await measured(() => parseUpload('stor-dimension.xlsx', bytes));
    expect(expectOk(result).content.activities.map((a) => a.title)).toEqual(['Budget']);
    expect(ms).toBeLessThan(1000);
    expect(rssGrowthMb).toBeLessThan(50);
  });

  it('a value in XFD1048576 is refused before it is read → too_many_rows, naming the cell (far-cell.xlsx)', async () => {
    // The grid is dense: built out to this cell it would be 1 048 576 × 16 384 cells, so the
    // reader keeps no value beyond the limits and refuses the sheet before any grid exists.
    const { result, ms, rssGrowthMb } = await measured(() => parseUpload('långt-bort.xlsx', fixture('far-cell.xlsx')));
    const issue = expectRefused(result, 'too_many_rows');
    expect(issue).toMatchObject({ sheet: 'Aktiviteter', value: '1048576' });
    expect(issue.message).toContain('ända ned till rad 1 048 576 (cell XFD1048576)');
    expect(ms).toBeLessThan(500);
    expect(rssGrowthMb).toBeLessThan(30);
  });

  it(`a value below row ${MAX_SHEET_ROWS} → too_many_rows; at row ${MAX_SHEET_ROWS} it is read`, async () => {
    const at = async (row: number): Promise<ParseResult> =>
      parseUpload('x.xlsx', await withExtraRows(`<row r="${row}">${inlineCell(`A${row}`, 'x')}</row>`));
    expect(expectRefused(await at(MAX_SHEET_ROWS + 1), 'too_many_rows').message).toContain(
      `cell A${MAX_SHEET_ROWS + 1}`,
    );
    expect(expectRefused(await at(1_000_000), 'too_many_rows').message).toContain('högst 50 000 rader');
    // Row 50 000 holds only a goal: a row error, but the sheet itself is read.
    const result = await at(MAX_SHEET_ROWS);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((e) => [e.code, e.row])).toEqual([
        ['missing_value', MAX_SHEET_ROWS],
        ['missing_value', MAX_SHEET_ROWS],
      ]);
  });

  it("a cell's own reference places it, whatever its <row r> says; a reference that is none is a damaged sheet", async () => {
    const bytes = await withExtraRows(`<row r="900000">${inlineCell('A3', 'x')}</row>`);
    const result = await parseUpload('x.xlsx', bytes);
    expect(result.ok ? [] : result.errors.map((e) => e.code)).not.toContain('too_many_rows');
    expectRefused(
      await parseUpload('x.xlsx', await withExtraRows(`<row r="3">${inlineCell('§3', 'x')}</row>`)),
      'unreadable_workbook',
    );
  });

  it(`a value right of column ${MAX_SHEET_COLUMNS} → too_many_columns, also when the reference is written with entities`, async () => {
    const plain = expectRefused(
      await parseUpload('x.xlsx', await withExtraRows(`<row r="3">${inlineCell('XFD3', 'x')}</row>`)),
      'too_many_columns',
    );
    expect(plain.message).toContain('ända ut till cell XFD3');
    expect(plain.message).toContain(`högst ${MAX_SHEET_COLUMNS} kolumner (till och med kolumn GR)`);
    const entities = await withExtraRows(`<row r="3"><c r="&#88;FD3" t="inlineStr"><is><t>x</t></is></c></row>`);
    expectRefused(await parseUpload('x.xlsx', entities), 'too_many_columns');
    const atLimit = await parseUpload('x.xlsx', await withExtraRows(`<row r="3">${inlineCell('GR3', 'x')}</row>`));
    // Column GR is read: row 3 is then an activity row without values.
    expect(atLimit.ok ? [] : atLimit.errors.map((e) => e.code)).not.toContain('too_many_columns');
  });

  it(`values spanning more than ${MAX_SHEET_CELLS} cells (rows × columns) → too_many_cells`, async () => {
    const bytes = await withExtraRows(`<row r="20000">${inlineCell('A20000', 'x')}${inlineCell('CZ20000', 'y')}</row>`);
    const issue = expectRefused(await parseUpload('x.xlsx', bytes), 'too_many_cells');
    expect(issue.message).toContain('20 000 rader × 104 kolumner');
  });

  it("empty formatted rows down to Excel's last row are fine; a row number beyond it → too_many_rows", async () => {
    const formatted = await withExtraRows('<row r="1048576" ht="30" customHeight="1"/>');
    expect(expectOk(await parseUpload('x.xlsx', formatted)).content.activities).toHaveLength(1);
    for (const r of ['1048577', '2000000000', 'Infinity', '1e9']) {
      const issue = expectRefused(await parseUpload('x.xlsx', await withExtraRows(`<row r="${r}"/>`)), 'too_many_rows');
      expect(issue.message).toContain('Excels sista rad');
    }
  });

  it('a far cell is found however the tag is written: a > in a quoted value, a prefix, after a comment', async () => {
    const far = [
      `<row r="3"><c x=">" r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>`,
      `<row r="3"><x:c r="XFD3" t="inlineStr"><is><t>x</t></is></x:c></row>`,
      `<!-- <c x=" --><row r="3"><c r="XFD3" t="inlineStr"><is><t>x"</t></is></c></row>`,
    ];
    for (const rows of far) expectRefused(await parseUpload('x.xlsx', await withExtraRows(rows)), 'too_many_columns');
  });

  it('pathological sheet XML (tags that never close, 40 MB of them) is scanned in linear time', async () => {
    for (const junk of ['<c ', '<mergeCell ', '<c r="', "<row r='1"]) {
      const bytes = editParts(await small(), {
        [SHEET_PATH]: (xml) =>
          xml.replace('</sheetData>', `</sheetData>${junk.repeat(Math.floor(40e6 / junk.length))}`),
      });
      const { result, ms } = await measured(() => parseUpload('x.xlsx', bytes));
      expect(result.ok, junk).toBe(false);
      expect(ms, junk).toBeLessThan(5000);
    }
  });

  it('XML entity expansion ("billion laughs") is not performed', async () => {
    const bytes = editParts(await small(), {
      'xl/sharedStrings.xml': (xml) =>
        xml
          .replace(
            '<sst',
            '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><sst',
          )
          .replace('Klart.', '&c;'),
    });
    const { result, ms } = await measured(() => parseUpload('x.xlsx', bytes));
    expect(ms).toBeLessThan(1000);
    // No part of a workbook needs a document type declaration: the file is refused.
    expectRefused(result, 'unreadable_workbook');
  });

  it('empty cells far away cost nothing and are not counted', async () => {
    const bytes = await withExtraRows(`<row r="3"><c r="XFD3" s="0"/></row>`);
    expectOk(await parseUpload('x.xlsx', bytes));
  });

  it('merged cells: a merge reaching far beyond the data is clipped; thousands of overlapping merges are refused, not looped over', async () => {
    const clipped = editParts(await small(), {
      [SHEET_PATH]: (xml) =>
        xml.replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="D2:XFD1048576"/></mergeCells>'),
    });
    expect(expectOk(await parseUpload('x.xlsx', clipped)).content.activities.map((a) => a.comment)).toEqual(['Klart.']);

    const rows = Array.from({ length: 2000 }, (_, i) => ['KS1', `A${i}`, 'Pågående', 'x']);
    const many = '<mergeCell ref="A2:D2001"/>'.repeat(5000);
    const overlapping = editParts(await workbook([ACTIVITY_HEADER, ...rows]), {
      [SHEET_PATH]: (xml) => xml.replace('</sheetData>', `</sheetData><mergeCells count="5000">${many}</mergeCells>`),
    });
    const { result, ms } = await measured(() => parseUpload('x.xlsx', overlapping));
    expectRefused(result, 'unreadable_workbook');
    expect(ms).toBeLessThan(2000);
  });

  it(`a CSV of nothing but line breaks → too_many_rows; a line of ${MAX_SHEET_COLUMNS + 100} fields → too_many_columns`, async () => {
    const lines = new TextEncoder().encode(`Mål;Aktivitet;Status;Kommentar\n${'\n'.repeat(5 * MAX_SHEET_ROWS)}`);
    const { result, ms } = await measured(() => parseUpload('tom.csv', lines));
    expectRefused(result, 'too_many_rows');
    expect(ms).toBeLessThan(2000);
    const wide = new TextEncoder().encode(
      `Mål;Aktivitet;Status;Kommentar\nKS1;A;Pågående;x${';'.repeat(MAX_SHEET_COLUMNS + 100)}\n`,
    );
    const issue = expectRefused(await parseUpload('bred.csv', wide), 'too_many_columns');
    expect(issue.row).toBe(2);
  });
});

describe('hostile input – cell values', () => {
  it('formulas: the cached value is used; text starting with "=" stays literal (formulas.xlsx)', async () => {
    const bytes = fixture('formulas.xlsx');
    const sheetXml = new PizZip(bytes).file(SHEET_PATH)?.asText() ?? '';
    expect(sheetXml).toContain('<f>1+2</f><v>3</v>'); // a real formula with its cached value
    const { content } = expectOk(await parseUpload('formler.xlsx', bytes));
    expect(content.activities.map((a) => [a.title, a.status, a.comment, a.responsible ?? null])).toEqual([
      ['Budget 2024', 'Pågående', '3', '=A2'],
      // a formula without a cached value (never saved by Excel) reads as empty
      ['Enkät', 'Genomförd', '=SUMMA(A1:A3)', null],
    ]);
  });

  it('Excel date serials in the 1900 and the 1904 date system give the same yyyy-mm-dd (dates-1900.xlsx, dates-1904.xlsx)', async () => {
    const serial = (name: string): string | undefined =>
      /<c r="D2"[^>]*><v>([\d.]+)<\/v>/.exec(new PizZip(fixture(name)).file(SHEET_PATH)?.asText() ?? '')?.[1];
    expect(new PizZip(fixture('dates-1904.xlsx')).file('xl/workbook.xml')?.asText()).toMatch(
      /<workbookPr[^>]*date1904="1"/,
    );
    expect(Number(serial('dates-1900.xlsx')) - Number(serial('dates-1904.xlsx'))).toBe(1462);
    const expected = [
      ['Startdatum', '2024-01-15'],
      ['Skottdag', '2024-02-29'],
      ['Med klockslag', '2023-12-31'],
      ['Tidigt', '1904-01-02'],
    ];
    for (const name of ['dates-1900.xlsx', 'dates-1904.xlsx']) {
      const { content } = expectOk(await parseUpload(name, fixture(name)));
      expect(
        content.activities.map((a) => [a.title, a.comment]),
        name,
      ).toEqual(expected);
    }
  });

  it('control characters and lone surrogates are stripped from cell text (control-characters.xlsx)', async () => {
    const bytes = fixture('control-characters.xlsx');
    // The shared strings hold them (as `_xHHHH_` escapes and character references)…
    const sst = new PizZip(bytes).file('xl/sharedStrings.xml')?.asText() ?? '';
    const rawText = unescapeXlsxString(
      sst.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    );
    for (const char of ['\u0001', '\u000B', '\uD800', '\uFFFE', '\u001F', '\u0000', '\uDC00'])
      expect(rawText).toContain(char);
    // …what the parser returns does not.
    const { content } = expectOk(await parseUpload('styrtecken.xlsx', bytes));
    expect(content.activities.map((a) => [a.title, a.comment, a.responsible])).toEqual([
      ['Styrtecken', 'Rad ett\nRad två 😀 slut', 'Åsa Öberg'],
    ]);
  });

  it('control characters and lone surrogates: the rendered .docx stays valid XML', async () => {
    const { content } = expectOk(await parseUpload('styrtecken.xlsx', fixture('control-characters.xlsx')));
    const csv = new TextEncoder().encode(
      `Mål;Aktivitet;Status;Kommentar\nKS1\uFFFE;CSV\u0007-rad;Pågående;slut\uFFFF\u0008\n`,
    );
    const fromCsv = expectOk(await parseUpload('styrtecken.csv', csv)).content;
    expect(fromCsv.activities.map((a) => [a.goalRef, a.title, a.comment])).toEqual([['KS1', 'CSV-rad', 'slut']]);
    const view = buildReport({
      period: { committee: 'ks', year: 2024, tertial: 2 },
      config: KS_CONFIG,
      uploads: [
        { name: 'styrtecken.xlsx', content },
        { name: 'styrtecken.csv', content: fromCsv },
      ],
      closure: {},
    }).view;
    const docx = renderReport(loadDefaultTemplate(), view);
    const zip = new PizZip(docx);
    for (const name of Object.keys(zip.files).filter((n) => n.endsWith('.xml'))) {
      const bytes = zip.file(name)!.asUint8Array();
      const xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // valid UTF-8
      // XML 1.0 Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
      expect(xml, name).toMatch(/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u);
      expect(xml).not.toMatch(/&#x?0*(?:[0-8bcefBCEF]|1[0-9a-fA-F]|[12][0-9]|3[01]);/); // no forbidden character references
    }
    const documentXml = zip.file('word/document.xml')!.asText();
    expect(documentXml).toContain('Rad två 😀 slut');
    expect(documentXml).toContain('CSV-rad');
  });

  it(`cells of 100 000 characters → value_too_long row errors (limit ${MAX_CELL_LENGTH}), with short issues`, async () => {
    const long = 'Lång text. '.repeat(10_000).slice(0, 100_000);
    expect(long).toHaveLength(100_000);
    const bytes = await workbook([
      [...ACTIVITY_HEADER, 'x'.repeat(100_000)],
      ['KS1', 'Budget', 'Pågående', long],
      ['KS1', long, 'Pågående', 'kort'],
    ]);
    const result = await parseUpload('lång.xlsx', bytes);
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.map((e) => [e.code, e.row, e.column])).toEqual([
      ['value_too_long', 2, 'Kommentar'],
      ['value_too_long', 3, 'Aktivitet'],
    ]);
    expect(result.errors[0]?.message).toContain('texten är 100 000 tecken lång, men högst 10 000 tecken');
    // The 100 000-character header of an unknown column is only a warning, quoted short.
    expect(result.warnings.map((w) => w.code)).toEqual(['extra_column']);
    for (const issue of [...result.errors, ...result.warnings]) expect(JSON.stringify(issue).length).toBeLessThan(1000);
  });

  it('a sheet name with control characters, or absurdly long, is cleaned and shortened before it is stored', async () => {
    const bytes = editParts(await small(), {
      'xl/workbook.xml': (xml) =>
        xml.replace(/name="Aktiviteter"/, `name="Aktiviteter_x0001_${' '.repeat(5)}${'x'.repeat(50_000)}"`),
    });
    const result = await parseUpload('x.xlsx', bytes);
    const issue = expectRefused(result, 'missing_sheet');
    expect(issue.message.length).toBeLessThan(600);
    const named = editParts(await small(), {
      'xl/workbook.xml': (xml) => xml.replace(/name="Aktiviteter"/, 'name="Aktivi_x0002_teter"'),
    });
    expect(expectOk(await parseUpload('x.xlsx', named)).content.activities[0]?.source.sheet).toBe('Aktiviteter');
  });

  it('a 100 000-character cell in a CSV → value_too_long', async () => {
    const csv = new TextEncoder().encode(
      `Mål;Aktivitet;Status;Kommentar\nKS1;Budget;Pågående;${'x'.repeat(100_000)}\n`,
    );
    const issue = expectRefused(await parseUpload('lång.csv', csv), 'value_too_long');
    expect(issue.row).toBe(2);
  });

  it('one 100 000-character text shared by 20 000 cells is cleaned once and quoted cheaply', async () => {
    const long = 'y'.repeat(100_000);
    const rows = Array.from({ length: 20_000 }, (_, i) => ['KS1', `A${i}`, 'Pågående', long]);
    const bytes = await workbook([ACTIVITY_HEADER, ...rows]);
    const { result, ms } = await measured(() => parseUpload('delad.xlsx', bytes));
    if (result.ok) throw new Error('expected errors');
    // Every cell is checked; the receipt lists the first 500 and counts the rest.
    expect(result.errors).toHaveLength(501);
    expect(new Set(result.errors.slice(0, 500).map((e) => e.code))).toEqual(new Set(['value_too_long']));
    expect(result.errors[500]).toMatchObject({ code: 'more_issues', value: '19500' });
    expect(ms).toBeLessThan(10_000);
  });
});

describe('hostile input – headers', () => {
  it('unknown header → extra_column warning naming it; the rest is read', async () => {
    const result = await parseUpload(
      'x.xlsx',
      await workbook([
        [...ACTIVITY_HEADER, 'Budget'],
        ['KS1', 'A', 'Pågående', '', 100],
      ]),
    );
    const { warnings } = expectOk(result);
    expect(warnings.map((w) => [w.code, w.column])).toEqual([['extra_column', 'Budget']]);
  });

  it('duplicated header → duplicate_column naming both columns', async () => {
    const result = await parseUpload(
      'x.xlsx',
      await workbook([
        [...ACTIVITY_HEADER, 'STATUS'],
        ['KS1', 'A', 'Pågående', '', 'Genomförd'],
      ]),
    );
    const issue = expectRefused(result, 'duplicate_column');
    expect(issue.message).toContain('(C, E)');
  });

  it('missing header → missing_column, naming the headers that were found', async () => {
    const result = await parseUpload(
      'x.xlsx',
      await workbook([
        ['Mål', 'Aktivitet', 'Kommentar'],
        ['KS1', 'A', ''],
      ]),
    );
    const issue = expectRefused(result, 'missing_column');
    expect(issue.column).toBe('Status');
    expect(issue.message).toContain('Hittade rubriker på rad 1: "Mål", "Aktivitet", "Kommentar"');
  });

  it('a required header padded to 100 000 characters is matched but quoted short', async () => {
    const header = `Status${'*'.repeat(99_994)}`;
    const result = await parseUpload(
      'x.xlsx',
      await workbook([
        ['Mål', 'Aktivitet', header, 'Kommentar', header],
        ['KS1', 'A', 'Pågående', '', 'x'],
      ]),
    );
    const issue = expectRefused(result, 'duplicate_column');
    expect(issue.column!.length).toBeLessThanOrEqual(80);
    expect(issue.message.length).toBeLessThan(400);
  });
});

describe('parseUpload caps the issues a receipt lists', () => {
  it('a file with an error on each of 2,000 rows: the first 500 errors, then one that counts the rest', async () => {
    const { MAX_REPORTED_ISSUES } = await import('../../lambdas/core/parse/index.js');
    const lines = [
      'Mål;Aktivitet;Status;Kommentar',
      ...Array.from({ length: 2000 }, (_, i) => `KS1;Aktivitet ${i + 1};Klar;`),
    ];
    const result = await parseUpload('manga-fel.csv', new TextEncoder().encode(lines.join('\n')));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(result.errors.slice(0, MAX_REPORTED_ISSUES).every((e) => e.code === 'unknown_status')).toBe(true);
    expect(result.errors[0]?.row).toBe(2);
    const last = result.errors[MAX_REPORTED_ISSUES];
    expect(last?.code).toBe('more_issues');
    expect(last?.value).toBe('1500');
    expect(last?.message).toMatch(/1 500 fel till/);
  });
});
