import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import { expectErrors, expectOk, fixture, parsedFixture, where } from '../helpers/parse-results.js';

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

describe('parseUpload – CSV files', () => {
  it('reads a UTF-8 CSV with "," (activities-comma.csv)', async () => {
    const { content, warnings } = await parsedFixture('activities-comma.csv');
    const src = (row: number) => ({ file: 'activities-comma.csv', sheet: 'Aktiviteter', row });
    expect(warnings).toEqual([]);
    expect(content.goals).toEqual([]);
    expect(content.caseSections).toEqual([]);
    expect(content.activities).toEqual([
      {
        goalRef: 'KS1',
        title: 'Ta fram budgetprocess',
        status: 'Genomförd',
        comment: 'Klar i mars, före plan.',
        responsible: 'Ekonomichef',
        source: src(2),
      },
      { goalRef: 'KS2', title: 'Medborgardialog', status: 'Pågående', comment: '', source: src(3) },
      // doubled quotes inside a quoted field; formula-looking text kept literally
      { goalRef: 'KS2', title: 'Enkät "Tyck till"', status: 'Ej påbörjad', comment: '=SUM(A1)', source: src(4) },
    ]);
  });

  it('reads a UTF-8 CSV with BOM, ";" and title lines above the header (activities-bom-semicolon.csv)', async () => {
    const { content, warnings } = await parsedFixture('activities-bom-semicolon.csv');
    const src = (row: number) => ({ file: 'activities-bom-semicolon.csv', sheet: 'Aktiviteter', row });
    expect(warnings).toEqual([]);
    expect(content.activities).toEqual([
      {
        goalRef: 'Ökad trygghet',
        title: 'Öppna förskolan på Åsen',
        status: 'Ej påbörjad',
        comment: 'Väntar på bygglov.',
        responsible: 'Åsa Öberg',
        source: src(4),
      },
      { goalRef: 'Älvstranden', title: 'Städdag vid älven', status: 'Pågående', comment: '', source: src(5) },
    ]);
  });

  it('reads a Windows-1252 CSV with ";", åäö and a quoted line break; rows are the starting lines', async () => {
    const bytes = fixture('activities-win1252.csv');
    // The fixture really is Windows-1252: not valid UTF-8, and "Ö" is the single byte 0xD6.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(bytes.includes(0xd6)).toBe(true);
    const { content } = expectOk(await parseUpload('activities-win1252.csv', bytes));
    const src = (row: number) => ({ file: 'activities-win1252.csv', sheet: 'Aktiviteter', row });
    expect(content.activities).toEqual([
      {
        goalRef: 'Ökad trygghet',
        title: 'Trygghetsvandring i Älvängen',
        status: 'Pågående',
        comment: 'Första rundan är klar.\nNästa runda i höst, "preliminärt".',
        responsible: 'Åsa Öberg',
        source: src(2),
      },
      // lines 2–3 are one record, so this one starts on line 4
      { goalRef: 'Ökad trygghet', title: 'Belysning vid ån', status: 'Genomförd', comment: 'Klart', source: src(4) },
      {
        goalRef: 'Älvstranden',
        title: 'Ny brygga',
        status: 'Avbruten',
        comment: '',
        responsible: 'ÅÄÖ åäö',
        source: src(5),
      },
    ]);
  });

  it('reports errors on the line where the record starts, after a multi-line field', async () => {
    const text =
      'Mål;Aktivitet;Status;Kommentar\r\nKS1;A;Pågående;"rad 1\r\nrad 2\r\nrad 3"\r\nKS1;B;Klar;\r\n\r\n;C;Pågående;\r\n';
    const errors = expectErrors(await parseUpload('fel.csv', iconv.encode(text, 'win1252')));
    expect(where(errors)).toEqual([
      { code: 'unknown_status', sheet: 'Aktiviteter', row: 5, column: 'Status' },
      { code: 'missing_value', sheet: 'Aktiviteter', row: 7, column: 'Mål' },
    ]);
    expect(errors[0]?.message).toBe(
      'Rad 5, kolumn "Status": "Klar" är inte en giltig status. Menade du "Genomförd"? Använd en av: Ej påbörjad, Pågående, Genomförd, Avbruten.',
    );
  });

  it('detects the delimiter from the header even when the data is full of commas', async () => {
    const text = 'Mål;Aktivitet;Status;Kommentar\nKS1;Budget, plan, uppföljning;Pågående;a, b, c, d, e\n';
    const { content } = expectOk(await parseUpload('a.csv', utf8(text)));
    expect(content.activities.map((a) => [a.title, a.comment])).toEqual([
      ['Budget, plan, uppföljning', 'a, b, c, d, e'],
    ]);
  });

  it('follows an Excel "sep=" first line and counts it as line 1', async () => {
    const text = 'sep=,\nMål,Aktivitet,Status,Kommentar\nKS1,A;B,Genomförd,\n';
    const { content } = expectOk(await parseUpload('a.csv', utf8(text)));
    expect(content.activities.map((a) => [a.title, a.source.row])).toEqual([['A;B', 3]]);
  });

  it('reports missing and extra columns with the header as written', async () => {
    const text = 'Uppföljning\n\nMÅL ;aktivitet;Kommentar:;Prio\nKS1;A;;hög\n';
    const result = await parseUpload('a.csv', utf8(text));
    const errors = expectErrors(result);
    expect(where(errors)).toEqual([{ code: 'missing_column', sheet: 'Aktiviteter', row: 3, column: 'Status' }]);
    expect(errors[0]?.message).toContain('"MÅL", "aktivitet", "Kommentar:"');
    expect(where(result.warnings)).toEqual([]);
  });

  it('warns about extra columns when the header is complete', async () => {
    const text = 'Mål;Aktivitet;Status;Kommentar;Prio\nKS1;A;Pågående;;hög\n';
    const result = await parseUpload('a.csv', utf8(text));
    expect(expectOk(result).warnings.map((w) => [w.code, w.row, w.column])).toEqual([['extra_column', 1, 'Prio']]);
  });

  it('reports an unclosed quote', async () => {
    const text = 'Mål;Aktivitet;Status;Kommentar\nKS1;A;Pågående;ok\nKS1;B;Pågående;"aldrig stängd\nKS1;C;Pågående;\n';
    const errors = expectErrors(await parseUpload('a.csv', utf8(text)));
    expect(where(errors)).toEqual([{ code: 'csv_quote_error', sheet: 'Aktiviteter', row: 3 }]);
  });

  it('reports more than 20 000 data rows once', async () => {
    const rows = Array.from({ length: 20_001 }, (_, i) => `KS1;Aktivitet ${i};Pågående;`);
    const errors = expectErrors(
      await parseUpload('stor.csv', utf8(['Mål;Aktivitet;Status;Kommentar', ...rows].join('\n'))),
    );
    expect(where(errors)).toEqual([{ code: 'too_many_rows', sheet: 'Aktiviteter' }]);
    expect(errors[0]?.message).toContain('20 001');
  });

  it('accepts exactly 20 000 data rows', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `KS1;Aktivitet ${i};Pågående;`);
    const { content } = expectOk(
      await parseUpload('stor.csv', utf8(['Mål;Aktivitet;Status;Kommentar', ...rows].join('\n'))),
    );
    expect(content.activities).toHaveLength(20_000);
    expect(content.activities[19_999]?.source.row).toBe(20_001);
  });

  it('rejects an empty CSV and one with only a BOM and blank lines', async () => {
    expect(where(expectErrors(await parseUpload('empty.csv', fixture('empty.csv'))))).toEqual([{ code: 'empty_file' }]);
    const bomOnly = new Uint8Array([0xef, 0xbb, 0xbf, 0x0d, 0x0a, 0x0d, 0x0a]);
    expect(where(expectErrors(await parseUpload('tom.CSV', bomOnly)))).toEqual([{ code: 'empty_file' }]);
  });

  it('keeps special characters literally', async () => {
    const text = 'Mål,Aktivitet,Status,Kommentar\nKS1,"& < > "" {x} =SUM(A1)",Pågående,=SUM(A1)\n';
    const { content } = expectOk(await parseUpload('a.csv', utf8(text)));
    expect(content.activities.map((a) => [a.title, a.comment])).toEqual([['& < > " {x} =SUM(A1)', '=SUM(A1)']]);
  });
});
