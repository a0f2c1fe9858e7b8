/**
 * The optional `Ärende` sheet: two columns, field and text, one case section per row.
 * The header row (e.g. `Fält | Text`) is optional.
 */
import type { CaseSection, SourceRef } from '../domain.js';
import { ISSUE_CODES, type SheetContext } from './issues.js';
import {
  MAX_CELL_LENGTH,
  MAX_DATA_ROWS,
  MAX_HEADER_SEARCH_ROWS,
  isBlankRow,
  ownCell,
  type Grid,
  type GridRow,
} from './table.js';
import { columnLetter, excerpt, looseKey, swedishNumber } from './text.js';

const FIELD_HEADERS = ['fält', 'falt', 'rubrik', 'avsnitt', 'del'];
const TEXT_HEADERS = ['text', 'innehåll', 'beskrivning', 'värde'];

type Field =
  | { readonly kind: 'summary' | 'considerations' | 'proposal' }
  | { readonly kind: 'focusArea'; readonly name: string }
  | { readonly kind: 'focusAreaWithoutName' };

/** Recognises a field name; undefined for anything unknown. */
export function classifyCaseField(text: string): Field | undefined {
  const key = looseKey(text);
  if (key === 'ärendet i korthet') return { kind: 'summary' };
  if (key === 'förvaltningens övervägande' || key === 'förvaltningens överväganden') return { kind: 'considerations' };
  // `Förslag till beslut`, also numbered: `Förslag till beslut 2`, `Förslag till beslut, punkt 2`, `(2)`.
  if (/^förslag till beslut(?:[ ,]*(?:punkt|nr\.?)? ?\(?\d{1,3}[.)]?)?$/u.test(key)) return { kind: 'proposal' };
  if (key === 'fokusområde') return { kind: 'focusAreaWithoutName' };
  const focus = /^fokusområde\s*[:–-]?\s+(.+)$/iu.exec(text.normalize('NFC').replace(/\s+/gu, ' ').trim());
  if (focus?.[1]) {
    const name = focus[1].replace(/[\s*:]+$/u, '').trim();
    if (name !== '') return { kind: 'focusArea', name };
  }
  return undefined;
}

interface Layout {
  readonly firstDataIndex: number;
  readonly fieldIndex: number;
  readonly textIndex: number;
  readonly fieldColumn: string;
  readonly textColumn: string;
}

function findLayout(grid: Grid, ctx: SheetContext): Layout {
  const limit = Math.min(grid.rows.length, MAX_HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    const row = grid.rows[i];
    if (!row) continue;
    const filled = row.cells.map((_, index) => index).filter((index) => ownCell(row, index) !== '');
    const [fieldIndex, textIndex, ...rest] = filled;
    if (fieldIndex === undefined || textIndex === undefined) continue;
    if (!FIELD_HEADERS.includes(looseKey(ownCell(row, fieldIndex)))) continue;
    if (!TEXT_HEADERS.includes(looseKey(ownCell(row, textIndex)))) continue;
    for (const index of rest) {
      const header = ownCell(row, index);
      ctx.warning({
        code: ISSUE_CODES.extraColumn,
        message: `${ctx.where(row.rowNumber, header)}kolumnen känns inte igen och läses inte in. Fliken "Ärende" ska bara ha två kolumner: fält och text.`,
        row: row.rowNumber,
        column: header,
      });
    }
    return {
      firstDataIndex: i + 1,
      fieldIndex,
      textIndex,
      fieldColumn: row.cells[fieldIndex] ?? 'A',
      textColumn: row.cells[textIndex] ?? 'B',
    };
  }
  return { firstDataIndex: 0, fieldIndex: 0, textIndex: 1, fieldColumn: columnLetter(0), textColumn: columnLetter(1) };
}

type Draft =
  | { kind: 'summary' | 'considerations' | 'proposal'; text: string; source: SourceRef }
  | { kind: 'focusArea'; name: string; text: string; source: SourceRef };

export function parseCaseSheet(grid: Grid, ctx: SheetContext): CaseSection[] {
  const layout = findLayout(grid, ctx);
  const rows = grid.rows.slice(layout.firstDataIndex).filter((row) => !isBlankRow(row));
  if (rows.length > MAX_DATA_ROWS) {
    ctx.error({
      code: ISSUE_CODES.tooManyRows,
      message: `${ctx.sheetLabel()} har ${swedishNumber(rows.length)} rader med innehåll, men högst ${swedishNumber(MAX_DATA_ROWS)} rader kan läsas in.`,
      value: String(rows.length),
    });
    return [];
  }

  // The workbook template lists every field with its text left empty. Untouched, that
  // sheet says nothing: no `empty_case_field` warning per field on every upload.
  if (rows.every((row) => isUntouchedTemplateRow(row, layout))) return [];

  const sections: Draft[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) parseRow(row, layout, ctx, sections, seen);
  return sections;
}

/** A known field name and no text in any other cell of the row. */
function isUntouchedTemplateRow(row: GridRow, layout: Layout): boolean {
  const field = classifyCaseField(ownCell(row, layout.fieldIndex));
  if (!field || field.kind === 'focusAreaWithoutName') return false;
  return row.cells.every((_, index) => index === layout.fieldIndex || ownCell(row, index) === '');
}

