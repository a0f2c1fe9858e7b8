/**
 * The compiled loops write the document docxtemplater writes: every templated part
 * (document, headers, footers) byte for byte, for the default template and for
 * templates made to reach docxtemplater's clean-up pass (a cell emptied by a condition,
 * a row or a table left without content, a table followed by text, inverted sections,
 * values with XML's special and invalid characters).
 */
import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { cleanUp } from '../../lambdas/core/compiled-loops.js';
import { finishRenderedPackage, pizZipParts } from '../../lambdas/core/post-render.js';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { renderReport } from '../../lambdas/core/render.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { buildReport, type ReportView } from '../../lambdas/core/report.js';
import { reportContent } from '../../bench/lib/data.js';
import { docxtemplaterAlone } from '../../bench/lib/docxtemplater.js';
import { p, templateWithBody } from '../fixtures/crafted-templates.js';

/** docxtemplater alone, with the options the project renders with. */
function docxtemplaterParts(template: Uint8Array, view: ReportView): Map<string, string> {
  const zip = docxtemplaterAlone(template, view);
  // The project's post-render fixes (unique ids, column widths) come after the loops, on both sides.
  finishRenderedPackage(pizZipParts(zip));
  return templatedParts(zip);
}

function templatedParts(zip: PizZip): Map<string, string> {
  const names = Object.keys(zip.files).filter((n) => /^word\/(document|header\d*|footer\d*)\.xml$/.test(n));
  return new Map(names.sort().map((n) => [n, zip.file(n)?.asText() ?? '']));
}

function projectParts(template: Uint8Array, view: ReportView): Map<string, string> {
  return templatedParts(new PizZip(renderReport(template, view)));
}

function exampleView(rows: number, change: (v: ReportView) => ReportView = (v) => v): ReportView {
  const content = reportContent(rows);
  return change(
    buildReport({
      period: { committee: 'ks', year: 2023, tertial: 3 },
      config: KS_CONFIG,
      uploads: [{ name: 'a.xlsx', content }],
      closure: {},
    }).view,
  );
}

const tc = (content: string): string => `<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>${content}</w:tc>`;
const table = (rowsXml: string): string =>
  `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/></w:tblGrid>${rowsXml}</w:tbl>`;

const TRICKY = `A & <b> "c" 'd' \u0001e\u0008`;

describe('Module: compiled loops', () => {
  it('the default template: every templated part is the one docxtemplater writes (200 activities, with and without goals)', () => {
    const template = loadDefaultTemplate();
    for (const view of [
      exampleView(200),
      exampleView(200, (v) => ({
        ...v,
        goals: v.goals.map((g, i) => ({ ...g, activityTitle: TRICKY, goalHeading: i === 0 ? TRICKY : g.goalHeading })),
      })),
      exampleView(0),
    ]) {
      expect(projectParts(template, view)).toEqual(docxtemplaterParts(template, view));
    }
  });

  it('templates that reach the clean-up pass: emptied cells, rows and tables, text after a table, inverted sections', () => {
    const bodies = [
      // A row per goal; its second cell holds only a condition that is false for some goals:
      // that cell gets an empty paragraph.
      table(
        `<w:tr>${tc(p('{#goals}{goalHeading}'))}${tc(`${p('{#hasMotivation}')}${p('{goalAssessment}')}${p('{/hasMotivation}{/goals}')}`)}</w:tr>`,
      ),
      // A row per proposal in a table with nothing else: with no proposals the table is dropped.
      table(`<w:tr>${tc(p('{#proposals}{proposalText}'))}${tc(p('{proposalNumber}{/proposals}'))}</w:tr>`) + p('efter'),
      // A table per goal, each followed by the next goal's table, then by text.
      `${p('{#goals}')}${table(`<w:tr>${tc(p('{#activities}{activityTitle}'))}${tc(p('{^isGreen}–{/isGreen}{activityStatus}{/activities}'))}</w:tr>`)}${p('{/goals}')}${p('slut {reportTitle}')}`,
      // A table last in a cell: docxtemplater puts an empty paragraph after it.
      table(
        `<w:tr>${tc(p('{#goals}{goalHeading}') + table(`<w:tr>${tc(p('{goalAssessment}'))}</w:tr>`))}${tc(p('{/goals}'))}</w:tr>`,
      ),
      // Inverted sections and conditions inside loops, on lists and flags.
      `${p('{^proposals}inga förslag{/proposals}')}${p('{#goals}')}${p('{goalHeading}{#isGreen} grön{/isGreen}{^isGreen} inte grön{/isGreen}')}${p('{/goals}')}`,
    ];
    const views = [
      exampleView(30),
      exampleView(30, (v) => ({
        ...v,
        proposals: [],
        goals: v.goals.map((g) => ({ ...g, hasMotivation: false, activities: [] })),
      })),
    ];
    for (const body of bodies) {
      const template = templateWithBody(body);
      for (const view of views) expect(projectParts(template, view)).toEqual(docxtemplaterParts(template, view));
    }
  });

  it('a rendered template renders again with another view (the compiled template is kept, not used up)', () => {
    const template = loadDefaultTemplate();
    const a = exampleView(20);
    const b = exampleView(40);
    const first = projectParts(template, a);
    expect(projectParts(template, b)).toEqual(docxtemplaterParts(template, b));
    expect(projectParts(template, a)).toEqual(first);
  });

  it('cleanUp drops a row without cells and a table without rows, and fills a cell without a paragraph', () => {
    const rules = [
      { tag: 'w:tc', shouldContain: ['w:p'], value: '<w:p></w:p>' },
      { tag: 'w:tr', shouldContain: ['w:tc'], drop: true },
      { tag: 'w:tbl', shouldContain: ['w:tr'], drop: true },
    ];
    const cell = ['<w:tc>', '<w:tcPr>', '</w:tcPr>', '</w:tc>'];
    const parts = [
      '<w:tbl>',
      '<w:tr>',
      ...cell,
      '</w:tr>',
      '</w:tbl>',
      '<w:tbl>',
      '<w:tr>',
      '</w:tr>',
      '</w:tbl>',
      'text',
    ];
    expect(cleanUp(parts, rules)).toBe(true);
    expect(parts.join('')).toBe('<w:tbl><w:tr><w:tc><w:tcPr></w:tcPr><w:p></w:p></w:tc></w:tr></w:tbl><w:p/>text');
  });
});
