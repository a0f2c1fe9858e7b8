import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import type { Activity, Goal, UploadContent } from '../../lambdas/core/domain.js';
import { checkTemplate, renderReport, TemplateError } from '../../lambdas/core/render.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { buildReport, type ReportView } from '../../lambdas/core/report.js';
import { defaultTemplateParts } from '../../templates/build-default-template.js';
import { docxParagraphs, xmlParagraphs } from '../helpers/docx-text.js';

const TRICKY = `Budget & <prognos> "Q3" {x} {#y} 'ok'`;
const src = (row: number) => ({ file: 'a.xlsx', sheet: 'Aktiviteter', row });

function content(): UploadContent {
  const goals: Goal[] = [
    {
      id: 'KS1',
      title: `Ekonomi ${TRICKY}`,
      assessment: 'Delvis uppfyllt',
      motivation: 'Första.\nAndra.',
      source: src(2),
    },
    { id: 'KS2', title: 'Utan aktiviteter', motivation: '', source: src(3) },
  ];
  const activities: Activity[] = [
    {
      goalRef: 'KS1',
      title: TRICKY,
      status: 'Pågående',
      comment: 'Rad ett.\nRad två.',
      responsible: 'Ekonomichef',
      source: src(2),
    },
    { goalRef: 'KS1', title: 'Tom kommentar', status: 'Genomförd', comment: '', source: src(3) },
    { goalRef: 'KS1', title: 'Styrtecken\u0001i text', status: 'Avbruten', comment: 'x\u0008y', source: src(4) },
  ];
  return { goals, activities, caseSections: [] };
}

function view(closure = {}, previous?: UploadContent): ReportView {
  return buildReport({
    period: { committee: 'ks', year: 2023, tertial: 3 },
    config: KS_CONFIG,
    uploads: [{ name: 'a.xlsx', content: content() }],
    closure,
    ...(previous
      ? {
          previous: {
            period: { committee: 'ks', year: 2023, tertial: 2 },
            uploads: [{ name: 'a.xlsx', content: previous }],
          },
        }
      : {}),
  }).view;
}

/** Tertial 2 of the same goals: KS1 not met then, one activity ongoing then, one gone since. */
function previousContent(): UploadContent {
  const now = content();
  return {
    goals: now.goals.map((g) => (g.id === 'KS1' ? { ...g, assessment: 'Ej uppfyllt' as const } : g)),
    activities: [
      ...now.activities.filter((a) => a.title !== 'Tom kommentar'),
      { goalRef: 'KS1', title: 'Avslutad sedan', status: 'Genomförd' as const, comment: '', source: src(9) },
    ].map((a) => (a.title === TRICKY ? { ...a, status: 'Ej påbörjad' as const } : a)),
    caseSections: [],
  };
}

