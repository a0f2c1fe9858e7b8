import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import { expectErrors, expectOk, fixture, parsedFixture, where } from '../helpers/parse-results.js';

type Cell = ExcelJS.CellValue;

/** Builds a workbook in memory (exceljs is used only to write). */
async function workbook(
  sheets: Record<string, readonly (readonly Cell[])[]>,
  merges: Record<string, readonly string[]> = {},
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    rows.forEach((cells, r) =>
      cells.forEach((value, c) => {
        if (value !== null && value !== undefined) ws.getCell(r + 1, c + 1).value = value;
      }),
    );
    for (const range of merges[name] ?? []) ws.mergeCells(range);
  }
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

const ACTIVITY_HEADER = ['Mål', 'Aktivitet', 'Status', 'Kommentar'];

describe('parseUpload – clean workbook (clean.xlsx)', () => {
  it('reads goals, activities and case sections with exact values and rows', async () => {
    const { content, warnings } = await parsedFixture('clean.xlsx');
    const src = (sheet: string, row: number) => ({ file: 'clean.xlsx', sheet, row });
    expect(warnings).toEqual([]);
    expect(content.goals).toEqual([
      {
        id: 'KS1',
        title: 'Ekonomi i balans',
        assessment: 'Uppfyllt',
        motivation: 'Resultatet är positivt.\nPrognosen håller året ut.',
        focusArea: 'Hållbar ekonomi',
        source: src('Mål', 2),
      },
      {
        id: 'KS2',
        title: 'Nöjda invånare',
        assessment: 'Delvis uppfyllt',
        motivation: 'Nöjd-Kund-Index har ökat men når inte målet.',
        focusArea: 'Hållbar vardag',
        source: src('Mål', 3),
      },
      // Mål-id typed as the number 3; empty Bedömning → no assessment; empty Motivering → "".
      { id: '3', title: 'Trygg kommun', motivation: '', source: src('Mål', 4) },
    ]);
    expect(content.activities).toEqual([
      {
        goalRef: 'KS1',
        title: 'Ta fram ny budgetprocess',
        status: 'Genomförd',
        comment: 'Klar i mars.',
        responsible: 'Ekonomichef',
        source: src('Aktiviteter', 2),
      },
      {
        goalRef: 'KS1',
        title: 'Se över lokalkostnader',
        status: 'Pågående',
        comment: '',
        source: src('Aktiviteter', 3),
      },
      {
        goalRef: 'KS2',
        title: 'Medborgardialog om parker',
        status: 'Ej påbörjad',
        comment: 'Startar i höst.',
        responsible: 'Kommunikationschef',
        source: src('Aktiviteter', 4),
      },
      {
        goalRef: '3',
        title: 'Trygghetsvandringar',
        status: 'Avbruten',
        comment: 'Ersatt av en annan insats.',
        source: src('Aktiviteter', 5),
      },
    ]);
    expect(content.caseSections).toEqual([
      { kind: 'summary', text: 'Kommunstyrelsen följer upp sina mål för tertial 2.', source: src('Ärende', 2) },
      { kind: 'considerations', text: 'Förvaltningen bedömer att arbetet går enligt plan.', source: src('Ärende', 3) },
      { kind: 'proposal', text: 'Kommunstyrelsen godkänner uppföljningen.', source: src('Ärende', 4) },
      { kind: 'proposal', text: 'Kommunstyrelsen lägger rapporten till handlingarna.', source: src('Ärende', 5) },
      {
        kind: 'focusArea',
        name: 'Hållbar vardag',
        text: 'Insatserna för en hållbar vardag fortsätter.',
        source: src('Ärende', 6),
      },
    ]);
  });

  it('takes the file type from the extension case-insensitively', async () => {
    const result = await parseUpload('Uppföljning T2.XLSX', fixture('clean.xlsx'));
    expect(expectOk(result).content.activities).toHaveLength(4);
  });
});

