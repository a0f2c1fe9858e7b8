/**
 * The workbook staff fill in, read back with readers other than the one that wrote it:
 * pizzip + the sheet XML (validations, panes, styles) and the parser (it must accept
 * what the template produces); LibreOffice Calc opens it in
 * test/integration/workbook-calc.test.ts. exceljs plays the member of staff who fills
 * the workbook in.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { ACTIVITY_STATUSES, ASSESSMENTS, type Period, type UploadContent } from '../../lambdas/core/domain.js';
import { readWorkbook } from '../../lambdas/core/parse/xlsx.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import { buildWorkbook, carryOver, type WorkbookGoal } from '../../lambdas/core/workbook.js';
import {
  cells,
  dataValidations,
  fillColours,
  openXlsx,
  partText,
  sheetParts,
  sheetXml,
} from '../helpers/xlsx-parts.js';
import { parsed } from '../helpers/parse-results.js';

const T1: Period = { committee: 'ks', year: 2024, tertial: 1 };
const T2: Period = { ...T1, tertial: 2 };
const T3: Period = { ...T1, tertial: 3 };

const GOALS: WorkbookGoal[] = [
  { id: 'KS1', title: 'En ekonomi i balans', focusArea: 'Hållbar vardag' },
  { id: 'KS2', title: 'Nöjda invånare', focusArea: 'Hållbar gemenskap' },
];

/** A sheet's cells as the parser's reader sees them (`null` for an empty cell). */
async function values(bytes: Uint8Array, sheet: string): Promise<unknown[][]> {
  const read = readWorkbook(bytes);
  if (!read.ok) throw new Error(`unreadable: ${read.problem.kind}`);
  const found = read.sheets.find((s) => s.sheet === sheet);
  if (!found) throw new Error(`no sheet ${sheet}`);
  return found.rows.map((row) => row.cells.map((text) => (text === '' ? null : text)));
}

type Edit = Record<string, string | undefined>;

/**
 * Fills a workbook in as a person would: rows of the activities sheet by header (an
 * existing row is matched on `Aktivitet`, otherwise appended), goals' assessments.
 */