/**
 * What the document prints for a field left empty (lambdas/core/report.ts fills it in),
 * so that the warning says what will happen rather than that the field is "skipped".
 */
function whatTheDocumentPrints(field: Draft): string {
  switch (field.kind) {
    case 'summary':
      return 'dokumentet visar standardtexten under Ärendet i korthet ("Ärendet avser årets … uppföljning av … mål")';
    case 'considerations':
      return 'dokumentet har ingen text under Förvaltningens övervägande';
    case 'proposal':
      return 'raden blir inget förslag (utan något förslag alls visar dokumentet standardförslaget att godkänna redovisningen)';
    case 'focusArea':
      return `dokumentet visar "Ärendet har ingen bärighet på ${excerpt(field.name.charAt(0).toLowerCase() + field.name.slice(1))}."`;
  }
}

function describeField(field: Draft): string {
  switch (field.kind) {
    case 'summary':
      return 'Ärendet i korthet';
    case 'considerations':
      return 'Förvaltningens övervägande';
    case 'proposal':
      return 'Förslag till beslut';
    case 'focusArea':
      return `Fokusområde ${field.name}`;
  }
}

function parseRow(row: GridRow, layout: Layout, ctx: SheetContext, sections: Draft[], seen: Map<string, number>): void {
  const fieldText = row.cells[layout.fieldIndex] ?? '';
  const text = row.cells[layout.textIndex] ?? '';
  const fieldFromMerge = row.fromMerge?.[layout.fieldIndex] === true;
  const source: SourceRef = { file: ctx.file, sheet: ctx.sheet, row: row.rowNumber };
  let ok = true;

  for (const [value, column] of [
    [fieldText, layout.fieldColumn],
    [text, layout.textColumn],
  ] as const) {
    if (value.length > MAX_CELL_LENGTH) {
      ok = false;
      ctx.error({
        code: ISSUE_CODES.valueTooLong,
        message: `${ctx.where(row.rowNumber, column)}texten är ${swedishNumber(value.length)} tecken lång, men högst ${swedishNumber(MAX_CELL_LENGTH)} tecken får plats i en cell. Korta ner texten.`,
        row: row.rowNumber,
        column,
        value,
      });
    }
  }
  if (fieldText === '') {
    if (text === '') return; // only other columns have content: nothing to read
    ctx.error({
      code: ISSUE_CODES.missingValue,
      message: `${ctx.where(row.rowNumber, layout.fieldColumn)}cellen är tom, så det går inte att veta vilken del av ärendet texten hör till. Skriv t.ex. "Ärendet i korthet" eller "Förslag till beslut".`,
      row: row.rowNumber,
      column: layout.fieldColumn,
    });
    return;
  }
  if (!ok) return;

  const field = classifyCaseField(fieldText);
  if (!field || field.kind === 'focusAreaWithoutName') {
    const allowed =
      'Ärendet i korthet, Förvaltningens övervägande, Förslag till beslut eller Fokusområde följt av namnet (t.ex. "Fokusområde Hållbar vardag")';
    ctx.error({
      code: ISSUE_CODES.unknownCaseField,
      message: field
        ? `${ctx.where(row.rowNumber, layout.fieldColumn)}"${excerpt(fieldText)}" saknar namnet på fokusområdet. Skriv t.ex. "Fokusområde Hållbar vardag".`
        : `${ctx.where(row.rowNumber, layout.fieldColumn)}"${excerpt(fieldText)}" är inte ett känt fält. Använd ${allowed}.`,
      row: row.rowNumber,
      column: layout.fieldColumn,
      value: fieldText,
    });
    return;
  }

  const draft: Draft =
    field.kind === 'focusArea'
      ? { kind: 'focusArea', name: field.name, text, source }
      : { kind: field.kind, text, source };
  const label = describeField(draft);
  if (text === '') {
    ctx.warning({
      code: ISSUE_CODES.emptyCaseField,
      message: `${ctx.where(row.rowNumber, layout.textColumn)}"${excerpt(label)}" har ingen text, så ${whatTheDocumentPrints(draft)}. Skriv in en text om något annat ska stå där.`,
      row: row.rowNumber,
      column: layout.textColumn,
    });
    return;
  }

  const last = sections[sections.length - 1];
  const sameAsLast = last !== undefined && last.kind === draft.kind && describeField(last) === label;
  // A field cell merged over several rows: for one-off fields the rows are paragraphs of one text;
  // for proposals each row stays its own proposal.
  if (fieldFromMerge && sameAsLast && draft.kind !== 'proposal') {
    last.text = `${last.text}\n${text}`;
    return;
  }
  if (draft.kind !== 'proposal') {
    const key = looseKey(label);
    const firstRow = seen.get(key);
    if (firstRow !== undefined) {
      ctx.error({
        code: ISSUE_CODES.duplicateCaseField,
        message: `${ctx.where(row.rowNumber, layout.fieldColumn)}"${excerpt(label)}" finns redan på rad ${firstRow}. Skriv all text för den delen i en och samma cell (radbrytningar går bra) och ta bort den extra raden.`,
        row: row.rowNumber,
        column: layout.fieldColumn,
        value: fieldText,
      });
      return;
    }
    seen.set(key, row.rowNumber);
  }
  sections.push(draft);
}
