/**
 * An edited template that lost what the default has for accessibility (table captions,
 * marked header rows, heading styles) is accepted with warnings that say, in Swedish,
 * what was lost, where, and what to do in Word.
 */
import { describe, expect, it } from 'vitest';
import type { InputIssue } from '../../lambdas/core/domain.js';
import { checkTemplate, renderReport } from '../../lambdas/core/render.js';
import { receiptMessage } from '../../lambdas/core/receipt-message.js';
import { receiptHtml } from '../../lambdas/core/receipt-html.js';
import { parseReceipt } from '../../lambdas/core/receipt-schema.js';
import { receiptJson, templateReceipt } from '../../lambdas/core/receipt.js';
import { DEFAULT_HEADINGS, DEFAULT_TABLE_CAPTIONS } from '../../lambdas/core/template-warnings.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { defaultParts, editedPart, zipParts } from '../fixtures/crafted-templates.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { buildReport } from '../../lambdas/core/report.js';

const FILE = 'templates/ks.docx';
const DOCUMENT = 'word/document.xml';

function warnings(template: Uint8Array): readonly InputIssue[] {
  const result = checkTemplate(template, FILE);
  if (!result.ok) throw new Error(`refused: ${result.errors.map((e) => e.message).join(' ')}`);
  return result.warnings;
}