describe('parseUpload – hand-made workbook (handmade.xlsx)', () => {
  // Tabs: Instruktioner, aktiviteter, MÅL, ärende. The worksheet XML files are rotated
  // (tab 1 lives in sheet2.xml, tab 4 in sheet1.xml) and the rels targets are absolute.
  const load = async () => await parsedFixture('handmade.xlsx');
  const src = (sheet: string, row: number) => ({ file: 'handmade.xlsx', sheet, row });

  it('finds the header below title rows, in any order, and fills merged goal cells', async () => {
    const { content } = await load();
    expect(content.activities).toEqual([
      {
        goalRef: 'Ökad trygghet för barn och äldre',
        title: 'Öppna förskolan på Åsen',
        status: 'Ej påbörjad', // written "  ej  PÅBÖRJAD "
        comment: 'Väntar på bygglov.\nByggstart tidigast i oktober.',
        responsible: 'Åsa Öberg',
        source: src('aktiviteter', 4),
      },
      {
        goalRef: 'Ökad trygghet för barn och äldre', // merged C4:C6
        title: 'Utbilda personal i bemötande',
        status: 'Pågående',
        comment: 'Hälften av personalen är klar', // rich text
        responsible: 'Örjan Ärlig',
        source: src('aktiviteter', 5),
      },
      {
        goalRef: 'Ökad trygghet för barn och äldre',
        title: 'Inför nattvandringar',
        status: 'Genomförd',
        comment: '2024-05-31', // a date cell
        source: src('aktiviteter', 6),
      },
      {
        goalRef: 'Älvstrandens utveckling', // merged C8:C10, row 7 blank
        title: 'Ny gång- och cykelväg längs ÅN',
        status: 'Avbruten',
        comment: 'Pausad i väntan på beslut.\n\nNytt förslag kommer.', // \r\n, trailing spaces and empty lines cleaned
        responsible: 'Ärendeansvarig: Åke',
        source: src('aktiviteter', 8),
      },
      {
        goalRef: 'Älvstrandens utveckling',
        title: 'Städdag vid älven',
        status: 'Pågående',
        comment: '',
        source: src('aktiviteter', 9),
      },
      // Row 10 only holds the merged goal: skipped, not an error.
      {
        goalRef: 'Över 90 % nöjda brukare',
        title: 'Kartlägg lekplatser',
        status: 'Pågående',
        comment: 'Klart till jul.',
        source: src('aktiviteter', 11),
      },
    ]);
  });

  it('reads the Mål sheet without a Mål-id column, columns reordered, assessments in odd case', async () => {
    const { content } = await load();
    expect(content.goals).toEqual([
      {
        title: 'Ökad trygghet för barn och äldre',
        assessment: 'Delvis uppfyllt',
        motivation: 'Fler insatser har genomförts.\nÅtgärderna har gett effekt.',
        focusArea: 'Trygghet & omsorg',
        source: src('MÅL', 5),
      },
      {
        title: 'Älvstrandens utveckling',
        assessment: 'Ej bedömt',
        motivation: '',
        focusArea: 'Hållbar vardag',
        source: src('MÅL', 6),
      },
      {
        title: 'Över 90 % nöjda brukare',
        assessment: 'Ej uppfyllt',
        motivation: 'Målet nås inte i år.',
        source: src('MÅL', 7),
      },
    ]);
  });

  it('reads an Ärende sheet without header; a merged field cell gives one proposal per row', async () => {
    const { content } = await load();
    expect(content.caseSections).toEqual([
      {
        kind: 'summary',
        text: 'Kommunstyrelsen följer upp målen för tertial 2.\nÅtta av tio aktiviteter pågår.',
        source: src('ärende', 1),
      },
      {
        kind: 'considerations',
        text: 'Förvaltningen ser över åtgärderna för ökad trygghet.',
        source: src('ärende', 2),
      },
      { kind: 'proposal', text: 'Kommunstyrelsen godkänner uppföljningen.', source: src('ärende', 3) },
      {
        kind: 'proposal',
        text: 'Kommunstyrelsen uppdrar åt förvaltningen att återrapportera i december.',
        source: src('ärende', 4),
      },
      {
        kind: 'focusArea',
        name: 'Trygghet & omsorg',
        text: 'Trygghetsarbetet har prioriterats.',
        source: src('ärende', 5),
      },
    ]);
  });

  it('warns once about the extra column, naming it, and about nothing else', async () => {
    const { warnings } = await load();
    expect(where(warnings)).toEqual([{ code: 'extra_column', sheet: 'aktiviteter', row: 3, column: 'Prioritet' }]);
    expect(warnings[0]?.file).toBe('handmade.xlsx');
    expect(warnings[0]?.message).toContain('"Prioritet"');
  });
});

