/**
 * The workbook staff fill in: the template of an upload, in the layout `parseUpload`
 * reads (README "Input format"), made for people who are not developers. Bold header
 * rows frozen above the data, drop-downs for `Status` and `Bedömning` with an input
 * message, and a sheet of instructions in Swedish.
 *
 * Carry-over: given the previous tertial's uploads (T1 → T2 → T3 of one year), its goals
 * and every activity that is neither `Genomförd` nor `Avbruten` are filled in, with last
 * tertial's comment in a column of its own beside an empty `Kommentar`. That column is
 * greyed and refuses typing (a data validation that never holds) rather than locked by
 * sheet protection: a protected sheet would also stop staff from deleting a carried row,
 * merging goal cells and sorting. Nothing is at stake if it is edited anyway: the
 * parser ignores it (`PREVIOUS_COMMENT_HEADER`).
 *
 * Pure: bytes out, no I/O. xlsx-write.ts writes the package; the parser (parse/xlsx.ts) reads.
 */
import { parseCommitteeConfig, type CommitteeConfig } from './committee.js';
import {
  ACTIVITY_STATUSES,
  ASSESSMENTS,
  formatPeriod,
  type ActivityStatus,
  type Goal,
  type Period,
  type UploadContent,
} from './domain.js';
import { uploadKey, uploadReceiptHtmlKey, uploadReceiptKey } from './keys.js';
import { WORKBOOK_PERIOD_NAME } from './parse/workbook-period.js';
import { ACTIVITY_COLUMNS, PREVIOUS_COMMENT_HEADER } from './parse/activities.js';
import { GOAL_COLUMNS } from './parse/goals.js';
import { MAX_DATA_ROWS } from './parse/table.js';
import { columnLetter, looseKey } from './parse/text.js';
import { wrappedRowHeight } from './row-height.js';
import { writeXlsx, type XlsxCell, type XlsxStyle, type XlsxValidation } from './xlsx-write.js';

/**
 * The sheet names, as `SHEET_NAMES` in parse/index.ts has them (not imported from there:
 * that module brings the CSV code page tables into any bundle that writes a workbook;
 * test/unit/workbook.test.ts parses what this writes, so the two cannot drift apart).
 */
const SHEET_NAMES = { activities: 'Aktiviteter', goals: 'Mål', case: 'Ärende' } as const;

export const INSTRUCTIONS_SHEET = 'Instruktioner';
const INSTRUCTIONS_WIDTH = 110;

/** Statuses of an activity that is over: it is not carried into the next tertial. */
export const FINISHED_STATUSES: readonly ActivityStatus[] = ['Genomförd', 'Avbruten'];

/** The field and text headers of the `Ärende` sheet (the parser accepts these words). */
export const CASE_HEADERS = ['Fält', 'Text'] as const;

/** What the template needs of a goal. A parsed {@link Goal} is one. */
export type WorkbookGoal = Pick<Goal, 'id' | 'title' | 'focusArea'>;

export interface CarriedActivity {
  readonly goalRef: string;
  readonly title: string;
  readonly responsible?: string;
  readonly status: ActivityStatus;
  readonly previousComment: string;
}

export interface WorkbookInput {
  readonly period: Period;
  /** The committee's settings (focus areas); the built-in or generic defaults when absent. */
  readonly config?: CommitteeConfig;
  /**
   * The previous tertial's accepted uploads. When given, the activities sheet has the
   * `Kommentar förra tertialen` column, and unfinished activities are carried over.
   */
  readonly previous?: readonly UploadContent[];
  /** The committee's goals, filled in before the previous tertial's. */
  readonly goals?: readonly WorkbookGoal[];
}

/**
 * The goals and unfinished activities to carry into the next tertial. Goals are merged
 * (`goals` first, then each upload's, a goal already listed by id or title skipped);
 * activities keep upload and row order, one per goal reference and title.
 */
