/**
 * The default template reproduces the published document: kommunstyrelsens
 * måluppföljning, tertialrapport 3 2023 (its text, extracted from the PDF, is kept in
 * test/fixtures/reference/). The uploads are the example workbooks' content, whose case texts
 * come from examples/reference-texts.ts; everything else is the report's default text.
 */
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { renderReport } from '../../lambdas/core/render.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { buildReport } from '../../lambdas/core/report.js';
import { EXAMPLE_PERIOD, exampleUploads } from '../../examples/ks-2023-T3.js';
import { CONSIDERATIONS, FOCUS_AREA_TEXTS, PROPOSALS, SUMMARY } from '../../examples/reference-texts.js';
import { collapseWhitespace, docxParagraphs } from '../helpers/docx-text.js';
import { referenceLines } from '../helpers/reference.js';

/**
 * Finds each line in the text, each after the previous match. Returns the first line that
 * cannot be found (with where the search started), or undefined when all are in order.
 */
function firstMissingInOrder(text: string, lines: readonly string[]): string | undefined {
  let from = 0;
  for (const line of lines) {
    const at = text.indexOf(line, from);
    if (at < 0) {
      const found = text.indexOf(line);
      return found < 0
        ? `"${line}" is not in the document`
        : `"${line}" is in the document, but before the previous line's match (at ${found} < ${from})`;
    }
    from = at + line.length;
  }
  return undefined;
}

const { view, warnings } = buildReport({
  period: EXAMPLE_PERIOD,
  config: KS_CONFIG,
  uploads: exampleUploads(),
  closure: {},
});
const docx = renderReport(loadDefaultTemplate(), view);
const paragraphs = docxParagraphs(docx).map(collapseWhitespace);
const text = paragraphs.join(' ');

describe('Reference document: kommunstyrelsens måluppföljning tertialrapport 3 2023', () => {
  it('reads the reference text', () => {
    const lines = referenceLines();
    expect(lines.length).toBeGreaterThan(40);
    expect(lines[0]).toBe('Kommunstyrelsen');
    expect(lines.at(-1)).toBe('Ärendet har ingen bärighet på hållbar natur.');
  });

  it('combines the example uploads without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('contains every line of the reference, in order', () => {
    expect(firstMissingInOrder(text, referenceLines())).toBeUndefined();
  });

  it('the order check fails for lines out of order or missing (control)', () => {
    const lines = referenceLines();
    const swapped = [lines[3] ?? '', lines[2] ?? '', ...lines.slice(4)];
    expect(firstMissingInOrder(text, swapped)).toMatch(/before the previous line's match/);
    expect(firstMissingInOrder(text, [...lines.slice(0, 5), 'Ärendet har ingen bärighet på hållbar ekonomi.'])).toMatch(
      /not in the document/,
    );
  });

  it('makes each of the reference paragraphs one paragraph of the document', () => {
    const expected = [
      'Kommunstyrelsen',
      'Kommunstyrelsens måluppföljning tertialrapport 3 2023',
      'Förslag till beslut',
      'Kommunförvaltningen föreslår koncern- och finansutskottet föreslå kommunstyrelsen besluta att',
      ...PROPOSALS.map((p, i) => `${i + 1}. ${p}`),
      'Ärendet i korthet',
      SUMMARY,
      'Förvaltningens övervägande',
      ...CONSIDERATIONS,
      'Ånge kommuns vision',
      KS_CONFIG.vision,
      'Fokusområde Hållbar vardag',
      'Ärendet har ingen bärighet på hållbar vardag.',
      'Fokusområde Hållbar hälsa',
      'Ärendet har ingen bärighet på hållbar hälsa.',
      'Fokusområde Hållbar gemenskap',
      FOCUS_AREA_TEXTS['Hållbar gemenskap'],
      'Fokusområde Hållbar kompetens',
      'Ärendet har ingen bärighet på hållbar kompetens.',
      'Fokusområde Hållbar natur',
      'Ärendet har ingen bärighet på hållbar natur.',
    ];
    // The body starts with exactly these paragraphs, then the goal follow-up; the one
    // addition is the status overview (a heading and two tables) right after the summary.
    const body = docxParagraphs(docx, { headers: false }).map(collapseWhitespace);
    const overview = body.indexOf('Måluppfyllelse i sammandrag');
    expect(overview).toBe(body.indexOf(SUMMARY) + 1);
    const end = body.indexOf('Förvaltningens övervägande');
    expect(
      body
        .slice(overview, end)
        .every(
          (p) =>
            p === 'Måluppfyllelse i sammandrag' ||
            p === '' ||
            /^(Bedömning|Antal mål|Status|Antal aktiviteter|Totalt|\d+|[●◐○✕–] .+)$/.test(p),
        ),
    ).toBe(true);
    const withoutOverview = [...body.slice(0, overview), ...body.slice(end)];
    expect(withoutOverview.slice(0, expected.length)).toEqual(expected);
    expect(withoutOverview[expected.length]).toBe('Måluppföljning');
  });

  it('puts the committee first on the first page, below the letterhead, as the reference does', () => {
    const firstPageHeader = docxParagraphs(docx, { headers: true }).slice(1, 3).map(collapseWhitespace);
    expect(firstPageHeader).toEqual(['Ånge kommun TJÄNSTESKRIVELSE', 'Kommunförvaltningen']);
    expect(docxParagraphs(docx, { headers: false })[0]).toBe('Kommunstyrelsen');
  });

  it('the example texts are the reference text, joined across the PDF line breaks', () => {
    const reference = referenceLines().join(' ');
    for (const paragraph of [SUMMARY, ...CONSIDERATIONS, ...PROPOSALS, ...Object.values(FOCUS_AREA_TEXTS)]) {
      expect(reference).toContain(paragraph);
    }
  });

  it('follows up every example goal after the reference part', () => {
    const start = paragraphs.indexOf('Måluppföljning');
    const headings = view.goals.map((g) => g.goalHeading);
    expect(headings).toHaveLength(5);
    let from = start;
    for (const heading of headings) {
      const at = paragraphs.indexOf(heading, from);
      expect(at, heading).toBeGreaterThan(from);
      from = at;
    }
  });
});