describe('parseUpload – workbook with several errors (bad.xlsx)', () => {
  it('collects every error with its code, sheet, row and column', async () => {
    const result = await parseUpload('bad.xlsx', fixture('bad.xlsx'));
    const errors = expectErrors(result);
    expect(where(errors)).toEqual([
      { code: 'unknown_status', sheet: 'Aktiviteter', row: 3, column: 'Status' },
      { code: 'missing_value', sheet: 'Aktiviteter', row: 5, column: 'Aktivitet' },
      { code: 'missing_value', sheet: 'Aktiviteter', row: 6, column: 'Mål' },
      { code: 'missing_value', sheet: 'Aktiviteter', row: 7, column: 'Aktivitet' },
      { code: 'missing_value', sheet: 'Aktiviteter', row: 7, column: 'Status' },
      { code: 'unknown_assessment', sheet: 'Mål', row: 3, column: 'Bedömning' },
      { code: 'duplicate_goal', sheet: 'Mål', row: 4, column: 'Mål-id' },
      { code: 'invalid_goal_id', sheet: 'Mål', row: 5, column: 'Mål-id' },
      { code: 'duplicate_goal', sheet: 'Mål', row: 6, column: 'Mål' },
      { code: 'missing_value', sheet: 'Mål', row: 7, column: 'Mål' },
      { code: 'unknown_case_field', sheet: 'Ärende', row: 2, column: 'A' },
      { code: 'duplicate_case_field', sheet: 'Ärende', row: 3, column: 'A' },
      { code: 'unknown_case_field', sheet: 'Ärende', row: 4, column: 'A' },
    ]);
    expect(errors.every((e) => e.file === 'bad.xlsx')).toBe(true);
    expect(where(result.warnings)).toEqual([{ code: 'extra_column', sheet: 'Aktiviteter', row: 1, column: 'Budget' }]);
  });

  it('writes plain Swedish messages that say what is wrong and what to use instead', async () => {
    const errors = expectErrors(await parseUpload('bad.xlsx', fixture('bad.xlsx')));
    expect(errors[0]?.message).toBe(
      'Fliken "Aktiviteter", rad 3, kolumn "Status": "Klar" är inte en giltig status. Menade du "Genomförd"? Använd en av: Ej påbörjad, Pågående, Genomförd, Avbruten.',
    );
    expect(errors[0]?.value).toBe('Klar');
    expect(errors[5]?.message).toBe(
      'Fliken "Mål", rad 3, kolumn "Bedömning": "Bra" är inte en giltig bedömning. Använd en av: Uppfyllt, Delvis uppfyllt, Ej uppfyllt, Ej bedömt – eller lämna cellen tom om målet inte är bedömt än.',
    );
    expect(errors[6]?.message).toContain('"KS1" finns redan på rad 2');
    expect(errors[8]?.message).toContain('"Nöjda invånare" finns redan på rad 3');
    expect(errors[7]?.message).toContain('"KS 3" är inte ett giltigt mål-id');
    expect(errors[10]?.message).toContain('"Bakgrund" är inte ett känt fält');
    expect(errors[11]?.message).toContain('finns redan på rad 1');
  });
});