/** The symbol and the word as the default template writes them: a no-break space between. */
const badge = (symbol: string, word: string): string => `${symbol}\u00a0${word}`;

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
      name === 'word/document.xml'
        ? xml.replace(/<w:body>[\s\S]*?(<w:sectPr>)/, `<w:body>${bodyXml}$1`)
        : (extra[name] ?? xml),
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
      'Kommunförvaltningen föreslår koncern- och finansutskottet föreslå kommunstyrelsen besluta\u00a0att',
      '1. Godkänna redovisningen av kommunstyrelsens måluppföljning, tertialrapport 3 2023.',
      'Ärendet i korthet',
      'Ärendet avser årets tredje uppföljning av kommunstyrelsens mål för 2023.',
      'Ånge kommuns vision',
      'Fokusområde Hållbar vardag',
      'Fokusområde Hållbar natur',
      'Måluppföljning',
      `KS1 Ekonomi ${TRICKY}`,
      `Bedömning: ${badge('◐', 'Delvis uppfyllt')}`,
      'Motivering',
      'Första.',
      'Andra.',
      'KS2 Utan aktiviteter',
      'Inga aktiviteter redovisade.',
      `Bedömning: ${badge('–', 'Ej bedömt')}`,
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
    const [table, ...others] = tables(documentXml).filter((t) => t.includes('w:val="Aktiviteter under målet'));
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

  it("puts the closure details at the top of the first page, and the case number in the later pages' header, only when given", () => {
    const top = (d: Uint8Array): string[] => {
      const body = docxParagraphs(d, { headers: false });
      return body.slice(0, body.indexOf('Kommunstyrelsens måluppföljning tertialrapport 3 2023'));
    };
    expect(top(docx)).toEqual(['Kommunstyrelsen']);
    expect(xmlParagraphs(part(docx, 'word/header1.xml'))).toEqual(['Kommunstyrelsen\t']);

    const withClosure = renderReport(
      template,
      view({ diarienummer: 'KS 2024/12', documentDate: '2024-01-20', meetingDate: '2024-02-06' }),
    );
    expect(top(withClosure)).toEqual([
      'Datum 2024-01-20',
      'Dnr KS 2024/12',
      'Kommunstyrelsen',
      'Sammanträde 2024-02-06',
    ]);
    expect(xmlParagraphs(part(withClosure, 'word/header1.xml'))).toEqual(['Kommunstyrelsen\tDnr KS 2024/12']);
    const onlyMeeting = renderReport(template, view({ meetingDate: '2024-02-06' }));
    expect(top(onlyMeeting)).toEqual(['Kommunstyrelsen', 'Sammanträde 2024-02-06']);
  });

  it('has a letterhead on the first page and a running header on the others (titlePg)', () => {
    expect(xmlParagraphs(part(docx, 'word/header2.xml'))).toEqual([
      'Ånge kommun\tTJÄNSTESKRIVELSE',
      'Kommunförvaltningen',
    ]);
    expect(documentXml).toContain('<w:headerReference w:type="first" r:id="rIdHeader2"/>');
    expect(documentXml).toContain('<w:titlePg/>');
    expect(part(docx, 'word/_rels/document.xml.rels')).toContain('Target="header2.xml"');
    expect(part(docx, '[Content_Types].xml')).toContain('/word/header2.xml');
  });

  it('fills the footer and keeps its page-number fields', () => {
    const footer = part(docx, 'word/footer1.xml');
    expect(xmlParagraphs(footer)).toEqual(['Ånge kommun\tTertial 3 2023\tSida 1 av 1']);
    expect(footer).toContain('<w:instrText xml:space="preserve"> PAGE </w:instrText>');
  });

  it('sets the title, subject, author, keywords and language properties, and writes a clean package', () => {
    const core = part(docx, 'docProps/core.xml');
    expect(core).toContain('<dc:title>Kommunstyrelsens måluppföljning tertialrapport 3 2023</dc:title>');
    expect(core).toContain('<dc:subject>Uppföljning av kommunstyrelsens mål, tertial 3 2023</dc:subject>');
    expect(core).toContain('<dc:creator>Kommunförvaltningen, Ånge kommun</dc:creator>');
    expect(core).toContain('<cp:keywords>måluppföljning; tertialrapport; Kommunstyrelsen</cp:keywords>');
    expect(core).toContain('<dc:language>sv-SE</dc:language>');
    expect(part(docx, 'docProps/app.xml')).toContain('<Company>Ånge kommun</Company>');
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

  describe('status at a glance', () => {
    /** The summary tables' rows, as "label|count". */
    const summary = (caption: string): string[][] =>
      rows(tables(documentXml).find((t) => t.includes(`w:val="${caption}"`)) ?? '');

    it('counts goals per assessment and activities per status, with a symbol beside each word, on the first page', () => {
      const body = docxParagraphs(docx, { headers: false });
      const at = body.indexOf('Måluppfyllelse i sammandrag');
      expect(at).toBeGreaterThan(body.indexOf('Ärendet i korthet'));
      expect(at).toBeLessThan(body.indexOf('Ånge kommuns vision'));
      expect(summary('Antal mål per bedömning')).toEqual([
        ['Bedömning', 'Antal mål'],
        [badge('●', 'Uppfyllt'), '0'],
        [badge('◐', 'Delvis uppfyllt'), '1'],
        [badge('○', 'Ej uppfyllt'), '0'],
        [badge('–', 'Ej bedömt'), '1'],
        ['Totalt', '2'],
      ]);
      expect(summary('Antal aktiviteter per status')).toEqual([
        ['Status', 'Antal aktiviteter'],
        [badge('●', 'Genomförd'), '1'],
        [badge('◐', 'Pågående'), '1'],
        [badge('○', 'Ej påbörjad'), '0'],
        [badge('✕', 'Avbruten'), '1'],
        ['Totalt', '3'],
      ]);
    });

    it('colours each symbol by its status and shades the assessment, so colour always comes with a word', () => {
      // The assessment: symbol in amber, symbol and word on the amber tint.
      const assessment = /<w:p>(?:(?!<\/w:p>).)*?Bedömning: (?:(?!<\/w:p>).)*?<\/w:p>/s.exec(documentXml)?.[0] ?? '';
      expect(assessment).toMatch(
        /<w:color w:val="8A5A00"\/><w:shd w:val="clear" w:color="auto" w:fill="FFF2C7"\/><\/w:rPr><w:t xml:space="preserve">◐<\/w:t>/,
      );
      expect(assessment).toMatch(/w:fill="FFF2C7"\/><\/w:rPr><w:t xml:space="preserve">Delvis uppfyllt<\/w:t>/);
      // An activity's status: the word on its tint (red for Avbruten).
      expect(documentXml).toMatch(/w:fill="FBE3E3"\/><\/w:rPr><w:t xml:space="preserve">Avbruten<\/w:t>/);
      // No colour without a word: every coloured symbol run is followed by a word in the same paragraph.
      for (const p of documentXml.match(/<w:p>(?:(?!<\/w:p>).)*?<\/w:p>/gs) ?? []) {
        if (/<w:color w:val="(1E6B30|8A5A00|B71C1C|595959)"/.test(p))
          expect(xmlParagraphs(p)[0]).toMatch(/(^|: )[●◐○✕–]\u00a0\p{L}/u);
      }
    });
  });

  it('writes all coloured text with at least 4.5:1 contrast against white and against its tint', () => {
    const luminance = (hex: string): number => {
      const [r, g, b] = [0, 2, 4]
        .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    const contrast = (a: string, b: string): number => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    const xml = documentXml + part(docx, 'word/styles.xml');
    const runs = [...xml.matchAll(/<w:rPr>((?:(?!<\/w:rPr>).)*)<\/w:rPr>/gs)].map((m) => m[1] ?? '');
    const coloured = runs.filter((r) => /<w:color w:val="[0-9A-F]{6}"/.test(r));
    expect(coloured.length).toBeGreaterThan(4);
    for (const r of coloured) {
      const color = /<w:color w:val="([0-9A-F]{6})"/.exec(r)?.[1] ?? '';
      const fill = /w:fill="([0-9A-F]{6})"/.exec(r)?.[1] ?? 'FFFFFF';
      expect(contrast(color, 'FFFFFF'), `#${color} on white`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(color, fill), `#${color} on #${fill}`).toBeGreaterThanOrEqual(4.5);
    }
    // Black text on every tint and on the table headers' fill.
    for (const fill of new Set([...xml.matchAll(/w:fill="([0-9A-F]{6})"/g)].map((m) => m[1] ?? ''))) {
      expect(contrast('000000', fill), `black on #${fill}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  describe('what changed since the previous tertial', () => {
    const compared = renderReport(template, view({}, previousContent()));
    const comparedXml = part(compared, 'word/document.xml');
    const comparedParagraphs = docxParagraphs(compared, { headers: false });

    it('lists the changes in a section before the goals', () => {
      const at = comparedParagraphs.indexOf('Förändringar sedan tertial 2');
      expect(at).toBeGreaterThan(comparedParagraphs.indexOf('Måluppföljning'));
      expect(at).toBeLessThan(comparedParagraphs.indexOf(`KS1 Ekonomi ${TRICKY}`));
      const table = tables(comparedXml).find((t) => t.includes('w:val="Förändringar sedan föregående tertial"')) ?? '';
      expect(rows(table)).toEqual([
        ['Mål', 'Avser', 'Förändring'],
        [`KS1 Ekonomi ${TRICKY}`, 'Bedömning', 'Ej uppfyllt → Delvis uppfyllt'],
        [`KS1 Ekonomi ${TRICKY}`, TRICKY, 'Ej påbörjad → Pågående'],
        [`KS1 Ekonomi ${TRICKY}`, 'Tom kommentar', 'Ny aktivitet'],
        [`KS1 Ekonomi ${TRICKY}`, 'Avslutad sedan', 'Redovisas inte längre (var Genomförd)'],
      ]);
    });

    it('gives each activity its change in a column of its own, and says when an assessment changed', () => {
      const [table] = tables(comparedXml).filter((t) => t.includes('w:val="Aktiviteter under målet'));
      expect(rows(table ?? '').map((r) => [r[0], r[3]])).toEqual([
        ['Aktivitet', 'Förändring'],
        [TRICKY, 'Ej påbörjad → Pågående'],
        ['Tom kommentar', 'Ny'],
        ['Styrteckeni text', 'Oförändrad'],
      ]);
      expect(comparedParagraphs).toContain('Bedömningen har ändrats sedan tertial 2, då den var Ej uppfyllt.');
      // KS2 was assessed the same (not at all) both times: nothing said.
      expect(comparedParagraphs.filter((p) => p.startsWith('Bedömningen har ändrats'))).toHaveLength(1);
    });

    it('says so when nothing changed', () => {
      const same = docxParagraphs(renderReport(template, view({}, content())), { headers: false });
      expect(same).toContain('Inget har ändrats sedan tertial 2: samma mål, aktiviteter, status och bedömningar.');
      expect(same).not.toContain('Mål\tAvser');
    });

    it('leaves the section and the column out without a comparison', () => {
      expect(paragraphs.some((p) => p.startsWith('Förändringar sedan'))).toBe(false);
      expect(documentXml).not.toContain('>Förändring<');
    });
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
    expect(checkTemplate(template)).toEqual({ ok: true, warnings: [] });
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
    expect(checkTemplate(ok)).toEqual({ ok: true, warnings: [] });
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
      tc(
        '<w:p><w:r><w:t>{-w:p summary}</w:t></w:r><w:r><w:t>{text}</w:t></w:r><w:r><w:t>{/summary}</w:t></w:r></w:p>',
      ) +
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
