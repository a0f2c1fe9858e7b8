import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import type { Activity, Goal, UploadContent } from '../../lambdas/core/domain.js';
import { checkTemplate, loadDefaultTemplate, renderReport, TemplateError } from '../../lambdas/core/render.js';
import { buildReport, type ReportView } from '../../lambdas/core/report.js';
import { defaultTemplateParts } from '../../templates/build-default-template.js';
import { docxParagraphs, xmlParagraphs } from '../helpers/docx-text.js';

const TRICKY = `Budget & <prognos> "Q3" {x} {#y} 'ok'`;
const src = (row: number) => ({ file: 'a.xlsx', sheet: 'Aktiviteter', row });

function content(): UploadContent {
  const goals: Goal[] = [
    { id: 'KS1', title: `Ekonomi ${TRICKY}`, assessment: 'Delvis uppfyllt', motivation: 'Första.\nAndra.', source: src(2) },
    { id: 'KS2', title: 'Utan aktiviteter', motivation: '', source: src(3) },
  ];
  const activities: Activity[] = [
    { goalRef: 'KS1', title: TRICKY, status: 'Pågående', comment: 'Rad ett.\nRad två.', responsible: 'Ekonomichef', source: src(2) },
    { goalRef: 'KS1', title: 'Tom kommentar', status: 'Genomförd', comment: '', source: src(3) },
    { goalRef: 'KS1', title: 'Styrtecken\u0001i text', status: 'Avbruten', comment: 'x\u0008y', source: src(4) },
  ];
  return { goals, activities, caseSections: [] };
}

function view(closure = {}): ReportView {
  return buildReport({
    period: { committee: 'ks', year: 2023, tertial: 3 },
    config: KS_CONFIG,
    uploads: [{ name: 'a.xlsx', content: content() }],
    closure,
  }).view;
}

const template = loadDefaultTemplate();

function part(docx: Uint8Array, name: string): string {
  const file = new PizZip(docx).file(name);
  if (!file) throw new Error(`${name} missing`);
  return file.asText();
}

/** The default template with document.xml's body replaced. */
function templateWithBody(bodyXml: string, extra: Record<string, string> = {}): Uint8Array {
  const zip = new PizZip();
  for (const [name, xml] of defaultTemplateParts()) {
    zip.file(
      name,
      name === 'word/document.xml' ? xml.replace(/<w:body>[\s\S]*?(<w:sectPr>)/, `<w:body>${bodyXml}$1`) : (extra[name] ?? xml),
    );
  }
  return zip.generate({ type: 'uint8array', compression: 'DEFLATE' });
}

const p = (text: string): string => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

function tables(xml: string): string[] {
  return [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]);
}

