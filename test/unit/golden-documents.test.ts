/**
 * Golden documents: fixture workbooks rendered with the default template, compared with
 * expected files (word/document.xml prettified, and the text of headers, body and footer).
 * Any change to the template, the view model or the rendering shows up here as a diff.
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/golden-documents.test.ts
 *
 * refreshes the files under test/fixtures/golden/ (review them with git diff).
 */
import { readFileSync } from 'node:fs';
import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { parseClosure } from '../../lambdas/core/closure.js';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import { renderReport } from '../../lambdas/core/render.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { buildReport, type ReportUpload } from '../../lambdas/core/report.js';
import { ACTIVITIES_WORKBOOK, CASE_WORKBOOK, EXAMPLE_PERIOD } from '../../examples/ks-2023-T3.js';
import { PREVIOUS_PERIOD, PREVIOUS_WORKBOOK, previousWorkbook } from '../fixtures/golden/ks-2023-T2.js';
import { expectGolden, prettyXml } from '../golden/golden.js';
import { docxParagraphs } from '../helpers/docx-text.js';

async function parsed(name: string, bytes: Uint8Array): Promise<ReportUpload> {
  const result = await parseUpload(name, bytes);
  if (!result.ok) throw new Error(`${name}: ${result.errors.map((e) => e.message).join('; ')}`);
  return { name, content: result.content };
}

/** The example workbooks as staff uploaded them (read from examples/, in name order). */
async function exampleWorkbooks(): Promise<ReportUpload[]> {
  const names = [ACTIVITIES_WORKBOOK, CASE_WORKBOOK].sort();
  return Promise.all(
    names.map(async (n) => parsed(n, new Uint8Array(readFileSync(new URL(`../../examples/${n}`, import.meta.url))))),
  );
}

const CLOSURE = '{"diarienummer": "KS 2024/12", "documentDate": "2024-01-20", "meetingDate": "2024-02-06"}';

interface Case {
  readonly name: string;
  readonly what: string;
  readonly render: () => Promise<Uint8Array>;
}

const CASES: readonly Case[] = [
  {
    name: 'ks-2023-T3',
    what: 'the example workbooks, closed with case number and dates, compared with a closed tertial 2',
    render: async () => {
      const closure = parseClosure(new TextEncoder().encode(CLOSURE));
      if (!closure.ok) throw new Error('closure');
      const { view } = buildReport({
        period: EXAMPLE_PERIOD,
        config: KS_CONFIG,
        uploads: await exampleWorkbooks(),
        closure: closure.closure,
        previous: { period: PREVIOUS_PERIOD, uploads: [await parsed(PREVIOUS_WORKBOOK, await previousWorkbook())] },
      });
      return renderReport(loadDefaultTemplate(), view);
    },
  },
  {
    name: 'ks-2023-T3-utan-jamforelse',
    what: 'the example workbooks with an empty closure and no previous tertial (the reference document)',
    render: async () => {
      const { view } = buildReport({
        period: EXAMPLE_PERIOD,
        config: KS_CONFIG,
        uploads: await exampleWorkbooks(),
        closure: {},
      });
      return renderReport(loadDefaultTemplate(), view);
    },
  },
  {
    name: 'ks-2024-T1-tom',
    what: 'a tertial closed with no uploads at all',
    render: async () => {
      const { view } = buildReport({
        period: { committee: 'ks', year: 2024, tertial: 1 },
        config: KS_CONFIG,
        uploads: [],
        closure: {},
      });
      return renderReport(loadDefaultTemplate(), view);
    },
  },
];

describe('Golden documents (UPDATE_GOLDEN=1 refreshes test/fixtures/golden/)', () => {
  it.each(CASES)('$name: $what', async ({ name, render }) => {
    const docx = await render();
    const zip = new PizZip(docx);
    expectGolden(`${name}.document.xml`, prettyXml(zip.file('word/document.xml')?.asText() ?? ''));
    const text = docxParagraphs(docx, { headers: true, footers: true }).join('\n');
    expectGolden(`${name}.txt`, `${text}\n`);
  });

  it('prettyXml puts one element on a line and keeps text elements whole (control)', () => {
    expect(
      prettyXml('<?xml version="1.0"?>\n<a><b x="1"/><c><w:t xml:space="preserve"> x & y </w:t></c><d></d></a>'),
    ).toBe(
      [
        '<?xml version="1.0"?>',
        '<a>',
        '  <b x="1"/>',
        '  <c>',
        '    <w:t xml:space="preserve"> x & y </w:t>',
        '  </c>',
        '  <d></d>',
        '</a>',
        '',
      ].join('\n'),
    );
  });
});
