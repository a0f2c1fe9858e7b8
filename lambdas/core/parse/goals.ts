/** The optional `Mål` sheet: one goal per row with its assessment. */
import { didYouMean } from './near-miss.js';
import { ASSESSMENTS, type Goal } from '../domain.js';
import { missingValue } from './activities.js';
import { ISSUE_CODES, type SheetContext } from './issues.js';
import { readTable, type ColumnSpec, type Grid, type TableRecord } from './table.js';
import { excerpt, looseKey, matchCanonical } from './text.js';

type GoalColumn = 'id' | 'title' | 'assessment' | 'motivation' | 'focusArea';

export const GOAL_COLUMNS: readonly ColumnSpec<GoalColumn>[] = [
  { key: 'id', header: 'Mål-id', aliases: ['Mål id', 'Målid', 'Id'], required: false },
  { key: 'title', header: 'Mål', required: true },
  { key: 'assessment', header: 'Bedömning', required: true },
  { key: 'motivation', header: 'Motivering', required: true },
  { key: 'focusArea', header: 'Fokusområde', required: false },
];

export const GOAL_ID_PATTERN = /^[A-Za-zÅÄÖåäö0-9._-]{1,20}$/;

export function parseGoals(grid: Grid, ctx: SheetContext): Goal[] {
  const records = readTable(grid, GOAL_COLUMNS, ctx);

  const goals: Goal[] = [];
  const seenIds = new Map<string, number>();
  const seenTitles = new Map<string, number>();
  for (const rec of records) {
    const duplicateFree = checkDuplicates(rec, ctx, seenIds, seenTitles);
    const goal = parseGoal(rec, ctx);
    if (goal && duplicateFree) goals.push(goal);
  }
  return goals;
}

function checkDuplicates(
  rec: TableRecord<GoalColumn>,
  ctx: SheetContext,
  seenIds: Map<string, number>,
  seenTitles: Map<string, number>,
): boolean {
  let ok = true;
  const check = (key: 'id' | 'title', seen: Map<string, number>, what: string): void => {
    const text = rec.get(key);
    const norm = looseKey(text);
    if (norm === '') return;
    const firstRow = seen.get(norm);
    if (firstRow === undefined) {
      seen.set(norm, rec.rowNumber);
      return;
    }
    ok = false;
    const column = rec.header(key);
    ctx.error({
      code: ISSUE_CODES.duplicateGoal,
      message:
        `${ctx.where(rec.rowNumber, column)}${what} "${excerpt(text)}" finns redan på rad ${firstRow}. ` +
        `Varje mål får bara finnas en gång – ta bort dubbletten eller ändra ${key === 'id' ? 'mål-id' : 'målets namn'}.`,
      row: rec.rowNumber,
      column,
      value: text,
    });
  };
  check('id', seenIds, 'mål-id');
  check('title', seenTitles, 'målet');
  return ok;
}

function parseGoal(rec: TableRecord<GoalColumn>, ctx: SheetContext): Goal | undefined {
  let ok = rec.tooLong.size === 0;
  const id = rec.get('id');
  const title = rec.get('title');
  const assessmentText = rec.get('assessment');

  if (id !== '' && !GOAL_ID_PATTERN.test(id) && !rec.tooLong.has('id')) {
    ok = false;
    const column = rec.header('id');
    ctx.error({
      code: ISSUE_CODES.invalidGoalId,
      message:
        `${ctx.where(rec.rowNumber, column)}"${excerpt(id)}" är inte ett giltigt mål-id. Ett mål-id får vara högst 20 tecken ` +
        `och bara innehålla bokstäver, siffror, punkt, bindestreck och understreck – inga mellanslag. Exempel: KS1.`,
      row: rec.rowNumber,
      column,
      value: id,
    });
  }
  if (title === '') {
    ok = false;
    missingValue(rec, 'title', ctx, 'Skriv in målets namn, eller ta bort raden om den inte ska vara med.');
  }
  const assessment = matchCanonical(assessmentText, ASSESSMENTS);
  if (assessmentText !== '' && !assessment && !rec.tooLong.has('assessment')) {
    ok = false;
    const column = rec.header('assessment');
    ctx.error({
      code: ISSUE_CODES.unknownAssessment,
      message:
        `${ctx.where(rec.rowNumber, column)}"${excerpt(assessmentText)}" är inte en giltig bedömning.${didYouMean(assessmentText, ASSESSMENTS)} ` +
        `Använd en av: ${ASSESSMENTS.join(', ')} – eller lämna cellen tom om målet inte är bedömt än.`,
      row: rec.rowNumber,
      column,
      value: assessmentText,
    });
  }
  if (!ok) return undefined;

  const focusArea = rec.get('focusArea');
  return {
    ...(id === '' ? {} : { id }),
    title,
    ...(assessment === undefined ? {} : { assessment }),
    motivation: rec.get('motivation'),
    ...(focusArea === '' ? {} : { focusArea }),
    source: { file: ctx.file, sheet: ctx.sheet, row: rec.rowNumber },
  };
}
