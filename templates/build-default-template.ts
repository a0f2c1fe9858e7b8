/**
 * Writes templates/default.docx from handwritten WordprocessingML.
 *
 *   npx tsx templates/build-default-template.ts
 *
 * Handwritten rather than saved from Word so that every tag sits in a single run (Word
 * splits text into runs at will, which breaks `{tags}`), the XML stays readable in a diff,
 * and the output is byte-for-byte reproducible. The tags are listed in templates/README.md
 * and defined by lambdas/core/report.ts (REPORT_TAGS).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import PizZip from 'pizzip';

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const BODY_FONT = 'Times New Roman';
const HEADING_FONT = 'Arial';

/** A4 with 25 mm margins: 11906 − 2 × 1417 twips of text width. */
const TEXT_WIDTH = 9072;
const COLUMNS = [
  { header: 'Aktivitet', width: 2700 },
  { header: 'Ansvarig', width: 1500 },
  { header: 'Status', width: 1300 },
  { header: 'Kommentar', width: TEXT_WIDTH - 2700 - 1500 - 1300 },
] as const;

// ---------------------------------------------------------------------------------------
// Tiny WordprocessingML writers

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One run. A tag must be the whole text of its run so that docxtemplater sees it intact. */
function run(text: string, rPr = ''): string {
  return `<w:r>${rPr ? `<w:rPr>${rPr}</w:rPr>` : ''}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
}

function para(runs: string | readonly string[], opts: { style?: string; pPr?: string } = {}): string {
  const pPr = `${opts.style ? `<w:pStyle w:val="${opts.style}"/>` : ''}${opts.pPr ?? ''}`;
  return `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}${typeof runs === 'string' ? runs : runs.join('')}</w:p>`;
}

/** A paragraph holding only a loop/condition tag; `paragraphLoop` removes it on render. */
function control(tag: string): string {
  return para(run(`{${tag}}`));
}

/** `{#name}` … `{/name}` around the given paragraphs (each control tag in its own paragraph). */
function section(name: string, body: readonly string[], inverted = false): string[] {
  return [control(`${inverted ? '^' : '#'}${name}`), ...body, control(`/${name}`)];
}

/** One paragraph per item of a `{ text }` list. */
function paragraphs(list: string, style?: string): string[] {
  return section(list, [para(run('{text}'), style ? { style } : {})]);
}

function heading(level: 1 | 2 | 3, runs: string | readonly string[], pPr = ''): string {
  return para(runs, { style: `Heading${level}`, pPr });
}

function cell(width: number, content: string, tcPr = ''): string {
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${tcPr}</w:tcPr>${content}</w:tc>`;
}

function activityTable(): string {
  const [title, responsible, status, comment] = COLUMNS;
  const headerRow =
    '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' +
    COLUMNS.map((c) =>
      cell(c.width, para(run(c.header), { style: 'TableHeading' }), '<w:shd w:val="clear" w:color="auto" w:fill="D9E2F3"/>'),
    ).join('') +
    '</w:tr>';
  // A table-row loop: `{#activities}` in the first cell and `{/activities}` in the last
  // make docxtemplater repeat the whole row. The comment cell makes one paragraph per
  // comment line with the explicit `{-w:p …}` paragraph loop; it must close before
  // `{/activities}` (docxtemplater refuses loops whose expanded ranges cross).
  const activityRow =
    '<w:tr>' +
    cell(title.width, para([run('{#activities}'), run('{activityTitle}')], { style: 'TableText' })) +
    cell(responsible.width, para(run('{activityResponsible}'), { style: 'TableText' })) +
    cell(status.width, para(run('{activityStatus}'), { style: 'TableText' })) +
    cell(
      comment.width,
      para([run('{-w:p activityComment}'), run('{text}'), run('{/activityComment}'), run('{/activities}')], {
        style: 'TableText',
      }),
    ) +
    '</w:tr>';
  return (
    '<w:tbl>' +
    '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>' +
    '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>' +
    '</w:tblPr>' +
    `<w:tblGrid>${COLUMNS.map((c) => `<w:gridCol w:w="${c.width}"/>`).join('')}</w:tblGrid>` +
    headerRow +
    activityRow +
    '</w:tbl>'
  );
}

// ---------------------------------------------------------------------------------------
// The parts

function documentXml(): string {
  const bold = '<w:b/>';
  const body = [
    para(run('{reportTitle}'), { style: 'Title' }),

    heading(1, run('Förslag till beslut')),
    para(run('{proposalIntro}')),
    ...section('proposals', [para([run('{proposalNumber}'), run('. '), run('{proposalText}')], { style: 'Proposal' })]),

    heading(1, run('Ärendet i korthet')),
    ...paragraphs('summary'),

    ...section('hasConsiderations', [heading(1, run('Förvaltningens övervägande')), ...paragraphs('considerations')]),

    heading(1, [run('{municipalityGenitive}'), run(' vision')]),
    ...paragraphs('vision'),

    ...section('focusAreas', [heading(1, [run('Fokusområde '), run('{focusAreaName}')]), ...paragraphs('focusAreaText')]),

    heading(1, run('Måluppföljning'), '<w:pageBreakBefore/>'),
    // {^hasGoals} … {/hasGoals}: shown only when nothing was reported.
    ...section('hasGoals', [para(run('Inga mål eller aktiviteter har redovisats för perioden.'), { pPr: '' })], true),
    ...section('goals', [
      heading(2, run('{goalHeading}')),
      ...section('isUndefinedGoal', [
        para(run('Målet finns inte i periodens underlag; aktiviteterna nedan hänvisar till det.', '<w:i/>')),
      ]),
      ...section('hasGoalFocusArea', [para([run('Fokusområde: ', bold), run('{goalFocusArea}')])]),
      ...section('hasActivities', [activityTable()]),
      ...section('hasActivities', [para(run('Inga aktiviteter redovisade.', '<w:i/>'))], true),
      para([run('Bedömning: ', bold), run('{goalAssessment}')], { pPr: '<w:spacing w:before="240"/>' }),
      ...section('hasMotivation', [para(run('Motivering', bold), { pPr: '<w:keepNext/>' }), ...paragraphs('motivation')]),
    ]),
  ];

  const sectPr =
    '<w:sectPr>' +
    '<w:headerReference w:type="default" r:id="rIdHeader1"/>' +
    '<w:footerReference w:type="default" r:id="rIdFooter1"/>' +
    '<w:pgSz w:w="11906" w:h="16838"/>' +
    '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/>' +
    '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/>' +
    '</w:sectPr>';

  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>\n` +
    body.join('\n') +
    `\n${sectPr}</w:body></w:document>\n`
  );
}

function headerXml(): string {
  const line = (flag: string, label: string, tag: string): string[] =>
    section(flag, [para([run(label), run(`{${tag}}`)], { style: 'Header' })]);
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:hdr xmlns:w="${W_NS}" xmlns:r="${R_NS}">\n` +
    [
      para(run('{committeeName}', '<w:b/><w:sz w:val="24"/>'), { style: 'Header' }),
      ...line('hasDiarienummer', 'Dnr ', 'diarienummer'),
      ...line('hasDocumentDate', 'Datum ', 'documentDate'),
      ...line('hasMeetingDate', 'Sammanträde ', 'meetingDate'),
    ].join('\n') +
    '\n</w:hdr>\n'
  );
}

function field(instruction: string, placeholder: string): string {
  return (
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' +
    `<w:r><w:instrText xml:space="preserve"> ${instruction} </w:instrText></w:r>` +
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' +
    `<w:r><w:t>${placeholder}</w:t></w:r>` +
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
  );
}

function footerXml(): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:ftr xmlns:w="${W_NS}" xmlns:r="${R_NS}">\n` +
    para(
      [
        run('{municipality}'),
        '<w:r><w:tab/></w:r>',
        run('{periodLabel}'),
        '<w:r><w:tab/></w:r>',
        run('Sida '),
        field('PAGE', '1'),
        run(' av '),
        field('NUMPAGES', '1'),
      ],
      { style: 'Footer' },
    ) +
    '\n</w:ftr>\n'
  );
}

function stylesXml(): string {
  const fonts = (font: string): string =>
    `<w:rFonts w:ascii="${font}" w:hAnsi="${font}" w:eastAsia="${font}" w:cs="${font}"/>`;
  const headingStyle = (level: 1 | 2 | 3, size: number, before: number, extra = ''): string =>
    `<w:style w:type="paragraph" w:styleId="Heading${level}">` +
    `<w:name w:val="heading ${level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>` +
    `<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="${before}" w:after="80"/><w:outlineLvl w:val="${level - 1}"/></w:pPr>` +
    `<w:rPr>${fonts(HEADING_FONT)}<w:b/><w:bCs/>${extra}<w:sz w:val="${size}"/><w:szCs w:val="${size}"/></w:rPr>` +
    '</w:style>';
  const border = (side: string): string => `<w:${side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>`;

  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:styles xmlns:w="${W_NS}">` +
    '<w:docDefaults>' +
    `<w:rPrDefault><w:rPr>${fonts(BODY_FONT)}<w:sz w:val="24"/><w:szCs w:val="24"/>` +
    '<w:lang w:val="sv-SE" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>' +
    '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault>' +
    '</w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>' +
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/>' +
    '<w:pPr><w:spacing w:before="240" w:after="360"/></w:pPr>' +
    `<w:rPr>${fonts(HEADING_FONT)}<w:b/><w:bCs/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>` +
    headingStyle(1, 28, 360) +
    headingStyle(2, 26, 360) +
    headingStyle(3, 24, 240, '<w:i/><w:iCs/>') +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Proposal"><w:name w:val="Beslutsförslag"/><w:basedOn w:val="Normal"/><w:qFormat/>' +
    '<w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr></w:style>' +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Tabelltext"/><w:basedOn w:val="Normal"/><w:qFormat/>' +
    '<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>' +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableHeading"><w:name w:val="Tabellrubrik"/><w:basedOn w:val="TableText"/><w:qFormat/>' +
    `<w:pPr><w:keepNext/></w:pPr><w:rPr>${fonts(HEADING_FONT)}<w:b/><w:bCs/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>' +
    '<w:pPr><w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs><w:spacing w:after="0"/></w:pPr>' +
    `<w:rPr>${fonts(HEADING_FONT)}<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>' +
    '<w:pPr><w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs><w:spacing w:after="0"/></w:pPr>' +
    `<w:rPr>${fonts(HEADING_FONT)}<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>` +
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>' +
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>' +
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>' +
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>' +
    '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>' +
    `<w:tblPr><w:tblBorders>${['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map(border).join('')}</w:tblBorders>` +
    '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>' +
    '</w:tblPr></w:style>' +
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>' +
    '</w:styles>\n'
  );
}

function settingsXml(): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:settings xmlns:w="${W_NS}">` +
    '<w:zoom w:percent="100"/>' +
    '<w:defaultTabStop w:val="1304"/>' +
    '<w:hyphenationZone w:val="425"/>' +
    '<w:characterSpacingControl w:val="doNotCompress"/>' +
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>' +
    '<w:themeFontLang w:val="sv-SE"/>' +
    '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/>' +
    '</w:settings>\n'
  );
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
  '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>' +
  '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>' +
  '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>' +
  '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
  '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
  '</Types>\n';

const PACKAGE_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>' +
  '</Relationships>\n';

const DOCUMENT_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
  '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>' +
  '<Relationship Id="rIdHeader1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>' +
  '<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>' +
  '</Relationships>\n';

const FIXED_DATE = '2024-01-01T00:00:00Z';

// The title is replaced with the report's title when a report is rendered.
const CORE_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
  'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<dc:title>Måluppföljning</dc:title>' +
  '<dc:creator>tertial</dc:creator>' +
  '<dc:language>sv-SE</dc:language>' +
  `<dcterms:created xsi:type="dcterms:W3CDTF">${FIXED_DATE}</dcterms:created>` +
  `<dcterms:modified xsi:type="dcterms:W3CDTF">${FIXED_DATE}</dcterms:modified>` +
  '</cp:coreProperties>\n';

const APP_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ' +
  'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
  '<Application>tertial</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>' +
  '<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>' +
  '<AppVersion>16.0000</AppVersion>' +
  '</Properties>\n';

/** The default template's files, in zip order ([Content_Types].xml first). */
export function defaultTemplateParts(): ReadonlyArray<readonly [string, string]> {
  return [
    ['[Content_Types].xml', CONTENT_TYPES],
    ['_rels/.rels', PACKAGE_RELS],
    ['docProps/core.xml', CORE_XML],
    ['docProps/app.xml', APP_XML],
    ['word/_rels/document.xml.rels', DOCUMENT_RELS],
    ['word/document.xml', documentXml()],
    ['word/styles.xml', stylesXml()],
    ['word/settings.xml', settingsXml()],
    ['word/header1.xml', headerXml()],
    ['word/footer1.xml', footerXml()],
  ];
}

export function buildDefaultTemplate(): Uint8Array {
  const zip = new PizZip();
  const date = new Date(FIXED_DATE);
  for (const [name, content] of defaultTemplateParts()) zip.file(name, content, { date });
  return zip.generate({ type: 'uint8array', compression: 'DEFLATE' });
}

export const DEFAULT_TEMPLATE_PATH = fileURLToPath(new URL('./default.docx', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bytes = buildDefaultTemplate();
  writeFileSync(DEFAULT_TEMPLATE_PATH, bytes);
  console.log(`Wrote ${DEFAULT_TEMPLATE_PATH} (${bytes.length} bytes)`);
}
