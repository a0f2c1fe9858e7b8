/**
 * Every document the pipeline writes validates against the ISO/IEC 29500 Transitional
 * schemas: the default template's documents (closed, compared, empty, draft) and those of
 * each committee template the tests upload. xmllint comes from Debian's libxml2-utils
 * (.ci/run installs it); without it the test is skipped, and says so, except in CI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { renderPeriodDocument } from '../../lambdas/core/document.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import type { ReportUpload } from '../../lambdas/core/report.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { ACTIVITIES_WORKBOOK, CASE_WORKBOOK, EXAMPLE_PERIOD } from '../../examples/ks-2023-T3.js';
import {
  bookmarkInLoopTemplate,
  commentInLoopTemplate,
  dotxTemplate,
  editedPart,
  externalRelationshipTemplate,
  fieldTemplate,
  pictureInLoopTemplate,
} from '../fixtures/crafted-templates.js';
import { PREVIOUS_PERIOD, PREVIOUS_WORKBOOK, previousWorkbook } from '../fixtures/golden/ks-2023-T2.js';
import { applyMarkupCompatibility, hasXmllint, schemaErrors, XMLLINT } from '../helpers/ooxml-schema.js';

if (!hasXmllint && process.env.CI)
  throw new Error(`${XMLLINT} is missing; .ci/run installs it (apt-get install libxml2-utils)`);

async function parsed(name: string, bytes: Uint8Array): Promise<ReportUpload> {
  const result = await parseUpload(name, bytes);
  if (!result.ok) throw new Error(`${name}: ${result.errors.map((e) => e.message).join('; ')}`);
  return { name, content: result.content };
}

async function example(): Promise<{ uploads: ReportUpload[]; previous: ReportUpload[] }> {
  const names = [ACTIVITIES_WORKBOOK, CASE_WORKBOOK].sort();
  const uploads = await Promise.all(
    names.map((n) => parsed(n, new Uint8Array(readFileSync(new URL(`../../examples/${n}`, import.meta.url))))),
  );
  return { uploads, previous: [await parsed(PREVIOUS_WORKBOOK, await previousWorkbook())] };
}

async function written(
  template: Uint8Array,
  options: { draft?: boolean; compared?: boolean; empty?: boolean } = {},
): Promise<Uint8Array> {
  const { uploads, previous } = await example();
  const result = renderPeriodDocument({
    period: EXAMPLE_PERIOD,
    config: KS_CONFIG,
    template,
    uploads: options.empty ? [] : uploads,
    ...(options.compared ? { previous: { period: PREVIOUS_PERIOD, uploads: previous } } : {}),
    closure: options.draft ? {} : { diarienummer: 'KS 2024/12', documentDate: '2024-01-20', meetingDate: '2024-02-06' },
    draft: options.draft ?? false,
  });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.bytes;
}

describe.skipIf(!hasXmllint)(
  `documents against the ISO/IEC 29500 Transitional schemas (skipped only where ${XMLLINT} is not installed)`,
  () => {
    it('the default template itself validates', () => {
      expect(schemaErrors(loadDefaultTemplate())).toEqual([]);
    });

    it('the default template’s documents validate: closed with a comparison, closed without, a draft, an empty tertial', async () => {
      const template = loadDefaultTemplate();
      for (const options of [{ compared: true }, {}, { draft: true, compared: true }, { empty: true }]) {
        expect(schemaErrors(await written(template, options)), JSON.stringify(options)).toEqual([]);
      }
    });

    it('the documents of each committee template the tests upload validate', async () => {
      const templates: Record<string, Uint8Array> = {
        'a review comment inside {#goals}': commentInLoopTemplate(),
        'a picture inside {#goals}, with w14 paragraph ids': pictureInLoopTemplate(),
        'a bookmark inside {#goals}': bookmarkInLoopTemplate(),
        'a .dotx uploaded as .docx': dotxTemplate(),
        'an external hyperlink': externalRelationshipTemplate('hyperlink', 'https://www.ange.se/'),
        'a PAGE field': fieldTemplate('PAGE'),
        'edited wording': editedPart('word/document.xml', (xml) =>
          xml.replace('Förslag till beslut', 'Förslag till beslut (nämndens egen mall)'),
        ),
      };
      for (const [what, template] of Object.entries(templates)) {
        expect(schemaErrors(await written(template, { compared: true })), what).toEqual([]);
      }
    });

    it('the check finds what Word would refuse (control): an element the schema does not know', () => {
      const bad = editedPart('word/document.xml', (xml) =>
        xml.replace('<w:body>', '<w:body><w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:tertial/></w:p>'),
      );
      const errors = schemaErrors(bad);
      expect(errors.join('\n')).toMatch(/tertial/);
    });

    it('Markup Compatibility: what mc:Ignorable names is removed before validating (control)', () => {
      const xml = '<w:document xmlns:w14="x" mc:Ignorable="w14"><w:p w14:paraId="1"><w14:x a="1"/></w:p></w:document>';
      expect(applyMarkupCompatibility(xml)).toBe('<w:document xmlns:w14="x"><w:p></w:p></w:document>');
    });
  },
);
