/**
 * The SpreadsheetML writer under the staff workbook, read back by the project's workbook
 * reader (parse/xlsx.ts): text as written (escaped, white space kept), defined names to
 * sheets whose names need quoting, styles shared, and what XML cannot carry left out.
 * test/unit/workbook.test.ts and test/integration/workbook-calc.test.ts read the staff
 * workbook itself, the second in LibreOffice Calc.
 */
import { describe, expect, it } from 'vitest';
import { readWorkbook } from '../../lambdas/core/parse/xlsx.js';
import { parseCellFormula } from '../../lambdas/core/parse/workbook-period.js';
import { writeXlsx, type XlsxStyle } from '../../lambdas/core/xlsx-write.js';
import { cells, openXlsx, partText, sheetXml } from '../helpers/xlsx-parts.js';

const BOLD: XlsxStyle = { font: { name: 'Calibri', size: 11, bold: true } };

function read(bytes: Uint8Array) {
  const result = readWorkbook(bytes);
  if (!result.ok) throw new Error(`unreadable: ${result.problem.kind}`);
  return result;
}

describe('writeXlsx', () => {
  it('writes text the reader gets back as given: markup characters, quotes, line breaks; leading and trailing spaces kept', () => {
    const texts = ['<b>&amp;</b> "citat"', '  indragen ', 'rad ett\nrad två', 'Å Ä Ö – €'];
    const bytes = writeXlsx({
      creator: 'tertial',
      title: 'Prov',
      sheets: [{ name: 'Blad', columns: [{ width: 20 }], rows: texts.map((text) => ({ cells: [{ text }] })) }],
    });
    const sheet = read(bytes).sheets[0];
    expect(sheet?.sheet).toBe('Blad');
    // The reader trims a cell's text; the package keeps the spaces for the programs that show them.
    expect(sheet?.rows.map((r) => r.cells[0])).toEqual(texts.map((t) => t.trim()));
    expect(partText(openXlsx(bytes), 'xl/sharedStrings.xml')).toContain('<t xml:space="preserve">  indragen </t>');
  });

  it('leaves out the characters XML 1.0 cannot carry instead of writing a package no program opens', () => {
    const bytes = writeXlsx({
      creator: 'tertial',
      title: 'Prov\u0001',
      sheets: [{ name: 'Blad', columns: [], rows: [{ cells: [{ text: 'a\u0000b\u0008c\uFFFEd\uD800e\tf' }] }] }],
    });
    expect(read(bytes).sheets[0]?.rows[0]?.cells[0]).toBe('abcde\tf');
  });

  it('points a defined name at a cell of a sheet whose name needs quoting', () => {
    const name = "Mål 'T1'";
    const bytes = writeXlsx({
      creator: 'tertial',
      title: 'Prov',
      sheets: [
        { name: 'Första', columns: [], rows: [{ cells: [{ text: 'x' }] }] },
        { name, columns: [], rows: [undefined, undefined, { hidden: true, cells: [{ text: 'ks 2024-T1' }] }] },
      ],
      definedNames: [
        { name: 'Tertial_period', sheet: name, ref: 'A3' },
        { name: 'Forsta', sheet: 'Första', ref: 'A1' },
      ],
    });
    const workbook = read(bytes);
    expect(workbook.definedNames.map((d) => [d.name, parseCellFormula(d.value)])).toEqual([
      ['Tertial_period', { sheet: name, ref: 'A3' }],
      ['Forsta', { sheet: 'Första', ref: 'A1' }],
    ]);
    expect(workbook.sheets[1]?.rows.find((r) => r.cells[0] === 'ks 2024-T1')?.hidden).toBe(true);
  });

  it('shares one cell format between cells of the same style, and gives a cell without one its column’s', () => {
    const column: XlsxStyle = { alignment: { wrapText: true, vertical: 'top' } };
    const zip = openXlsx(
      writeXlsx({
        creator: 'tertial',
        title: 'Prov',
        sheets: [
          {
            name: 'Blad',
            columns: [{ width: 10, style: column }],
            rows: [
              { cells: [{ text: 'a', style: BOLD }] },
              { cells: [{ text: 'b', style: { ...BOLD } }] },
              { cells: [{ text: 'c' }] },
            ],
          },
        ],
      }),
    );
    const [a, b, c] = cells(sheetXml(zip, 'Blad'));
    expect(a?.style).toBe(b?.style);
    expect(a?.style).not.toBe(0);
    expect(c?.style).not.toBe(a?.style);
    expect(sheetXml(zip, 'Blad')).toMatch(new RegExp(`<col min="1" max="1" width="10" style="${c?.style}"`));
    expect(partText(zip, 'xl/styles.xml').match(/<font>/g)).toHaveLength(2);
  });

  it('refuses a defined name that is not one cell reference', () => {
    expect(() =>
      writeXlsx({
        creator: 'tertial',
        title: 'Prov',
        sheets: [{ name: 'Blad', columns: [], rows: [] }],
        definedNames: [{ name: 'x', sheet: 'Blad', ref: 'A1:B2' }],
      }),
    ).toThrow(RangeError);
  });
});