/** One goal with one activity: every table of the default that is not about changes renders. */
function view() {
  return buildReport({
    period: { committee: 'ks', year: 2024, tertial: 1 },
    config: KS_CONFIG,
    uploads: [
      {
        name: 'a.xlsx',
        content: {
          goals: [
            { id: 'KS1', title: 'Ekonomi i balans', motivation: '', source: { file: 'a.xlsx', sheet: 'Mål', row: 2 } },
          ],
          activities: [
            {
              goalRef: 'KS1',
              title: 'Budgetuppföljning',
              status: 'Pågående',
              comment: '',
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

function defaultDocument(): string {
  return defaultParts().get(DOCUMENT) as string;
}

/** The default's document.xml with every occurrence of `from` replaced (at least one). */
function editedDocument(from: string | RegExp, to: string): Uint8Array {
  return editedPart(DOCUMENT, (xml) => xml.replaceAll(from, to));
}

/** The text of every `w:t` in a piece of XML. */
function textOf(xml: string): string {
  return [...xml.matchAll(/<w:t\b[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
}

describe('Function: checkTemplate – what an edit lost against the default', () => {
  it('the default template has no warnings, as built and as stored in templates/default.docx', () => {
    expect(checkTemplate(zipParts(defaultParts()), FILE)).toEqual({ ok: true, warnings: [] });
    expect(checkTemplate(loadDefaultTemplate(), FILE)).toEqual({ ok: true, warnings: [] });
  });

  it('the headings and captions the warnings compare with are the default template’s own', () => {
    const xml = defaultDocument();
    const headings = [...xml.matchAll(/<w:p><w:pPr><w:pStyle w:val="(Title|Heading(\d))"\/>[\s\S]*?<\/w:p>/g)].map(
      (m) => [textOf(m[0]), m[2] === undefined ? 0 : Number(m[2])] as const,
    );
    expect(headings.length).toBeGreaterThan(5);
    expect(new Map(headings)).toEqual(DEFAULT_HEADINGS);
    const captions = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => {
      const loop = /\{#(\w+)\}/.exec(textOf(m[0]))?.[1];
      const caption = /<w:tblCaption w:val="([^"]*)"\/>/.exec(m[0])?.[1];
      return [loop, caption] as const;
    });
    expect(captions.length).toBe(5);
    expect(new Map(captions)).toEqual(DEFAULT_TABLE_CAPTIONS);
  });

  it('warns for every table without its caption, as LibreOffice saves it, naming the table by its heading and loop', () => {
    const template = editedDocument(/<w:tblCaption w:val="[^"]*"\/>/g, '');
    const found = warnings(template);
    expect(found.map((w) => w.code)).toEqual(Array(5).fill('missing_table_caption'));
    expect(found.map((w) => w.value)).toEqual([
      '{#assessmentSummary}',
      '{#statusSummary}',
      '{#changes}',
      '{#activities}',
      '{#activities}',
    ]);
    expect(found[3]).toMatchObject({ file: FILE });
    expect(found[3]?.message).toBe(
      'Tabell 4 (den med {#activities}, under rubriken "{goalHeading}") saknar rubrik (alternativ text). ' +
        'Standardmallens tabeller har en, och en skärmläsare läser upp den innan tabellen; LibreOffice tar bort den när mallen sparas. ' +
        'Lägg till en alternativ text/rubrik för tabellen i Word: Tabellegenskaper > Alternativ text > Rubrik ' +
        '(i standardmallen "Aktiviteter under målet, med status och kommentar").',
    );
    expect(found[0]?.message).toMatch(
      /^Tabell 1 \(den med \{#assessmentSummary\}, under rubriken "Måluppfyllelse i sammandrag"\)/,
    );
    // Still a template that renders.
    expect(docxParagraphs(renderReport(template, view()))).toContain('Förslag till beslut');
  });

  it('an empty caption is as good as none', () => {
    const template = editedDocument(
      '<w:tblCaption w:val="Förändringar sedan föregående tertial"/>',
      '<w:tblCaption w:val=" "/>',
    );
    expect(warnings(template).map((w) => [w.code, w.value])).toEqual([['missing_table_caption', '{#changes}']]);
  });

  it('warns when a table’s column titles are no longer a marked header row, quoting the titles', () => {
    // The changes table (Mål, Avser, Förändring) is the third; its header row loses `w:tblHeader`.
    let seen = 0;
    const template = editedPart(DOCUMENT, (xml) =>
      xml.replace(/<w:trPr><w:cantSplit\/><w:tblHeader\/><\/w:trPr>/g, (all) =>
        ++seen === 3 ? '<w:trPr><w:cantSplit/></w:trPr>' : all,
      ),
    );
    const found = warnings(template);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'missing_header_row', file: FILE, value: '{#changes}' });
    expect(found[0]?.message).toBe(
      'Tabell 3 (den med {#changes}, under rubriken "Förändringar sedan tertial {previousTertial}"): ' +
        'första raden (kolumnrubrikerna Mål, Avser, Förändring) är inte längre markerad som rubrikrad, som den är i standardmallen. ' +
        'Då upprepas den inte överst på varje sida och en skärmläsare läser inte upp kolumnrubriken vid varje cell. ' +
        'Markera raden i Word: Tabellegenskaper > Rad > Upprepa som rubrikrad överst på varje sida.',
    );
  });

  it('a header row turned off with w:val="0" is unmarked; a table whose first row is the loop, or without a loop, is left alone', () => {
    expect(warnings(editedDocument('<w:tblHeader/>', '<w:tblHeader w:val="0"/>')).map((w) => w.code)).toEqual(
      Array(5).fill('missing_header_row'),
    );
    // The activity tables without their header row: the first row is now the looped one.
    const loopFirst = editedPart(DOCUMENT, (xml) =>
      xml.replace(
        /<w:tr><w:trPr><w:cantSplit\/><w:tblHeader\/><\/w:trPr>(?:(?!<\/w:tr>)[\s\S])*?Aktivitet[\s\S]*?<\/w:tr>/g,
        '',
      ),
    );
    expect(warnings(loopFirst)).toEqual([]);
    // A layout table without a loop, neither captioned nor with a header row.
    const layout =
      '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid>' +
      '<w:tr><w:tc><w:p><w:r><w:t>Underskrift</w:t></w:r></w:p></w:tc></w:tr>' +
      '<w:tr><w:tc><w:p><w:r><w:t>{administration}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>';
    expect(warnings(editedPart(DOCUMENT, (xml) => xml.replace('<w:sectPr>', `${layout}<w:sectPr>`)))).toEqual([]);
  });

  it('warns when one of the default’s headings is direct formatting instead of its heading style, naming the style', () => {
    const template = editedDocument(
      '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t xml:space="preserve">Förslag till beslut</w:t></w:r></w:p>',
      '<w:p><w:r><w:rPr><w:b/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">Förslag till beslut</w:t></w:r></w:p>',
    );
    const found = warnings(template);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'missing_heading_style', file: FILE, value: 'Förslag till beslut' });
    expect(found[0]?.message).toBe(
      'Stycket "Förslag till beslut" har formatmallen Rubrik 1 (Heading 1) i standardmallen, men ingen rubrikformatmall i den här mallen. ' +
        'Då saknas rubriken i dokumentets struktur: en skärmläsare kan inte hoppa till den och PDF:en får inget bokmärke för den. ' +
        'Markera stycket i Word och välj formatmallen Rubrik 1 (Heading 1) under Start > Formatmallar.',
    );
    expect(docxParagraphs(renderReport(template, view()))).toContain('Förslag till beslut');
  });

  it('the goal heading made bold Normal text is named as a Heading 2, and its table is placed under the last real heading', () => {
    const found = warnings(
      editedDocument(
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t xml:space="preserve">{goalHeading}</w:t></w:r></w:p>',
        '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{goal</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Heading}</w:t></w:r></w:p>',
      ),
    );
    expect(found.map((w) => [w.code, w.value])).toEqual([['missing_heading_style', '{goalHeading}']]);
    expect(found[0]?.message).toContain('formatmallen Rubrik 2 (Heading 2) i standardmallen');
  });

  it('warns for a short, bold, direct-formatted paragraph that is not one of the default’s; not for emphasis', () => {
    const bold = (text: string, rPr = '<w:b/>') =>
      `<w:p><w:r><w:rPr>${rPr}</w:rPr><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
    const added = [
      bold('Bakgrund'),
      bold('Bedömning:'),
      bold('Det här är en mening i fetstil.'),
      bold('{draftNotice}'),
      bold('{committeeName}', '<w:b/><w:sz w:val="32"/>'),
      bold('Inte fet', '<w:b w:val="0"/>'),
      `<w:p><w:pPr><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:t>Stycketecknet fett</w:t></w:r></w:p>`,
      bold('x'.repeat(81)),
    ].join('');
    const found = warnings(
      editedPart(DOCUMENT, (xml) => xml.replace('<w:p><w:pPr><w:pStyle w:val="Title"/>', `${added}$&`)),
    );
    expect(found.map((w) => [w.code, w.value])).toEqual([
      ['missing_heading_style', 'Bakgrund'],
      ['missing_heading_style', '{committeeName}'],
    ]);
    expect(found[0]?.message).toBe(
      'Stycket "Bakgrund" ser ut som en rubrik (kort, fetstil) men har ingen rubrikformatmall, bara direkt formatering. ' +
        'Då saknas rubriken i dokumentets struktur: en skärmläsare kan inte hoppa till den och PDF:en får inget bokmärke för den. ' +
        'Markera stycket i Word och välj formatmallen Rubrik 1, Rubrik 2 eller Rubrik 3 under Start > Formatmallar.',
    );
  });

  it('a heading style is found by name or outline level, as Swedish Word names it (Rubrik1), not by its id', () => {
    const parts = defaultParts();
    const styles = parts.get('word/styles.xml') as string;
    parts.set(
      'word/styles.xml',
      styles.replace(
        '</w:styles>',
        '<w:style w:type="paragraph" w:styleId="Rubrik1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>' +
          '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Egen"><w:name w:val="Nämndrubrik"/><w:basedOn w:val="Normal"/>' +
          '<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>' +
          '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Brodtext"><w:name w:val="Brödtext"/><w:basedOn w:val="Heading2"/>' +
          '<w:pPr><w:outlineLvl w:val="9"/></w:pPr></w:style></w:styles>',
      ),
    );
    const restyled = (from: string, to: string) => (xml: string) =>
      xml.replace(
        `<w:p><w:pPr><w:pStyle w:val="${from}"/></w:pPr><w:r><w:t xml:space="preserve">Förslag till beslut</w:t>`,
        `<w:p><w:pPr><w:pStyle w:val="${to}"/></w:pPr><w:r><w:t xml:space="preserve">Förslag till beslut</w:t>`,
      );
    expect(warnings(editedPart(DOCUMENT, restyled('Heading1', 'Rubrik1'), new Map(parts)))).toEqual([]);
    expect(warnings(editedPart(DOCUMENT, restyled('Heading1', 'Egen'), new Map(parts)))).toEqual([]);
    // Based on a heading, but set back to body text: not a heading.
    expect(warnings(editedPart(DOCUMENT, restyled('Heading1', 'Brodtext'), new Map(parts))).map((w) => w.code)).toEqual(
      ['missing_heading_style'],
    );
  });

  it('a table inside a text box or in mc:Fallback is not read twice', () => {
    const xml = defaultDocument();
    const table = /<w:tbl>(?:(?!<\/w:tbl>)[\s\S])*?\{#changes\}[\s\S]*?<\/w:tbl>/.exec(xml)?.[0] ?? '';
    expect(table).not.toBe('');
    const uncaptioned = table.replace(/<w:tblCaption w:val="[^"]*"\/>/, '');
    const template = editedPart(DOCUMENT, (x) =>
      x
        .replace(table, `${table}<w:p><w:r><w:t>a</w:t></w:r></w:p>`)
        .replace(
          '<w:sectPr>',
          `<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="wps"/><mc:Fallback><w:pict><w:txbxContent>${uncaptioned}</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p><w:sectPr>`,
        ),
    );
    expect(warnings(template)).toEqual([]);
  });
});

describe('Function: templateReceipt – accepted with warnings', () => {
  const receivedAt = new Date('2024-02-06T09:05:00Z');
  const found = warnings(editedDocument(/<w:tblCaption w:val="[^"]*"\/>/g, '')).slice(0, 2);

  it('says "godkänd med varningar" and carries the warnings in its JSON, which reads back', () => {
    const receipt = templateReceipt({
      committee: 'ks',
      key: FILE,
      receivedAt,
      errors: [],
      warnings: found,
      hasPrevious: true,
    });
    expect(receipt.status).toBe('accepted');
    expect(receipt.message).toBe(
      'Mallen "templates/ks.docx" är godkänd med varningar och används när nästa tertial stängs. 2 varningar, se nedan: ' +
        'mallen saknar något som standardmallen har för den som läser dokumentet med skärmläsare. Rätta mallen och ladda upp den igen före stängningen.',
    );
    const read = parseReceipt(receiptJson(receipt));
    expect(read.ok && read.receipt.kind === 'template' && read.receipt.warnings).toEqual(found);
  });

  it('shows the warnings on the page and in the message, with the status in words', () => {
    const receipt = templateReceipt({
      committee: 'ks',
      key: FILE,
      receivedAt,
      errors: [],
      warnings: found,
      hasPrevious: false,
    });
    const html = receiptHtml(receipt);
    expect(html).toContain('<title>Godkänd med varningar: Mall för ks</title>');
    expect(html).toContain('<h2>Varningar (2)</h2>');
    expect(html).toContain('Tabell 1 (den med {#assessmentSummary}');
    expect(html).toContain('(missing_table_caption)');
    const message = receiptMessage(
      receipt,
      { bucket: 'out', receiptKey: 'receipts/templates/ks.docx.json' },
      { committee: 'ks' },
    );
    expect(message.subject).toBe('Mall ks (godkänd med varningar)');
    expect(message.text).toContain('Varningar (2):\n- Tabell 1 (den med {#assessmentSummary}');
  });

  it('without warnings it is plainly accepted; a refused template has none; a receipt from before warnings reads as none', () => {
    const plain = templateReceipt({
      committee: 'ks',
      key: FILE,
      receivedAt,
      errors: [],
      warnings: [],
      hasPrevious: false,
    });
    expect(plain.message).toBe('Mallen "templates/ks.docx" är godkänd och används när nästa tertial stängs.');
    expect(receiptHtml(plain)).toContain('<title>Godkänd: Mall för ks</title>');
    const refused = templateReceipt({
      committee: 'ks',
      key: FILE,
      receivedAt,
      errors: [{ code: 'invalid_template', file: FILE, message: 'Trasig.' }],
      warnings: found,
      hasPrevious: false,
    });
    expect(refused.warnings).toEqual([]);
    const old = parseReceipt(
      JSON.stringify({
        kind: 'template',
        status: 'accepted',
        committee: 'ks',
        key: FILE,
        receivedAt: receivedAt.toISOString(),
        message: 'Mallen "templates/ks.docx" är godkänd och används när nästa tertial stängs.',
        errors: [],
      }),
    );
    expect(old.ok && old.receipt.kind === 'template' && old.receipt.warnings).toEqual([]);
  });
});
