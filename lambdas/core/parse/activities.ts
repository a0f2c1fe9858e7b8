/** The `Aktiviteter` sheet (and CSV files): one activity per row. */
import { didYouMean } from './near-miss.js';
import { ACTIVITY_STATUSES, type Activity } from '../domain.js';
import { ISSUE_CODES, type SheetContext } from './issues.js';
import { readTable, type ColumnSpec, type Grid, type TableRecord } from './table.js';
import { excerpt, listOr, matchCanonical } from './text.js';

type ActivityColumn = 'goal' | 'title' | 'status' | 'comment' | 'responsible' | 'previousComment';

/**
 * The workbook template's copy of last tertial's comment (carry-over, see workbook.ts):
 * a known column, so it draws no `extra_column` warning, but never read.
 */
export const PREVIOUS_COMMENT_HEADER = 'Kommentar förra tertialen';

export const ACTIVITY_COLUMNS: readonly ColumnSpec<ActivityColumn>[] = [
  { key: 'goal', header: 'Mål', required: true },
  { key: 'title', header: 'Aktivitet', required: true },
  { key: 'status', header: 'Status', required: true },
  { key: 'comment', header: 'Kommentar', required: true },
  { key: 'responsible', header: 'Ansvarig', required: false },
  { key: 'previousComment', header: PREVIOUS_COMMENT_HEADER, required: false, unread: true },
];

export function parseActivities(grid: Grid, ctx: SheetContext): Activity[] {
  const records = readTable(grid, ACTIVITY_COLUMNS, ctx);

  const activities: Activity[] = [];
  for (const rec of records) {
    const activity = parseActivity(rec, ctx);
    if (activity) activities.push(activity);
  }
  return activities;
}

function parseActivity(rec: TableRecord<ActivityColumn>, ctx: SheetContext): Activity | undefined {
  let ok = rec.tooLong.size === 0;
  const goalRef = rec.get('goal');
  const title = rec.get('title');
  const statusText = rec.get('status');

  if (goalRef === '') {
    ok = false;
    missingValue(
      rec,
      'goal',
      ctx,
      'Skriv in målets id (t.ex. KS1) eller målets namn. Om flera aktiviteter hör till samma mål kan du slå ihop målcellerna.',
    );
  }
  if (title === '') {
    ok = false;
    missingValue(rec, 'title', ctx, 'Skriv in vad aktiviteten heter, eller ta bort raden om den inte ska vara med.');
  }
  const status = matchCanonical(statusText, ACTIVITY_STATUSES);
  if (statusText === '') {
    ok = false;
    missingValue(rec, 'status', ctx, `Skriv in en status: ${listOr([...ACTIVITY_STATUSES])}.`);
  } else if (!status && !rec.tooLong.has('status')) {
    ok = false;
    const column = rec.header('status');
    ctx.error({
      code: ISSUE_CODES.unknownStatus,
      message: `${ctx.where(rec.rowNumber, column)}"${excerpt(statusText)}" är inte en giltig status.${didYouMean(statusText, ACTIVITY_STATUSES)} Använd en av: ${ACTIVITY_STATUSES.join(', ')}.`,
      row: rec.rowNumber,
      column,
      value: statusText,
    });
  }
  if (!ok || !status) return undefined;

  const responsible = rec.get('responsible');
  const comment = rec.get('comment');
  const source = { file: ctx.file, sheet: ctx.sheet, row: rec.rowNumber };
  // Two literals rather than a spread: one object per row, its keys in the same order.
  return responsible === ''
    ? { goalRef, title, status, comment, source }
    : { goalRef, title, status, comment, responsible, source };
}

export function missingValue<K extends string>(rec: TableRecord<K>, key: K, ctx: SheetContext, hint: string): void {
  const column = rec.header(key);
  ctx.error({
    code: ISSUE_CODES.missingValue,
    message: `${ctx.where(rec.rowNumber, column)}cellen är tom. ${hint}`,
    row: rec.rowNumber,
    column,
  });
}