describe('parseUpload – missing sheet and columns', () => {
  it('reports a missing Aktiviteter sheet, naming the sheets that exist', async () => {
    const errors = expectErrors(await parseUpload('missing-sheet.xlsx', fixture('missing-sheet.xlsx')));
    expect(where(errors)).toEqual([{ code: 'missing_sheet', sheet: 'Aktiviteter' }]);
    expect(errors[0]?.message).toContain('"Blad1", "Mål"');
  });

  it('reports a missing required column and which headers were found', async () => {
    const result = await parseUpload('missing-column.xlsx', fixture('missing-column.xlsx'));
    const errors = expectErrors(result);
    expect(where(errors)).toEqual([{ code: 'missing_column', sheet: 'Aktiviteter', row: 2, column: 'Status' }]);
    expect(errors[0]?.message).toContain('saknar kolumnen "Status"');
    expect(errors[0]?.message).toContain('Hittade rubriker på rad 2: "Mål", "Aktivitet", "Kommentar", "Ansvarig"');
    expect(result.warnings).toEqual([]);
  });

  it('reports every missing column when no header row is found in the first 20 rows', async () => {
    const rows: Cell[][] = Array.from({ length: 20 }, () => []);
    rows.push(ACTIVITY_HEADER, ['KS1', 'A', 'Pågående', '']); // header on row 21: too far down
    const errors = expectErrors(await parseUpload('x.xlsx', await workbook({ Aktiviteter: rows })));
    expect(where(errors)).toEqual(
      ACTIVITY_HEADER.map((column) => ({ code: 'missing_column', sheet: 'Aktiviteter', column })),
    );
    expect(errors[0]?.message).toContain('Ingen av rubrikerna hittades');
  });

  it('reports a missing column in the Mål sheet and a duplicated header', async () => {
    const bytes = await workbook({
      Aktiviteter: [
        ['Mål', 'Aktivitet', 'Status', 'Kommentar', 'status'],
        ['KS1', 'A', 'Pågående', '', 'Genomförd'],
      ],
      Mål: [
        ['Mål', 'Bedömning'],
        ['Ekonomi', 'Uppfyllt'],
      ],
    });
    const errors = expectErrors(await parseUpload('x.xlsx', bytes));
    expect(where(errors)).toEqual([
      { code: 'duplicate_column', sheet: 'Aktiviteter', row: 1, column: 'Status' },
      { code: 'missing_column', sheet: 'Mål', row: 1, column: 'Motivering' },
    ]);
    expect(errors[0]?.message).toContain('(C, E)');
  });
});

describe('parseUpload – unreadable and unsupported files', () => {
  it('rejects random bytes named .xlsx', async () => {
    const result = await parseUpload('corrupt.xlsx', fixture('corrupt.xlsx'));
    expect(where(expectErrors(result))).toEqual([{ code: 'not_a_workbook' }]);
    expect(result.warnings).toEqual([]);
  });

  it('rejects a truncated workbook and a zip that is not a workbook', async () => {
    const clean = fixture('clean.xlsx');
    const truncated = clean.subarray(0, Math.floor(clean.length * 0.6));
    expect(where(expectErrors(await parseUpload('t.xlsx', truncated)))).toEqual([{ code: 'unreadable_workbook' }]);
    const notAWorkbook = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array<number>(200).fill(1)]);
    expect(where(expectErrors(await parseUpload('z.xlsx', notAWorkbook)))).toEqual([{ code: 'unreadable_workbook' }]);
  });

  it('explains that an old .xls file (OLE2) must be saved as .xlsx', async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(512).fill(0)]);
    const errors = expectErrors(await parseUpload('gammal.xlsx', ole));
    expect(where(errors)).toEqual([{ code: 'legacy_xls' }]);
    expect(errors[0]?.message).toContain('.xls');
  });

  it('rejects an empty file', async () => {
    const errors = expectErrors(await parseUpload('empty.xlsx', fixture('empty.xlsx')));
    expect(where(errors)).toEqual([{ code: 'empty_file' }]);
    expect(errors[0]?.file).toBe('empty.xlsx');
  });

  it('rejects a .txt file and a name without extension', async () => {
    const txt = expectErrors(await parseUpload('notes.txt', fixture('notes.txt')));
    expect(where(txt)).toEqual([{ code: 'unsupported_file_type' }]);
    expect(txt[0]?.message).toContain('är en .txt-fil');
    expect(where(expectErrors(await parseUpload('uppföljning', fixture('clean.xlsx'))))).toEqual([
      { code: 'unsupported_file_type' },
    ]);
    const xls = expectErrors(await parseUpload('gammal.xls', fixture('clean.xlsx')));
    expect(xls[0]?.message).toContain('Excel-arbetsbok (.xlsx)');
  });
});

