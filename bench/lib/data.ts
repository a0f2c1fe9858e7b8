/**
 * Generated report data, the same for every benchmark: goals with activities under them,
 * Swedish text of realistic length, some comments over two lines, now and then a
 * character that must be escaped. Deterministic, so every run measures the same input.
 */
import ExcelJS from 'exceljs';
import {
  ACTIVITY_STATUSES,
  ASSESSMENTS,
  type Activity,
  type Goal,
  type UploadContent,
} from '../../lambdas/core/domain.js';

const FOCUS_AREAS = ['Hållbar vardag', 'Hållbar hälsa', 'Hållbar gemenskap', 'Hållbar kompetens', 'Hållbar natur'];
const RESPONSIBLE = ['Kommunchef', 'Ekonomichef', 'HR-chef', 'Kanslichef', 'Näringslivsutvecklare', ''];
const VERBS = ['Ta fram', 'Genomföra', 'Följa upp', 'Utveckla', 'Samordna', 'Utreda'];
const OBJECTS = [
  'en långsiktig investeringsplan för kommunens fastigheter',
  'dialogmöten med föreningslivet om lokaler & bidrag',
  'digitala tjänster för ansökan om bygglov',
  'samverkan med Region Västernorrland kring hälsa',
  'en plan för kompetensförsörjning inom vård och omsorg',
  'åtgärder för minskad energianvändning i skolor',
];
const COMMENTS = [
  'Arbetet har påbörjats under perioden och fortsätter enligt plan.',
  'Beslutad av kommunfullmäktige i juni. Genomförandet följs upp i nästa tertial.',
  'Försenad på grund av vakanser; en ny tidplan tas fram under hösten.',
  '',
  'Två av tre delmoment är klara.\nDet sista delmomentet kräver beslut i budgetberedningen.',
];

/** How many goals a benchmark of `rows` activities uses: 100 → 10, 1,000 → 25, 10,000 → 100. */
export function goalCount(rows: number): number {
  if (rows <= 100) return Math.max(1, Math.round(rows / 10));
  if (rows <= 1000) return 25;
  return 100;
}

export interface ActivityRow {
  readonly goalRef: string;
  readonly title: string;
  readonly responsible: string;
  readonly status: string;
  readonly comment: string;
}

export interface GoalRow {
  readonly id: string;
  readonly title: string;
  readonly assessment: string;
  readonly motivation: string;
  readonly focusArea: string;
}

/** `rows` activities spread evenly over `goals` goals. */
export function reportRows(rows: number, goals = goalCount(rows)): { goals: GoalRow[]; activities: ActivityRow[] } {
  const goalRows: GoalRow[] = Array.from({ length: goals }, (_, g) => ({
    id: `KS${g + 1}`,
    title: `Mål ${g + 1}: ${OBJECTS[g % OBJECTS.length]} ska bli bättre`,
    assessment: ASSESSMENTS[g % ASSESSMENTS.length] as string,
    motivation: `Resultatet för mål ${g + 1} är positivt men inte fullt ut.\nFlera aktiviteter pågår fortfarande.`,
    focusArea: FOCUS_AREAS[g % FOCUS_AREAS.length] as string,
  }));
  const activities: ActivityRow[] = Array.from({ length: rows }, (_, i) => ({
    goalRef: `KS${(Math.floor((i * goals) / rows) % goals) + 1}`,
    title: `${VERBS[i % VERBS.length]} ${OBJECTS[(i * 7) % OBJECTS.length]} (${i + 1})`,
    responsible: RESPONSIBLE[i % RESPONSIBLE.length] as string,
    status: ACTIVITY_STATUSES[i % ACTIVITY_STATUSES.length] as string,
    comment: COMMENTS[i % COMMENTS.length] as string,
  }));
  return { goals: goalRows, activities };
}

/** The rows as one upload's parsed content, as `parseUpload` would return it. */
export function reportContent(rows: number, file = 'aktiviteter.xlsx'): UploadContent {
  const data = reportRows(rows);
  const goals: Goal[] = data.goals.map((g, i) => ({
    id: g.id,
    title: g.title,
    assessment: g.assessment as Goal['assessment'],
    motivation: g.motivation,
    focusArea: g.focusArea,
    source: { file, sheet: 'Mål', row: i + 2 },
  }));
  const activities: Activity[] = data.activities.map((a, i) => ({
    goalRef: a.goalRef,
    title: a.title,
    status: a.status as Activity['status'],
    comment: a.comment,
    ...(a.responsible ? { responsible: a.responsible } : {}),
    source: { file, sheet: 'Aktiviteter', row: i + 2 },
  }));
  return { goals, activities, caseSections: [] };
}

/**
 * A workbook as staff fill in the template: a `Mål` sheet and an `Aktiviteter` sheet with
 * `rows` activities (written with exceljs, which the parser does not use).
 */
export async function workbookBytes(rows: number, goals = goalCount(rows)): Promise<Uint8Array> {
  const data = reportRows(rows, goals);
  const workbook = new ExcelJS.Workbook();
  const goalSheet = workbook.addWorksheet('Mål');
  goalSheet.addRow(['Mål-id', 'Mål', 'Bedömning', 'Motivering', 'Fokusområde']);
  for (const g of data.goals) goalSheet.addRow([g.id, g.title, g.assessment, g.motivation, g.focusArea]);
  const sheet = workbook.addWorksheet('Aktiviteter');
  sheet.addRow(['Mål', 'Aktivitet', 'Ansvarig', 'Status', 'Kommentar']);
  for (const a of data.activities) sheet.addRow([a.goalRef, a.title, a.responsible, a.status, a.comment]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** The `Aktiviteter` sheet as a CSV file, as Swedish Excel saves "CSV UTF-8": BOM, `;`, CRLF. */
export function csvBytes(rows: number): Uint8Array {
  const { activities } = reportRows(rows);
  const field = (s: string): string => (/[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['Mål;Aktivitet;Ansvarig;Status;Kommentar'];
  for (const a of activities) lines.push([a.goalRef, a.title, a.responsible, a.status, a.comment].map(field).join(';'));
  return new Uint8Array(
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]),
  );
}