async function fillIn(
  bytes: Uint8Array,
  edits: { activities?: Edit[]; goals?: Edit[]; case?: Record<string, string> },
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const apply = (sheetName: string, key: string, rows: Edit[]) => {
    const sheet = workbook.getWorksheet(sheetName)!;
    const headers = new Map<string, number>();
    sheet.getRow(1).eachCell((cell, col) => headers.set(String(cell.value), col));
    for (const edit of rows) {
      let rowNumber = 0;
      sheet.eachRow((row, n) => {
        if (n > 1 && row.getCell(headers.get(key)!).value === edit[key]) rowNumber = n;
      });
      if (rowNumber === 0) rowNumber = sheet.actualRowCount + 1;
      for (const [header, value] of Object.entries(edit)) {
        const col = headers.get(header);
        if (!col) throw new Error(`no column ${header}`);
        sheet.getCell(rowNumber, col).value = value ?? null;
      }
    }
  };
  if (edits.activities) apply('Aktiviteter', 'Aktivitet', edits.activities);
  if (edits.goals) apply('Mål', 'Mål', edits.goals);
  if (edits.case) {
    const sheet = workbook.getWorksheet('Ärende')!;
    sheet.eachRow((row) => {
      const text = edits.case?.[String(row.getCell(1).value)];
      if (text !== undefined) row.getCell(2).value = text;
    });
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('buildWorkbook: the layout staff see', () => {
  it('writes the instructions, Ärende, Mål and Aktiviteter with bold, filled, frozen header rows', async () => {
    const bytes = await buildWorkbook({ period: T2, goals: GOALS });
    const zip = openXlsx(bytes);
    expect(sheetParts(zip).map((s) => s.name)).toEqual(['Instruktioner', 'Ärende', 'Mål', 'Aktiviteter']);
    const fills = fillColours(zip);
    const styles = partText(zip, 'xl/styles.xml');
    expect(styles).toMatch(/<b\/>/);
    for (const name of ['Ärende', 'Mål', 'Aktiviteter']) {
      const xml = sheetXml(zip, name);
      expect(xml, name).toMatch(/<pane\b[^>]*ySplit="1"[^>]*state="frozen"/);
      expect(xml, name).toMatch(/<col\b[^>]*width="\d+"[^>]*customWidth="1"/);
      const header = cells(xml).filter((c) => /^[A-Z]+1$/.test(c.ref));
      expect(header.length, name).toBeGreaterThanOrEqual(2);
      for (const cell of header) expect(fills[cell.style], `${name}!${cell.ref}`).toBe('FF1F4E79');
    }
    expect(await values(bytes, 'Aktiviteter')).toEqual([['Mål', 'Aktivitet', 'Ansvarig', 'Status', 'Kommentar']]);
    expect((await values(bytes, 'Mål'))[0]).toEqual(['Mål-id', 'Mål', 'Bedömning', 'Motivering', 'Fokusområde']);
    const instructions = (await values(bytes, 'Instruktioner')).map((r) => String(r[0])).join('\n');
    expect(instructions).toContain('tertial 2 2024');
    expect(instructions).toContain(ACTIVITY_STATUSES.join(', '));
    expect(instructions).toContain(ASSESSMENTS.join(', '));
    expect(instructions).toContain('uploads/ks/2024/T2/uppfoljning.xlsx');
    expect(instructions).toContain('receipts/ks/2024/T2/uppfoljning.xlsx.html');
  });

  it('offers drop-downs for Status and Bedömning, with an input message and an error message, down to row 20 001', async () => {
    const zip = openXlsx(await buildWorkbook({ period: T2 }));
    const status = dataValidations(sheetXml(zip, 'Aktiviteter')).find((v) => v.attributes.sqref === 'D2:D20001');
    expect(status?.attributes).toMatchObject({
      type: 'list',
      showInputMessage: '1',
      showErrorMessage: '1',
      errorStyle: 'stop',
      promptTitle: 'Status',
    });
    expect(status?.formula1).toBe('"Ej påbörjad,Pågående,Genomförd,Avbruten"');
    expect(status?.attributes.prompt).toContain('Ej påbörjad, Pågående, Genomförd, Avbruten');

    const assessment = dataValidations(sheetXml(zip, 'Mål')).find((v) => v.attributes.sqref === 'C2:C20001');
    expect(assessment?.attributes).toMatchObject({
      type: 'list',
      allowBlank: '1',
      showInputMessage: '1',
      showErrorMessage: '1',
      promptTitle: 'Bedömning',
    });
    expect(assessment?.formula1).toBe('"Uppfyllt,Delvis uppfyllt,Ej uppfyllt,Ej bedömt"');

    // Excel refuses longer texts (and LibreOffice truncates them).
    for (const name of ['Mål', 'Aktiviteter']) {
      for (const v of dataValidations(sheetXml(zip, name))) {
        expect((v.attributes.promptTitle ?? '').length).toBeLessThanOrEqual(32);
        expect((v.attributes.errorTitle ?? '').length).toBeLessThanOrEqual(32);
        expect((v.attributes.prompt ?? '').length).toBeLessThanOrEqual(255);
        expect((v.attributes.error ?? '').length).toBeLessThanOrEqual(225);
        expect(v.formula1.length).toBeLessThanOrEqual(255);
      }
    }
  });

  it('pre-fills the committee goals and every case field with its text left empty', async () => {
    const bytes = await buildWorkbook({ period: T1, config: KS_CONFIG, goals: GOALS });
    expect((await values(bytes, 'Mål')).slice(1)).toEqual([
      ['KS1', 'En ekonomi i balans', null, null, 'Hållbar vardag'],
      ['KS2', 'Nöjda invånare', null, null, 'Hållbar gemenskap'],
    ]);
    expect((await values(bytes, 'Ärende')).map((r) => r[0])).toEqual([
      'Fält',
      'Ärendet i korthet',
      'Förvaltningens övervägande',
      'Förslag till beslut',
      ...KS_CONFIG.focusAreas.map((a) => `Fokusområde ${a}`),
    ]);
  });
});

describe('buildWorkbook: the parser accepts what it writes', () => {
  it('an empty template is an accepted upload with nothing in it and no warnings', async () => {
    const { content, warnings } = await parsed('tom.xlsx', await buildWorkbook({ period: T1 }));
    expect(content).toEqual({ goals: [], activities: [], caseSections: [] });
    expect(warnings).toEqual([]);
  });

  it('the untouched template with goals: the goals without assessment, no warnings', async () => {
    const { content, warnings } = await parsed('mal.xlsx', await buildWorkbook({ period: T1, goals: GOALS }));
    expect(content.goals.map((g) => [g.id, g.title, g.assessment, g.motivation, g.focusArea])).toEqual([
      ['KS1', 'En ekonomi i balans', undefined, '', 'Hållbar vardag'],
      ['KS2', 'Nöjda invånare', undefined, '', 'Hållbar gemenskap'],
    ]);
    expect(content.activities).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('a filled-in template reads back as written, case texts included', async () => {
    const filled = await fillIn(await buildWorkbook({ period: T1, goals: GOALS }), {
      goals: [{ Mål: 'En ekonomi i balans', Bedömning: 'Delvis uppfyllt', Motivering: 'Resultatet är positivt.' }],
      activities: [
        {
          Mål: 'KS1',
          Aktivitet: 'Investeringsplan',
          Ansvarig: 'Ekonomichef',
          Status: 'Pågående',
          Kommentar: '=1+1 är ingen formel\nAndra stycket.',
        },
      ],
      case: { 'Ärendet i korthet': 'Tertial 1.', 'Förslag till beslut': 'Godkänna redovisningen.' },
    });
    const { content, warnings } = await parsed('ifylld.xlsx', filled);
    expect(content.goals[0]).toMatchObject({
      id: 'KS1',
      assessment: 'Delvis uppfyllt',
      motivation: 'Resultatet är positivt.',
    });
    expect(content.activities).toEqual([
      expect.objectContaining({
        goalRef: 'KS1',
        title: 'Investeringsplan',
        responsible: 'Ekonomichef',
        status: 'Pågående',
        comment: '=1+1 är ingen formel\nAndra stycket.',
      }),
    ]);
    expect(content.caseSections.map((s) => [s.kind, s.text])).toEqual([
      ['summary', 'Tertial 1.'],
      ['proposal', 'Godkänna redovisningen.'],
    ]);
    // Once one field has text, the empty ones are reported (they get the standard wording):
    // Förvaltningens övervägande and the five focus areas.
    expect(warnings.map((w) => (w as { code: string }).code)).toEqual(Array(6).fill('empty_case_field'));
    // Each says what the document prints instead, never that the field is "skipped".
    const messages = warnings.map((w) => (w as { message: string }).message);
    expect(
      messages.filter((m) => /dokumentet visar "Ärendet har ingen bärighet på hållbar vardag\."/.test(m)),
    ).toHaveLength(1);
    expect(messages.some((m) => /ingen text under Förvaltningens övervägande/.test(m))).toBe(true);
    expect(messages.some((m) => /hoppas över/.test(m))).toBe(false);
  });
});

describe('buildWorkbook: carry-over T1 → T2 → T3', () => {
  it('carries the goals and the unfinished activities with last comment beside an empty one, twice', async () => {
    // T1: a fresh template, filled in with every status.
    const t1 = await fillIn(await buildWorkbook({ period: T1, goals: GOALS }), {
      goals: [{ Mål: 'En ekonomi i balans', Bedömning: 'Delvis uppfyllt', Motivering: 'Bra start.' }],
      activities: [
        {
          Mål: 'KS1',
          Aktivitet: 'A Investeringsplan',
          Ansvarig: 'Ekonomichef',
          Status: 'Genomförd',
          Kommentar: 'Beslutad.',
        },
        {
          Mål: 'KS1',
          Aktivitet: 'B Budgetuppföljning',
          Ansvarig: 'Ekonomichef',
          Status: 'Pågående',
          Kommentar: 'Varje månad.\nRapport till KS.',
        },
        { Mål: 'KS2', Aktivitet: 'C Medborgarenkät', Status: 'Ej påbörjad', Kommentar: '' },
        { Mål: 'KS2', Aktivitet: 'D Trygghetsvandring', Status: 'Avbruten', Kommentar: 'Ersätts.' },
        { Mål: 'Nöjda invånare', Aktivitet: 'E Öppet hus', Status: 'pågående', Kommentar: 'Två tillfällen.' },
      ],
    });
    const t1Content = (await parsed('t1.xlsx', t1)).content;
    expect(t1Content.activities).toHaveLength(5);

    // T2: only B, C and E come along, each with its status and last comment.
    const t2Template = await buildWorkbook({ period: T2, previous: [t1Content] });
    expect(await values(t2Template, 'Aktiviteter')).toEqual([
      ['Mål', 'Aktivitet', 'Ansvarig', 'Status', 'Kommentar förra tertialen', 'Kommentar'],
      ['KS1', 'B Budgetuppföljning', 'Ekonomichef', 'Pågående', 'Varje månad.\nRapport till KS.', null],
      ['KS2', 'C Medborgarenkät', null, 'Ej påbörjad', null, null],
      ['Nöjda invånare', 'E Öppet hus', null, 'Pågående', 'Två tillfällen.', null],
    ]);
    expect((await values(t2Template, 'Mål')).slice(1).map((r) => r.slice(0, 2))).toEqual([
      ['KS1', 'En ekonomi i balans'],
      ['KS2', 'Nöjda invånare'],
    ]);
    // Neither Excel nor LibreOffice fits row heights on opening: the two-line comment's row has one.
    expect(sheetXml(openXlsx(t2Template), 'Aktiviteter')).toMatch(/<row r="2"[^>]*ht="33"[^>]*customHeight="1"/);
    expect(sheetXml(openXlsx(t2Template), 'Aktiviteter')).not.toMatch(/<row r="3"[^>]*customHeight/);
    // Untouched, it is accepted as is, without a warning about the extra column.
    const untouched = await parsed('t2.xlsx', t2Template);
    expect(untouched.warnings).toEqual([]);
    expect(untouched.content.activities.map((a) => [a.title, a.status, a.comment])).toEqual([
      ['B Budgetuppföljning', 'Pågående', ''],
      ['C Medborgarenkät', 'Ej påbörjad', ''],
      ['E Öppet hus', 'Pågående', ''],
    ]);

    // T2 filled in: B is done, C has started, E goes on, F is new.
    const t2 = await fillIn(t2Template, {
      activities: [
        { Aktivitet: 'B Budgetuppföljning', Status: 'Genomförd', Kommentar: 'Klar i augusti.' },
        { Aktivitet: 'C Medborgarenkät', Status: 'Pågående', Kommentar: 'Enkäten är ute.' },
        { Aktivitet: 'E Öppet hus', Kommentar: 'Ett tillfälle kvar.' },
        { Mål: 'KS1', Aktivitet: 'F Lokalöversyn', Status: 'Ej påbörjad' },
      ],
    });
    const t2Result = await parsed('t2.xlsx', t2);
    expect(t2Result.warnings).toEqual([]);
    expect(t2Result.content.activities.map((a) => [a.title, a.status, a.comment])).toEqual([
      ['B Budgetuppföljning', 'Genomförd', 'Klar i augusti.'],
      ['C Medborgarenkät', 'Pågående', 'Enkäten är ute.'],
      ['E Öppet hus', 'Pågående', 'Ett tillfälle kvar.'],
      ['F Lokalöversyn', 'Ej påbörjad', ''],
    ]);

    // T3: C, E and F, with T2's comments as the previous ones.
    const t3Template = await buildWorkbook({ period: T3, previous: [t2Result.content], goals: GOALS });
    expect((await values(t3Template, 'Aktiviteter')).slice(1)).toEqual([
      ['KS2', 'C Medborgarenkät', null, 'Pågående', 'Enkäten är ute.', null],
      ['Nöjda invånare', 'E Öppet hus', null, 'Pågående', 'Ett tillfälle kvar.', null],
      ['KS1', 'F Lokalöversyn', null, 'Ej påbörjad', null, null],
    ]);
    const t3 = await parsed('t3.xlsx', t3Template);
    expect(t3.content.activities.map((a) => a.title)).toEqual(['C Medborgarenkät', 'E Öppet hus', 'F Lokalöversyn']);
    expect(t3.content.goals.map((g) => g.id)).toEqual(['KS1', 'KS2']);
  });

  it('marks the previous comment as read-only: greyed, and typing in it is refused', async () => {
    const content: UploadContent = {
      goals: [],
      activities: [
        {
          goalRef: 'KS1',
          title: 'B',
          status: 'Pågående',
          comment: 'Förra.',
          source: { file: 'a.xlsx', sheet: 'Aktiviteter', row: 2 },
        },
      ],
      caseSections: [],
    };
    const zip = openXlsx(await buildWorkbook({ period: T2, previous: [content] }));
    const xml = sheetXml(zip, 'Aktiviteter');
    const readOnly = dataValidations(xml).find((v) => v.attributes.sqref === 'E2:E20001');
    expect(readOnly?.attributes).toMatchObject({
      type: 'custom',
      showInputMessage: '1',
      showErrorMessage: '1',
      errorStyle: 'stop',
    });
    expect(readOnly?.formula1).toBe('FALSE');
    expect(readOnly?.attributes.prompt).toContain('läses inte in');
    const fills = fillColours(zip);
    const e2 = cells(xml).find((c) => c.ref === 'E2');
    expect(fills[e2?.style ?? -1]).toBe('FFE7E6E6');
    expect(xml).toMatch(/<col min="5" max="5"[^>]*style="\d+"/);
  });

  it('merges goals and drops repeated activities across several previous uploads', () => {
    const src = { file: 'x.xlsx', sheet: 'Aktiviteter', row: 2 };
    const a: UploadContent = {
      goals: [{ id: 'KS1', title: 'Ekonomi', motivation: '', source: src }],
      activities: [{ goalRef: 'KS1', title: 'Plan', status: 'Pågående', comment: 'a', source: src }],
      caseSections: [],
    };
    const b: UploadContent = {
      goals: [
        { id: 'ks1', title: 'Ekonomi i balans', motivation: '', source: src },
        { title: 'Trygghet', motivation: '', source: src },
      ],
      activities: [
        { goalRef: 'ks1', title: ' plan ', status: 'Ej påbörjad', comment: 'b', source: src },
        { goalRef: 'Trygghet', title: 'Vandring', status: 'Avbruten', comment: '', source: src },
      ],
      caseSections: [],
    };
    const carried = carryOver([a, b], [{ id: 'KS0', title: 'Vision' }]);
    expect(carried.goals).toEqual([
      { id: 'KS0', title: 'Vision' },
      { id: 'KS1', title: 'Ekonomi' },
      { title: 'Trygghet' },
    ]);
    expect(carried.activities).toEqual([{ goalRef: 'KS1', title: 'Plan', status: 'Pågående', previousComment: 'a' }]);
  });
});

describe('a workbook uploaded into another period', () => {
  it('a workbook written for ks 2024-T1 and uploaded into ks 2024-T2 gets a warning naming both periods', async () => {
    const bytes = await buildWorkbook({ period: T1, config: KS_CONFIG, goals: GOALS });
    const filled = await fillIn(bytes, { activities: [{ Mål: 'KS1', Aktivitet: 'A', Status: 'Pågående' }] });
    const into = async (period: Period) => {
      const result = await parseUpload('t1.xlsx', filled, { period });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return result.warnings;
    };
    const warnings = await into(T2);
    expect(warnings.map((w) => [w.code, w.value])).toEqual([['other_period', 'ks 2024-T1']]);
    expect(warnings[0]?.message).toContain('skriven för ks 2024-T1');
    expect(warnings[0]?.message).toContain('laddades upp till ks 2024-T2');
    // Into its own period, or into the same tertial of another committee's folder by mistake.
    expect(await into(T1)).toEqual([]);
    expect((await into({ ...T1, committee: 'bn' })).map((w) => w.value)).toEqual(['ks 2024-T1']);
  });
});