describe('parseUpload – cell values', () => {
  it('keeps formula-looking and markup-looking text literally', async () => {
    const { content } = await parsedFixture('special-characters.xlsx');
    expect(content.activities.map((a) => [a.title, a.comment])).toEqual([
      ['& < > " {x} =SUM(A1)', '=SUM(A1)'],
      ["{{title}} ${x} <b>fet</b> 'citat'", '-1+2 @ #REF! &amp; &#65;'],
    ]);
  });

  it('turns numbers, booleans and dates into the text Swedish Excel shows', async () => {
    const bytes = await workbook({
      Aktiviteter: [
        ACTIVITY_HEADER.concat('Ansvarig'),
        [1.5, 2024, 'Pågående', new Date(Date.UTC(2024, 0, 15)), true],
        [0.1 + 0.2, 'B', 'Pågående', 42, false],
      ],
    });
    const { content } = expectOk(await parseUpload('x.xlsx', bytes));
    expect(content.activities.map((a) => [a.goalRef, a.title, a.comment, a.responsible])).toEqual([
      ['1,5', '2024', '2024-01-15', 'SANT'],
      ['0,3', 'B', '42', 'FALSKT'],
    ]);
  });

  it('skips empty rows but reports an empty goal cell that is not merged', async () => {
    const bytes = await workbook({
      Aktiviteter: [ACTIVITY_HEADER, ['KS1', 'A', 'Pågående', ''], [], [], [null, 'B', 'Pågående', 'mål saknas']],
    });
    const errors = expectErrors(await parseUpload('x.xlsx', bytes));
    expect(where(errors)).toEqual([{ code: 'missing_value', sheet: 'Aktiviteter', row: 5, column: 'Mål' }]);
  });

  it('reports every row under a merged goal cell whose top-left cell is empty', async () => {
    const bytes = await workbook(
      { Aktiviteter: [ACTIVITY_HEADER, [null, 'A', 'Pågående', ''], [null, 'B', 'Pågående', '']] },
      { Aktiviteter: ['A2:A3'] },
    );
    expect(where(expectErrors(await parseUpload('x.xlsx', bytes)))).toEqual([
      { code: 'missing_value', sheet: 'Aktiviteter', row: 2, column: 'Mål' },
      { code: 'missing_value', sheet: 'Aktiviteter', row: 3, column: 'Mål' },
    ]);
  });

  it('reports values longer than 10 000 characters', async () => {
    const long = 'x'.repeat(10_001);
    const bytes = await workbook({
      Aktiviteter: [ACTIVITY_HEADER, ['KS1', 'A', 'Pågående', long], ['KS1', 'B', 'Pågående', 'x'.repeat(10_000)]],
    });
    const errors = expectErrors(await parseUpload('x.xlsx', bytes));
    expect(where(errors)).toEqual([{ code: 'value_too_long', sheet: 'Aktiviteter', row: 2, column: 'Kommentar' }]);
    expect(errors[0]?.message).toContain('10 001 tecken');
    expect(errors[0]?.value?.length).toBeLessThanOrEqual(200);
  });

  it('matches sheet names case- and whitespace-insensitively and allows an empty optional sheet', async () => {
    const bytes = await workbook({ ' AKTIVITETER ': [ACTIVITY_HEADER, ['KS1', 'A', 'GENOMFÖRD', '']], mål: [] });
    const { content } = expectOk(await parseUpload('x.xlsx', bytes));
    expect(content.activities.map((a) => [a.status, a.source.sheet])).toEqual([['Genomförd', ' AKTIVITETER ']]);
    expect(content.goals).toEqual([]);
  });
});

describe('parseUpload – Ärende sheet details', () => {
  it('joins rows under a merged field cell into one text, and warns about a field without text', async () => {
    const bytes = await workbook(
      {
        Aktiviteter: [ACTIVITY_HEADER],
        Ärende: [
          ['Rubrik', 'Innehåll'],
          ['Ärendet i korthet', 'Första stycket.'],
          [null, 'Andra stycket.'],
          ['Förslag till beslut 1', 'Godkänna.'],
          ['Förslag till beslut 2', 'Lägga till handlingarna.'],
          ['Förvaltningens övervägande', null],
          ['Fokusområde: Barn och unga', 'Text om barn.'],
        ],
      },
      { Ärende: ['A2:A3'] },
    );
    const result = await parseUpload('x.xlsx', bytes);
    const { content, warnings } = expectOk(result);
    expect(content.caseSections.map((s) => ({ ...s, source: s.source.row }))).toEqual([
      { kind: 'summary', text: 'Första stycket.\nAndra stycket.', source: 2 },
      { kind: 'proposal', text: 'Godkänna.', source: 4 },
      { kind: 'proposal', text: 'Lägga till handlingarna.', source: 5 },
      { kind: 'focusArea', name: 'Barn och unga', text: 'Text om barn.', source: 7 },
    ]);
    expect(where(warnings)).toEqual([{ code: 'empty_case_field', sheet: 'Ärende', row: 6, column: 'Innehåll' }]);
  });
});
