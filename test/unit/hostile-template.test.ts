/**
 * Hostile and broken committee templates (issue 4): broken tags get docxtemplater's
 * explanations, in Swedish, for the staff who edit the template; expressions that try to
 * reach `constructor` or `__proto__` are refused as unknown tags, and nothing in a
 * template is ever evaluated (docxtemplater's default parser only looks names up).
 */
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import { afterEach, describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { checkTemplate, renderReport, TemplateError } from '../../lambdas/core/render.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { buildReport, type ReportView } from '../../lambdas/core/report.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { p, templateWithBody } from '../fixtures/crafted-templates.js';

function messages(template: Uint8Array): string[] {
  const result = checkTemplate(template, 'templates/ks.docx');
  if (result.ok) throw new Error('expected the template to be refused');
  expect(result.errors.every((e) => e.code === 'invalid_template' && e.file === 'templates/ks.docx')).toBe(true);
  return result.errors.map((e) => e.message);
}

function view(): ReportView {
  return buildReport({
    period: { committee: 'ks', year: 2024, tertial: 2 },
    config: KS_CONFIG,
    uploads: [
      {
        name: 'a.xlsx',
        content: {
          goals: [{ id: 'KS1', title: 'Ekonomi', motivation: '', source: { file: 'a.xlsx', sheet: 'Mål', row: 2 } }],
          activities: [
            {
              goalRef: 'KS1',
              title: '{constructor.constructor("globalThis.__tertialPwned = true")()}',
              status: 'Pågående',
              comment: '{__proto__}',
              source: { file: 'a.xlsx', sheet: 'Aktiviteter', row: 2 },
            },
          ],
          caseSections: [],
        },
      },
    ],
    closure: {},
  }).view;
}

const FLAG = '__tertialPwned';
const globals = globalThis as Record<string, unknown>;

const PAYLOADS = [
  `{constructor.constructor("globalThis.${FLAG} = true")()}`,
  '{this.constructor.constructor("return process")().exit(1)}',
  '{__proto__}',
  '{__proto__.polluted}',
  '{this.constructor}',
  '{constructor}',
  '{toString}',
  '{hasOwnProperty}',
];

afterEach(() => {
  delete globals[FLAG];
});

describe('hostile template – broken tags', () => {
  it("a template with broken tags gives docxtemplater's explanation in Swedish, naming the tag", () => {
    const cases: [string, RegExp][] = [
      ['{reportTitle', /Taggen som börjar med "reportTitle" saknar sin avslutande klammer \}/],
      ['reportTitle}', /Taggen som slutar med "[^"]*reportTitle" saknar sin inledande klammer \{/],
      ['{{reportTitle}', /Taggen "\{\{repo" har en klammer \{ för mycket/],
      ['{reportTitle}}', /har en klammer \} för mycket/],
      ['{#goals}', /Avsnittet \{#goals\} avslutas aldrig med \{\/goals\}/],
      ['{/goals}', /Avsnittet \{\/goals\} har ingen början \{#goals\}/],
    ];
    for (const [body, expected] of cases) {
      const found = messages(templateWithBody(p(body)));
      expect(found.join('\n'), body).toMatch(expected);
      expect(
        found.every((m) => m.startsWith('word/document.xml: ')),
        body,
      ).toBe(true);
    }
  });

  it("a broken tag without a Swedish translation still shows docxtemplater's own explanation", () => {
    const template = templateWithBody(p('{=[[=}')); // a malformed delimiter change
    let explanation = '';
    try {
      new Docxtemplater(new PizZip(template), { paragraphLoop: true });
    } catch (e) {
      type Props = { id?: string; explanation?: string; errors?: { properties?: Props }[] };
      const props = (e as { properties?: Props }).properties;
      const first = props?.errors?.[0]?.properties ?? props;
      expect(first?.id).toBe('change_delimiters_invalid');
      explanation = first?.explanation ?? '';
    }
    expect(explanation).not.toBe('');
    const [message] = messages(template);
    expect(message).toContain('Mallen har ett fel (change_delimiters_invalid)');
    expect(message).toContain(explanation);
  });
});

describe('hostile template – expressions that try to reach constructor', () => {
  it('checkTemplate refuses each as an unknown tag', () => {
    for (const payload of PAYLOADS) {
      const found = messages(templateWithBody(p('{reportTitle}') + p(payload)));
      expect(found, payload).toHaveLength(1);
      expect(found[0], payload).toContain(`Mallen använder taggen ${payload}, som rapporten inte känner till.`);
    }
    const loop = messages(templateWithBody(p('{#constructor}') + p('{/constructor}')));
    expect(loop[0]).toContain(
      'Mallen använder avsnittet {#constructor}, men rapporten har inget värde med det namnet.',
    );
    const raw = messages(templateWithBody(p('{@constructor}')));
    expect(raw[0]).toContain('{@constructor}');
  });

  it('renderReport refuses such a template before rendering: nothing runs', () => {
    const template = templateWithBody(PAYLOADS.map(p).join(''));
    expect(() => renderReport(template, view())).toThrow(TemplateError);
    expect(globals[FLAG]).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("even rendered without the tag check, docxtemplater's default parser only looks names up: nothing runs", () => {
    const zip = new PizZip(templateWithBody(PAYLOADS.map(p).join('')));
    const doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: false, nullGetter: () => '' });
    doc.render(view());
    expect(globals[FLAG]).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Own properties only: inherited ones (constructor, __proto__, toString) are not found.
    expect(doc.getFullText()).toBe('');
  });

  it('expression-looking text in the data is written literally and never evaluated', () => {
    const docx = renderReport(loadDefaultTemplate(), view());
    expect(globals[FLAG]).toBeUndefined();
    const paragraphs = docxParagraphs(docx);
    expect(paragraphs).toContain(`{constructor.constructor("globalThis.${FLAG} = true")()}`);
    expect(paragraphs).toContain('{__proto__}');
  });
});