function rows(tableXml: string): string[][] {
  return [...tableXml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((m) =>
    [...m[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => xmlParagraphs(c[0]).join('¶')),
  );
}

describe('Function: renderReport', () => {
  const docx = renderReport(template, view());
  const paragraphs = docxParagraphs(docx);
  const documentXml = part(docx, 'word/document.xml');

  it('writes the report in the reference order', () => {
    const expected = [
      'Kommunstyrelsen',
      'Kommunstyrelsens måluppföljning tertialrapport 3 2023',
      'Förslag till beslut',
      'Kommunförvaltningen föreslår koncern- och finansutskottet föreslå kommunstyrelsen besluta att',
      '1. Godkänna redovisningen av kommunstyrelsens måluppföljning, tertialrapport 3 2023.',
      'Ärendet i korthet',
      'Ärendet avser årets tredje uppföljning av kommunstyrelsens mål för 2023.',
      'Ånge kommuns vision',
      'Fokusområde Hållbar vardag',
      'Fokusområde Hållbar natur',
      'Måluppföljning',
      `KS1 Ekonomi ${TRICKY}`,
      'Bedömning: Delvis uppfyllt',
      'Motivering',
      'Första.',
      'Andra.',
      'KS2 Utan aktiviteter',
      'Inga aktiviteter redovisade.',
      'Bedömning: Ej bedömt',
    ];
    let from = 0;
    for (const text of expected) {
      const at = paragraphs.indexOf(text, from);
      expect(at, `"${text}" after paragraph ${from}`).toBeGreaterThanOrEqual(from);
      from = at + 1;
    }
    // Without considerations the section is left out, heading included.
    expect(paragraphs).not.toContain('Förvaltningens övervägande');
    // No control paragraphs or tags survive (other than the literal ones in the values).
    const rest = paragraphs.join('\n').replaceAll(TRICKY, '');
    expect(rest).not.toMatch(/[{}]|undefined/);
  });

  it('writes one table row per activity under a repeating header row', () => {
    const [table, ...others] = tables(documentXml);
    expect(others).toEqual([]); // KS2 has no activities: no table
    const body = rows(table ?? '');
    expect(body).toEqual([
      ['Aktivitet', 'Ansvarig', 'Status', 'Kommentar'],
      [TRICKY, 'Ekonomichef', 'Pågående', 'Rad ett.¶Rad två.'],
      ['Tom kommentar', '', 'Genomförd', ''],
      ['Styrteckeni text', '', 'Avbruten', 'xy'],
    ]);
    const headerRow = /<w:tr[ >][\s\S]*?<\/w:tr>/.exec(table ?? '')?.[0] ?? '';
    expect(headerRow).toContain('<w:tblHeader/>');
    // Every cell keeps at least one paragraph, or Word calls the file corrupt.
    for (const cell of (table ?? '').matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)) expect(cell[1]).toMatch(/<w:p[ >/]/);
  });

  it('writes & < > " and braces in values literally', () => {
    expect(paragraphs).toContain(`KS1 Ekonomi ${TRICKY}`);
    expect(documentXml).toContain('Budget &amp; &lt;prognos&gt;');
    expect(documentXml).not.toContain('<prognos>');
  });

  it('puts the closure details in the page header only when given', () => {
    expect(xmlParagraphs(part(docx, 'word/header1.xml'))).toEqual(['Kommunstyrelsen']);
    const withClosure = renderReport(template, view({ diarienummer: 'KS 2024/12', documentDate: '2024-01-20' }));
    expect(xmlParagraphs(part(withClosure, 'word/header1.xml'))).toEqual([
      'Kommunstyrelsen',
      'Dnr KS 2024/12',
      'Datum 2024-01-20',
    ]);
  });

  it('fills the footer and keeps its page-number fields', () => {
    const footer = part(docx, 'word/footer1.xml');
    expect(xmlParagraphs(footer)).toEqual(['Ånge kommun\tTertial 3 2023\tSida 1 av 1']);
    expect(footer).toContain('<w:instrText xml:space="preserve"> PAGE </w:instrText>');
  });

  it('sets the title property and writes a clean package', () => {
    expect(part(docx, 'docProps/core.xml')).toContain(
      '<dc:title>Kommunstyrelsens måluppföljning tertialrapport 3 2023</dc:title>',
    );
    const names = Object.keys(new PizZip(docx).files);
    expect(names[0]).toBe('[Content_Types].xml');
    expect(names.filter((n) => n.endsWith('/'))).toEqual([]);
    // DEFLATE: the package is much smaller than its parts' text.
    const zip = new PizZip(docx);
    const total = names.reduce((sum, n) => sum + (zip.file(n)?.asUint8Array().length ?? 0), 0);
    expect(docx.length).toBeLessThan(total / 2);
  });

  it('escapes the title property', () => {
    const v = { ...view(), reportTitle: 'A & <B>' };
    expect(part(renderReport(template, v), 'docProps/core.xml')).toContain('<dc:title>A &amp; &lt;B&gt;</dc:title>');
  });

  it('throws TemplateError for a corrupt template', () => {
    const corrupt = new TextEncoder().encode('this is not a zip file at all');
    expect(() => renderReport(corrupt, view())).toThrow(TemplateError);
    try {
      renderReport(corrupt, view());
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      expect((e as TemplateError).code).toBe('invalid_template');
      expect((e as TemplateError).issues[0]?.message).toMatch(/ingen giltig .docx/);
    }
  });

  it('throws TemplateError for a template with an unknown tag', () => {
    const bad = templateWithBody(p('{reportTitel}'));
    expect(() => renderReport(bad, view())).toThrow(/reportTitel/);
  });
});

describe('Function: checkTemplate', () => {
  it('accepts the default template', () => {
    expect(checkTemplate(template)).toEqual({ ok: true });
  });

  it('refuses a tag the view model does not know, naming it', () => {
    const result = checkTemplate(templateWithBody(p('{reportTitle}') + p('{kommunnamn}')), 'templates/ks.docx');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'invalid_template', file: 'templates/ks.docx' });
    expect(result.errors[0]?.message).toMatch(/\{kommunnamn\}/);
    expect(result.errors[0]?.message).toMatch(/word\/document\.xml/);
  });

  it('resolves tags through loops as docxtemplater does', () => {
    // goalHeading exists only inside {#goals}; reportTitle is visible from inside a loop.
    const ok = templateWithBody(p('{#goals}') + p('{goalHeading} {reportTitle}') + p('{/goals}'));
    expect(checkTemplate(ok)).toEqual({ ok: true });
    const outside = checkTemplate(templateWithBody(p('{goalHeading}')));
    expect(outside.ok).toBe(false);
    const wrongList = checkTemplate(templateWithBody(p('{#proposals}') + p('{goalHeading}') + p('{/proposals}')));
    expect(wrongList.ok).toBe(false);
  });

  it('refuses printing a list or a flag as text, and raw XML tags', () => {
    const result = checkTemplate(templateWithBody(p('{goals}') + p('{hasGoals}') + p('{@reportTitle}')));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/\{goals\} är en lista/),
      expect.stringMatching(/\{hasGoals\} är ett villkor/),
      expect.stringMatching(/\{@reportTitle\}/),
    ]);
  });

  it('checks page headers too', () => {
    const header = defaultTemplateParts().find(([n]) => n === 'word/header1.xml')?.[1] ?? '';
    const bad = templateWithBody(p('{reportTitle}'), {
      'word/header1.xml': header.replace('{committeeName}', '{namnd}'),
    });
    const result = checkTemplate(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toMatch(/word\/header1\.xml.*\{namnd\}/);
  });

  it("reports docxtemplater's syntax errors in Swedish, one issue each", () => {
    const result = checkTemplate(templateWithBody(p('{reportTitle') + p('{#goals}') + p('text')));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.length).toBeGreaterThanOrEqual(2);
    expect(result.errors.every((e) => e.code === 'invalid_template')).toBe(true);
    const messages = result.errors.map((e) => e.message).join('\n');
    expect(messages).toMatch(/saknar sin avslutande klammer/);
    expect(messages).toMatch(/\{#goals\} avslutas aldrig/);
  });

  it('refuses a loop closed by another loop, naming both', () => {
    const result = checkTemplate(templateWithBody(p('{#goals}{#proposals}') + p('{/goals}{/proposals}')));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toMatch(/\{#proposals\} avslutas med \{\/goals\}/);
  });

  it('refuses a table-row loop that closes before a loop in a later cell, naming both', () => {
    const tc = (inner: string): string => `<w:tc>${inner}</w:tc>`;
    const row =
      '<w:tbl><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid><w:tr>' +
      tc(p('{#goals}{goalHeading}')) +
      tc(p('{/goals}')) +
      tc('<w:p><w:r><w:t>{-w:p summary}</w:t></w:r><w:r><w:t>{text}</w:t></w:r><w:r><w:t>{/summary}</w:t></w:r></w:p>') +
      '</w:tr></w:tbl>' +
      p('');
    const result = checkTemplate(templateWithBody(row));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toMatch(/\{#goals\} och \{#summary\} korsar varandra/);
  });

  it('refuses a file that is not a .docx', () => {
    const result = checkTemplate(new Uint8Array([1, 2, 3]));
    expect(result).toMatchObject({ ok: false, errors: [{ code: 'invalid_template' }] });
    const zip = new PizZip();
    zip.file('hello.txt', 'hej');
    const notWord = checkTemplate(zip.generate({ type: 'uint8array' }));
    expect(notWord).toMatchObject({ ok: false, errors: [{ code: 'invalid_template' }] });
  });
});