export function carryOver(
  previous: readonly UploadContent[],
  goals: readonly WorkbookGoal[] = [],
): { goals: WorkbookGoal[]; activities: CarriedActivity[] } {
  const mergedGoals: WorkbookGoal[] = [];
  const ids = new Set<string>();
  const titles = new Set<string>();
  for (const goal of [...goals, ...previous.flatMap((u) => u.goals)]) {
    const id = goal.id ? looseKey(goal.id) : '';
    const title = looseKey(goal.title);
    if ((id !== '' && ids.has(id)) || titles.has(title)) continue;
    if (id !== '') ids.add(id);
    titles.add(title);
    mergedGoals.push({
      ...(goal.id ? { id: goal.id } : {}),
      title: goal.title,
      ...(goal.focusArea ? { focusArea: goal.focusArea } : {}),
    });
  }

  const activities: CarriedActivity[] = [];
  const seen = new Set<string>();
  for (const activity of previous.flatMap((u) => u.activities)) {
    if (FINISHED_STATUSES.includes(activity.status)) continue;
    const key = `${looseKey(activity.goalRef)}\u0000${looseKey(activity.title)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    activities.push({
      goalRef: activity.goalRef,
      title: activity.title,
      ...(activity.responsible ? { responsible: activity.responsible } : {}),
      status: activity.status,
      previousComment: activity.comment,
    });
  }
  return { goals: mergedGoals, activities };
}

/** The last row the drop-downs cover: as many data rows as the parser reads. */
const LAST_VALIDATED_ROW = MAX_DATA_ROWS + 1;

// A font without a name is shown in the application's fallback font (a serif in LibreOffice).
const FONT = { name: 'Calibri', size: 11 } as const;
const WRAP = { wrapText: true, vertical: 'top' } as const;
/** Every cell of a sheet not styled otherwise: wrapped, at the top. */
const BODY: XlsxStyle = { alignment: WRAP };
const HEADER: XlsxStyle = {
  font: { ...FONT, bold: true, color: 'FFFFFFFF' },
  fill: 'FF1F4E79',
  bottomBorder: 'FF000000',
  alignment: { wrapText: true, vertical: 'center' },
};
const READ_ONLY: XlsxStyle = { font: { ...FONT, italic: true, color: 'FF404040' }, fill: 'FFE7E6E6', alignment: WRAP };
const READ_ONLY_HEADER: XlsxStyle = { ...HEADER, fill: 'FF595959' };
const FIELD: XlsxStyle = { font: { ...FONT, bold: true }, alignment: WRAP };
const TITLE: XlsxStyle = { font: { ...FONT, bold: true, size: 16 }, alignment: WRAP };
const HEADING: XlsxStyle = { font: { ...FONT, bold: true, size: 12 }, alignment: { vertical: 'bottom' } };

function header<K extends string>(columns: readonly { key: K; header: string }[], key: K): string {
  const column = columns.find((c) => c.key === key);
  if (!column) throw new Error(`no column ${key}`);
  return column.header;
}

interface ColumnPlan {
  readonly header: string;
  readonly width: number;
  readonly readOnly?: boolean;
}

/** A sheet being filled in: rows by 0-based index, cells by 0-based column. */
interface SheetDraft {
  readonly name: string;
  readonly columns: { width: number; style?: XlsxStyle }[];
  readonly rows: { height?: number; hidden?: boolean; cells: (XlsxCell | undefined)[] }[];
  frozenHeader?: boolean;
  autoFilter?: string;
  readonly validations: XlsxValidation[];
}

function newSheet(name: string): SheetDraft {
  return { name, columns: [], rows: [], validations: [] };
}

function rowOf(sheet: SheetDraft, index: number): SheetDraft['rows'][number] {
  return (sheet.rows[index] ??= { cells: [] });
}

/** Writes the text into the cell (0-based row and column); an absent or empty text leaves the cell empty. */
function setCell(sheet: SheetDraft, row: number, column: number, text: string | undefined, style?: XlsxStyle): void {
  if (text === undefined || text === '') return;
  rowOf(sheet, row).cells[column] = style ? { text, style } : { text };
}

/** A data sheet: header row styled and frozen, columns sized and wrapped. */
function addTableSheet(sheets: SheetDraft[], name: string, columns: readonly ColumnPlan[]): SheetDraft {
  const sheet = newSheet(name);
  sheet.frozenHeader = true;
  columns.forEach((plan, i) => {
    sheet.columns.push({ width: plan.width, style: plan.readOnly ? READ_ONLY : BODY });
    setCell(sheet, 0, i, plan.header, plan.readOnly ? READ_ONLY_HEADER : HEADER);
  });
  rowOf(sheet, 0).height = 22;
  sheets.push(sheet);
  return sheet;
}

/** The range of a column's data rows that the validations cover, e.g. `D2:D20001`. */
function dataRange(columnIndex: number): string {
  const letter = columnLetter(columnIndex);
  return `${letter}2:${letter}${LAST_VALIDATED_ROW}`;
}

/** A drop-down of fixed values; `strict` refuses anything else, otherwise it only warns. */
function addList(
  sheet: SheetDraft,
  columnIndex: number,
  values: readonly string[],
  texts: { promptTitle: string; prompt: string; errorTitle: string; error: string },
  strict = true,
): void {
  sheet.validations.push({
    range: dataRange(columnIndex),
    type: 'list',
    formula: `"${values.join(',')}"`,
    errorStyle: strict ? 'stop' : 'warning',
    ...texts,
  });
}

/** Excel's limit on the text of a list validation written in the formula. */
const MAX_LIST_FORMULA = 255;

/**
 * Writes the workbook. An empty template (no goals, no previous tertial) parses as an
 * accepted upload with nothing in it; a filled-in one as staff's data.
 */
export async function buildWorkbook(input: WorkbookInput): Promise<Uint8Array> {
  const { period } = input;
  const config = input.config ?? defaultConfig(period.committee);
  const carried = carryOver(input.previous ?? [], input.goals ?? []);
  const hasPrevious = input.previous !== undefined;

  const sheets: SheetDraft[] = [];
  const periodCell = addInstructions(sheets, input.period, config, {
    hasPrevious,
    carried: carried.activities.length,
  });
  addCaseSheet(sheets, config);
  addGoalSheet(sheets, config, carried.goals);
  addActivitySheet(sheets, carried.activities, hasPrevious);

  return writeXlsx({
    creator: 'tertial',
    title: `Måluppföljning ${config.displayName} tertial ${period.tertial} ${period.year}`,
    sheets,
    definedNames: [{ name: WORKBOOK_PERIOD_NAME, sheet: INSTRUCTIONS_SHEET, ref: periodCell }],
  });
}

function defaultConfig(committee: string): CommitteeConfig {
  const result = parseCommitteeConfig(committee, undefined);
  if (!result.ok) throw new Error(`no default settings for committee ${committee}`);
  return result.config;
}

function addCaseSheet(sheets: SheetDraft[], config: CommitteeConfig): void {
  const sheet = addTableSheet(sheets, SHEET_NAMES.case, [
    { header: CASE_HEADERS[0], width: 34 },
    { header: CASE_HEADERS[1], width: 100 },
  ]);
  const fields = [
    'Ärendet i korthet',
    'Förvaltningens övervägande',
    'Förslag till beslut',
    ...config.focusAreas.map((area) => `Fokusområde ${area}`),
  ];
  fields.forEach((field, i) => setCell(sheet, i + 1, 0, field, FIELD));
}

function addGoalSheet(sheets: SheetDraft[], config: CommitteeConfig, goals: readonly WorkbookGoal[]): void {
  const plan: ColumnPlan[] = [
    { header: header(GOAL_COLUMNS, 'id'), width: 12 },
    { header: header(GOAL_COLUMNS, 'title'), width: 45 },
    { header: header(GOAL_COLUMNS, 'assessment'), width: 18 },
    { header: header(GOAL_COLUMNS, 'motivation'), width: 70 },
    { header: header(GOAL_COLUMNS, 'focusArea'), width: 24 },
  ];
  const sheet = addTableSheet(sheets, SHEET_NAMES.goals, plan);
  goals.forEach((goal, i) => {
    setCell(sheet, i + 1, 0, goal.id);
    setCell(sheet, i + 1, 1, goal.title);
    setCell(sheet, i + 1, 4, goal.focusArea);
  });
  const assessments = ASSESSMENTS.join(', ');
  addList(sheet, 2, ASSESSMENTS, {
    promptTitle: 'Bedömning',
    prompt: `Välj i listan: ${assessments}. Lämna tom om målet inte är bedömt än.`,
    errorTitle: 'Ogiltig bedömning',
    error: `Välj en bedömning i listan: ${assessments}.`,
  });
  const areas = config.focusAreas;
  if (
    areas.length > 0 &&
    !areas.some((a) => a.includes(',') || a.includes('"')) &&
    areas.join(',').length + 2 <= MAX_LIST_FORMULA
  ) {
    addList(
      sheet,
      4,
      areas,
      {
        promptTitle: 'Fokusområde',
        prompt: 'Välj nämndens fokusområde i listan (frivilligt).',
        errorTitle: 'Okänt fokusområde',
        error: `Fokusområdet finns inte bland nämndens: ${areas.join(', ')}. Vill du behålla texten ändå?`,
      },
      false,
    );
  }
}

function addActivitySheet(sheets: SheetDraft[], activities: readonly CarriedActivity[], hasPrevious: boolean): void {
  const plan: ColumnPlan[] = [
    { header: header(ACTIVITY_COLUMNS, 'goal'), width: 14 },
    { header: header(ACTIVITY_COLUMNS, 'title'), width: 45 },
    { header: header(ACTIVITY_COLUMNS, 'responsible'), width: 20 },
    { header: header(ACTIVITY_COLUMNS, 'status'), width: 16 },
    ...(hasPrevious ? [{ header: PREVIOUS_COMMENT_HEADER, width: 45, readOnly: true }] : []),
    { header: header(ACTIVITY_COLUMNS, 'comment'), width: 60 },
  ];
  const sheet = addTableSheet(sheets, SHEET_NAMES.activities, plan);
  sheet.autoFilter = `A1:${columnLetter(plan.length - 1)}1`;
  activities.forEach((activity, i) => {
    setCell(sheet, i + 1, 0, activity.goalRef);
    setCell(sheet, i + 1, 1, activity.title);
    setCell(sheet, i + 1, 2, activity.responsible);
    setCell(sheet, i + 1, 3, activity.status);
    if (hasPrevious) setCell(sheet, i + 1, 4, activity.previousComment);
    const height = wrappedRowHeight(
      [activity.goalRef, activity.title, activity.responsible ?? '', activity.status, activity.previousComment].map(
        (text, c) => ({ text, width: plan[c]?.width ?? 10 }),
      ),
    );
    if (height !== undefined) rowOf(sheet, i + 1).height = height;
  });
  const statuses = ACTIVITY_STATUSES.join(', ');
  addList(sheet, 3, ACTIVITY_STATUSES, {
    promptTitle: 'Status',
    prompt: `Välj i listan: ${statuses}.`,
    errorTitle: 'Ogiltig status',
    error: `Välj en status i listan: ${statuses}.`,
  });
  if (hasPrevious) {
    sheet.validations.push({
      range: dataRange(4),
      type: 'custom',
      // Never true: typing in the column is refused (clearing a cell is still possible).
      formula: 'FALSE',
      promptTitle: 'Förra tertialens kommentar',
      prompt:
        'Bara att läsa: kommentaren från förra tertialen. Kolumnen läses inte in. Skriv den nya kommentaren i kolumnen Kommentar.',
      errorStyle: 'stop',
      errorTitle: 'Kolumnen ändras inte',
      error:
        'Kolumnen visar förra tertialens kommentar och läses inte in. Skriv den nya kommentaren i kolumnen Kommentar.',
    });
  }
}

/** The instructions sheet; returns the reference of the hidden cell with the period. */
function addInstructions(
  sheets: SheetDraft[],
  period: Period,
  config: CommitteeConfig,
  carry: { hasPrevious: boolean; carried: number },
): string {
  const sheet = newSheet(INSTRUCTIONS_SHEET);
  sheets.push(sheet);
  sheet.columns.push({ width: INSTRUCTIONS_WIDTH, style: BODY });
  const exampleName = 'uppfoljning.xlsx';
  const statuses = ACTIVITY_STATUSES.join(', ');
  const assessments = ASSESSMENTS.join(', ');
  const lines: { text: string; kind?: 'title' | 'heading' }[] = [
    { text: `Måluppföljning – ${config.displayName}, tertial ${period.tertial} ${period.year}`, kind: 'title' },
    {
      text:
        'Fyll i flikarna Aktiviteter, Mål och Ärende och ladda upp filen. Du kan fylla i alla flikar eller bara de som gäller dig: ' +
        'flera filer till samma tertial läggs ihop till nämndens rapport.',
    },
    { text: 'Aktiviteter', kind: 'heading' },
    {
      text:
        'En rad per aktivitet. Mål: målets id (t.ex. KS1) eller målets namn, som på fliken Mål. Aktivitet: vad aktiviteten heter. ' +
        'Ansvarig: frivilligt. Status: välj i listan. Kommentar: vad som har hänt under tertialen.',
    },
    ...(carry.hasPrevious
      ? [
          {
            text:
              (carry.carried > 0
                ? `${carry.carried === 1 ? 'En aktivitet' : `${carry.carried} aktiviteter`} som inte var genomförda eller avbrutna förra tertialen finns redan ifyllda. `
                : 'Alla aktiviteter från förra tertialen var genomförda eller avbrutna, så inga är ifyllda. ') +
              `Uppdatera Status och skriv en ny Kommentar. Den grå kolumnen "${PREVIOUS_COMMENT_HEADER}" visar förra kommentaren; den går inte att skriva i och läses inte in. ` +
              'Ta bort raden för en aktivitet som inte längre ska redovisas, eller sätt status Avbruten.',
          },
        ]
      : []),
    { text: 'Mål', kind: 'heading' },
    {
      text:
        'En rad per mål. Mål-id är frivilligt. Bedömning: välj i listan, eller lämna tom om målet inte är bedömt än. ' +
        'Motivering: varför målet bedöms så. Fokusområde: frivilligt. ' +
        'Om någon annan redovisar bedömningen av målen, ta bort raderna här (lämna rubrikraden kvar).',
    },
    { text: 'Ärende', kind: 'heading' },
    {
      text:
        'Texterna till ärendet: skriv i kolumnen Text bredvid varje fält. Ett fält utan text får standardtexten i rapporten. ' +
        'Vill du föreslå flera beslut, skriv ett förslag per rad och upprepa "Förslag till beslut" i kolumnen Fält.',
    },
    { text: 'Tillåtna värden', kind: 'heading' },
    { text: `Status: ${statuses}.` },
    { text: `Bedömning: ${assessments}.` },
    { text: 'Tänk på', kind: 'heading' },
    {
      text:
        'Ändra inte flikarnas namn eller rubrikerna på första raden. Nya rader går bra, och tomma rader hoppas över. ' +
        'En radbrytning i en cell (Alt+Enter i Excel, Ctrl+Enter i LibreOffice) blir ett nytt stycke i rapporten. ' +
        'Kolumner som inte hör till mallen läses inte in. Du kan slå ihop målcellerna för flera aktiviteter under samma mål.',
    },
    { text: 'Så laddar du upp', kind: 'heading' },
    {
      text:
        `Spara som Excel-arbetsbok (.xlsx), t.ex. ${exampleName}. Ladda upp den i S3 till ${uploadKey(period, exampleName)} ` +
        `(i S3-konsolen: öppna uppladdningsbucketen, gå till mappen uploads/${period.committee}/${period.year}/T${period.tertial}/ och välj Upload).`,
    },
    {
      text:
        `Kvittot kommer efter en liten stund i dokumentbucketen: ${uploadReceiptHtmlKey(period, exampleName)} (att läsa) och ` +
        `${uploadReceiptKey(period, exampleName)}. Det säger om filen togs emot eller vilka celler som ska rättas. ` +
        'Har filen fel tas ingenting från den emot; rätta och ladda upp filen igen med samma namn. ' +
        'En ny version med samma namn ersätter den förra.',
    },
  ];
  lines.forEach((line, i) => {
    if (line.kind === 'title') {
      setCell(sheet, i, 0, line.text, TITLE);
      rowOf(sheet, i).height = 26;
    } else if (line.kind === 'heading') {
      setCell(sheet, i, 0, line.text, HEADING);
      rowOf(sheet, i).height = 24;
    } else {
      setCell(sheet, i, 0, line.text);
      const height = wrappedRowHeight([{ text: line.text, width: INSTRUCTIONS_WIDTH }]);
      if (height !== undefined) rowOf(sheet, i).height = height;
    }
  });
  // The period this workbook is for, in a hidden row the parser finds by its defined name.
  const periodRow = lines.length + 1;
  setCell(sheet, periodRow, 0, formatPeriod(period));
  rowOf(sheet, periodRow).hidden = true;
  return `A${periodRow + 1}`;
}
