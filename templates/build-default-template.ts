/**
 * Writes templates/default.docx from handwritten WordprocessingML.
 *
 *   npx tsx templates/build-default-template.ts
 *
 * Generated rather than saved from Word so that the XML stays readable in a diff, every
 * style and table property is stated once in code, and the output is byte-for-byte
 * reproducible. (A template saved from Word works as well: docxtemplater joins a tag that
 * Word split over several runs.) The tags are listed in templates/README.md
 * and defined by lambdas/core/report-tags.ts (REPORT_TAGS).
 *
 * The layout is a municipal tjänsteskrivelse: a letterhead on the first page, the case
 * details (date, case number, the committee, its meeting) at the top of the body where a
 * screen reader reads them (a PDF reader skips page headers), real heading styles in
 * order, tables with a marked header row that repeats on each page, and every status as
 * a word with a symbol, the symbol coloured (never colour alone; contrast at least 4.5:1).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import PizZip from 'pizzip';

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const BODY_FONT = 'Times New Roman';
const HEADING_FONT = 'Arial';
/**
 * For the status symbols: Windows has it, and has every one of them (Arial and Times New
 * Roman lack ◐); LibreOffice on Linux substitutes DejaVu Sans, which has them as well.
 */
const SYMBOL_FONT = 'Segoe UI Symbol';

/** A4 with 25 mm margins: 11906 − 2 × 1417 twips of text width. */
const TEXT_WIDTH = 9072;

interface Column {
  readonly header: string;
  readonly width: number;
}

const ACTIVITY_COLUMNS: readonly Column[] = [
  { header: 'Aktivitet', width: 2650 },
  { header: 'Ansvarig', width: 1450 },
  { header: 'Status', width: 1500 },
  { header: 'Kommentar', width: TEXT_WIDTH - 2650 - 1450 - 1500 },
];

/** With a comparison, a column says what changed; the comment gives up the room. */
const ACTIVITY_COLUMNS_COMPARED: readonly Column[] = [
  { header: 'Aktivitet', width: 2200 },
  { header: 'Ansvarig', width: 1500 },
  { header: 'Status', width: 1400 },
  { header: 'Förändring', width: 1450 },
  { header: 'Kommentar', width: TEXT_WIDTH - 2200 - 1500 - 1400 - 1450 },
];

const SUMMARY_WIDTHS = [2900, 2000] as const;
const CHANGE_COLUMNS: readonly Column[] = [
  { header: 'Mål', width: 2900 },
  { header: 'Avser', width: 3400 },
  { header: 'Förändring', width: TEXT_WIDTH - 2900 - 3400 },
];

/** Light blue-grey behind table headers; black on it is 16:1. */
const TABLE_HEADER_FILL = 'D9E2F3';

/**
 * The traffic-light colours of the status symbols, dark enough for 4.5:1 against white
 * and against their light badge fill (WCAG 1.4.3 and 1.4.11). The flags come from the
 * view (`isGreen` …); the word is always beside the symbol.
 */
const TONES = [
  { flag: 'isGreen', color: '1E6B30', fill: 'E3F1E4' },
  { flag: 'isYellow', color: '8A5A00', fill: 'FFF2C7' },
  { flag: 'isRed', color: 'B71C1C', fill: 'FBE3E3' },
  { flag: 'isGrey', color: '595959', fill: 'EDEDED' },
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

/**
 * The status word with the item's `{symbol}` before it in its traffic-light colour: four
 * inline conditions, of which the view sets exactly one. `badge` shades the word (and the
 * symbol) in the light tint of that colour; `symbol: false` leaves the symbol out, for the
 * narrow status column, where the word on its tint is the status (colour is never alone).
 */
function statusRuns(wordTag: string, opts: { badge?: boolean; symbol?: boolean } = {}): string[] {
  return TONES.flatMap(({ flag, color, fill }) => {
    const shade = opts.badge ? `<w:shd w:val="clear" w:color="auto" w:fill="${fill}"/>` : '';
    const symbol =
      opts.symbol === false
        ? []
        : [
            run(
              '{symbol}',
              `<w:rFonts w:ascii="${SYMBOL_FONT}" w:hAnsi="${SYMBOL_FONT}" w:cs="${SYMBOL_FONT}"/><w:color w:val="${color}"/>${shade}`,
            ),
            run('\u00a0', shade),
          ];
    return [run(`{#${flag}}`), ...symbol, run(`{${wordTag}}`, shade), run(`{/${flag}}`)];
  });
}

function cell(width: number, content: string, tcPr = ''): string {
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${tcPr}</w:tcPr>${content}</w:tc>`;
}

const HEADER_CELL = `<w:shd w:val="clear" w:color="auto" w:fill="${TABLE_HEADER_FILL}"/>`;

/** The header row: marked as such (`tblHeader`), so it repeats on each page and assistive technology reads it as headers. */
function headerRow(columns: readonly Column[]): string {
  return (
    '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' +
    columns.map((c) => cell(c.width, para(run(c.header), { style: 'TableHeading' }), HEADER_CELL)).join('') +
    '</w:tr>'
  );
}

/** A data table: full width or the given width, grid style, first row the header, with a caption for assistive technology. */
function table(columns: readonly Column[], rows: readonly string[], caption: string, width?: number): string {
  const tblW = width ? `<w:tblW w:w="${width}" w:type="dxa"/>` : '<w:tblW w:w="5000" w:type="pct"/>';
  return (
    '<w:tbl>' +
    `<w:tblPr><w:tblStyle w:val="TableGrid"/>${tblW}` +
    '<w:tblLayout w:type="fixed"/>' +
    '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>' +
    `<w:tblCaption w:val="${esc(caption)}"/>` +
    '</w:tblPr>' +
    `<w:tblGrid>${columns.map((c) => `<w:gridCol w:w="${c.width}"/>`).join('')}</w:tblGrid>` +
    headerRow(columns) +
    rows.join('') +
    '</w:tbl>'
  );
}

function activityTable(compared: boolean): string {
  const columns = compared ? ACTIVITY_COLUMNS_COMPARED : ACTIVITY_COLUMNS;
  const w = (header: string): number => columns.find((c) => c.header === header)?.width ?? 0;
  // A table-row loop: `{#activities}` in the first cell and `{/activities}` in the last
  // make docxtemplater repeat the whole row. The comment cell makes one paragraph per
  // comment line with the explicit `{-w:p …}` paragraph loop; it must close before
  // `{/activities}` (docxtemplater refuses loops whose expanded ranges cross).
  const cells = [
    cell(w('Aktivitet'), para([run('{#activities}'), run('{activityTitle}')], { style: 'TableText' })),
    cell(w('Ansvarig'), para(run('{activityResponsible}'), { style: 'TableText' })),
    cell(w('Status'), para(statusRuns('activityStatus', { badge: true, symbol: false }), { style: 'TableText' })),
    ...(compared ? [cell(w('Förändring'), para(run('{activityChange}'), { style: 'TableText' }))] : []),
    cell(
      w('Kommentar'),
      para([run('{-w:p activityComment}'), run('{text}'), run('{/activityComment}'), run('{/activities}')], {
        style: 'TableText',
      }),
    ),
  ];
  return table(
    columns,
    [`<w:tr><w:trPr><w:cantSplit/></w:trPr>${cells.join('')}</w:tr>`],
    'Aktiviteter under målet, med status och kommentar',
  );
}

/** Counts per assessment or status: one row per item of `list`, then the total. */
function summaryTable(
  list: string,
  labelHeader: string,
  countHeader: string,
  totalTag: string,
  caption: string,
): string {
  const [labelWidth, countWidth] = SUMMARY_WIDTHS;
  const right = '<w:jc w:val="right"/>';
  const columns = [
    { header: labelHeader, width: labelWidth },
    { header: countHeader, width: countWidth },
  ];
  const itemRow =
    '<w:tr><w:trPr><w:cantSplit/></w:trPr>' +
    cell(labelWidth, para([run(`{#${list}}`), ...statusRuns('label')], { style: 'TableText' })) +
    cell(countWidth, para([run('{count}'), run(`{/${list}}`)], { style: 'TableText', pPr: right })) +
    '</w:tr>';
  const totalRow =
    '<w:tr><w:trPr><w:cantSplit/></w:trPr>' +
    cell(labelWidth, para(run('Totalt', '<w:b/>'), { style: 'TableText' })) +
    cell(countWidth, para(run(`{${totalTag}}`, '<w:b/>'), { style: 'TableText', pPr: right })) +
    '</w:tr>';
  return table(columns, [itemRow, totalRow], caption, labelWidth + countWidth);
}

function changesTable(): string {
  const [goal, subject, change] = CHANGE_COLUMNS as [Column, Column, Column];
  const row =
    '<w:tr><w:trPr><w:cantSplit/></w:trPr>' +
    cell(goal.width, para([run('{#changes}'), run('{changeGoal}')], { style: 'TableText' })) +
    cell(subject.width, para(run('{changeSubject}'), { style: 'TableText' })) +
    cell(change.width, para([run('{changeText}'), run('{/changes}')], { style: 'TableText' })) +
    '</w:tr>';
  return table(CHANGE_COLUMNS, [row], 'Förändringar sedan föregående tertial');
}

/** An empty paragraph: keeps two tables apart (Word joins adjacent tables into one). */
function gap(): string {
  return para([], { pPr: '<w:spacing w:after="0"/><w:rPr><w:sz w:val="12"/></w:rPr>' });
}

// ---------------------------------------------------------------------------------------
// The parts

function documentXml(): string {
  const bold = '<w:b/>';
  const italic = '<w:i/><w:iCs/>';
  const body = [
    // The case details, at the top of the first page where the reference layout has them,
    // in the body rather than the page header so that they are part of the read text.
    ...section('hasDocumentDate', [para([run('Datum '), run('{documentDate}')], { style: 'CaseDetails' })]),
    ...section('hasDiarienummer', [para([run('Dnr '), run('{diarienummer}')], { style: 'CaseDetails' })]),
    para(run('{committeeName}'), { style: 'Addressee' }),
    ...section('hasMeetingDate', [para([run('Sammanträde '), run('{meetingDate}')], { style: 'MeetingDetails' })]),

    para(run('{reportTitle}'), { style: 'Title' }),
    ...section('isDraft', [para(run('{draftNotice}', '<w:b/><w:color w:val="C00000"/>'))]),

    heading(1, run('Förslag till beslut')),
    // Not hyphenated: the chain ends "besluta att" (joined by a no-break space), which then
    // moves to the next line whole rather than as "beslu-" / "ta att".
    para(run('{proposalIntro}'), { pPr: '<w:suppressAutoHyphens/>' }),
    ...section('proposals', [para([run('{proposalNumber}'), run('. '), run('{proposalText}')], { style: 'Proposal' })]),

    heading(1, run('Ärendet i korthet')),
    ...paragraphs('summary'),
    // Status at a glance, on the first page: goals per assessment, activities per status.
    ...section('hasGoals', [
      heading(2, run('Måluppfyllelse i sammandrag')),
      summaryTable('assessmentSummary', 'Bedömning', 'Antal mål', 'goalTotal', 'Antal mål per bedömning'),
      gap(),
      summaryTable('statusSummary', 'Status', 'Antal aktiviteter', 'activityTotal', 'Antal aktiviteter per status'),
    ]),

    ...section('hasConsiderations', [heading(1, run('Förvaltningens övervägande')), ...paragraphs('considerations')]),

    heading(1, [run('{municipalityGenitive}'), run(' vision')]),
    ...paragraphs('vision'),

    ...section('focusAreas', [
      heading(1, [run('Fokusområde '), run('{focusAreaName}')]),
      ...paragraphs('focusAreaText'),
    ]),

    // No hard page break: headings keep with what follows (keepNext in their styles), and a
    // table's header row with its first row, so nothing is left half a page from its text.
    heading(1, run('Måluppföljning')),
    // {^hasGoals} … {/hasGoals}: shown only when nothing was reported.
    ...section('hasGoals', [para(run('Inga mål eller aktiviteter har redovisats för perioden.'))], true),
    // What changed since the previous tertial, when that tertial is closed.
    ...section('hasComparison', [
      heading(2, [run('Förändringar sedan tertial '), run('{previousTertial}')]),
      ...section('hasChanges', [
        para([
          run('Jämfört med den stängda rapporten för tertial '),
          run('{previousTertial}'),
          run(' '),
          run('{year}'),
          run(' har följande ändrats.'),
        ]),
        changesTable(),
      ]),
      ...section(
        'hasChanges',
        [
          para([
            run('Inget har ändrats sedan tertial '),
            run('{previousTertial}'),
            run(': samma mål, aktiviteter, status och bedömningar.'),
          ]),
        ],
        true,
      ),
    ]),
    ...section('goals', [
      heading(2, run('{goalHeading}')),
      ...section('isUndefinedGoal', [
        para(run('Målet finns inte i periodens underlag; aktiviteterna nedan hänvisar till det.', italic)),
      ]),
      ...section('isNewGoal', [
        para([run('Nytt mål sedan tertial ', italic), run('{previousTertial}', italic), run('.', italic)]),
      ]),
      ...section('hasGoalFocusArea', [para([run('Fokusområde: ', bold), run('{goalFocusArea}')])]),
      ...section('hasActivities', [
        ...section('hasComparison', [activityTable(true)]),
        ...section('hasComparison', [activityTable(false)], true),
      ]),
      ...section('hasActivities', [para(run('Inga aktiviteter redovisade.', italic))], true),
      para([run('Bedömning: ', bold), ...statusRuns('goalAssessment', { badge: true })], {
        pPr: '<w:keepNext/><w:spacing w:before="240"/>',
      }),
      ...section('goalAssessmentChanged', [
        para([
          run('Bedömningen har ändrats sedan tertial ', italic),
          run('{previousTertial}', italic),
          run(', då den var ', italic),
          run('{previousGoalAssessment}', italic),
          run('.', italic),
        ]),
      ]),
      ...section('hasMotivation', [heading(3, run('Motivering')), ...paragraphs('motivation')]),
    ]),
  ];

  const sectPr =
    '<w:sectPr>' +
    '<w:headerReference w:type="default" r:id="rIdHeader1"/>' +
    '<w:headerReference w:type="first" r:id="rIdHeader2"/>' +
    '<w:footerReference w:type="default" r:id="rIdFooter1"/>' +
    '<w:footerReference w:type="first" r:id="rIdFooter1"/>' +
    '<w:pgSz w:w="11906" w:h="16838"/>' +
    '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="567" w:footer="567" w:gutter="0"/>' +
    '<w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/>' +
    '</w:sectPr>';

  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>\n` +
    body.join('\n') +
    `\n${sectPr}</w:body></w:document>\n`
  );
}

function headerPart(paragraphsXml: readonly string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:hdr xmlns:w="${W_NS}" xmlns:r="${R_NS}">\n` +
    paragraphsXml.join('\n') +
    '\n</w:hdr>\n'
  );
}

const RULE_BELOW = '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" w:color="808080"/></w:pBdr>';

/** Pages after the first: the committee and the case number, above a thin rule. */
function headerXml(): string {
  return headerPart([
    para(
      [
        run('{committeeName}', '<w:b/>'),
        '<w:r><w:tab/></w:r>',
        run('{#hasDiarienummer}'),
        run('Dnr '),
        run('{diarienummer}'),
        run('{/hasDiarienummer}'),
      ],
      { style: 'Header', pPr: RULE_BELOW },
    ),
  ]);
}

/** The first page's letterhead: the municipality, the kind of document, the administration. */
function firstPageHeaderXml(): string {
  return headerPart([
    para(
      [run('{municipality}'), '<w:r><w:tab/></w:r>', run('TJÄNSTESKRIVELSE', '<w:sz w:val="20"/><w:szCs w:val="20"/>')],
      {
        style: 'Letterhead',
      },
    ),
    para(run('{administration}'), { style: 'Header', pPr: RULE_BELOW }),
  ]);
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
      { style: 'Footer', pPr: '<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="808080"/></w:pBdr>' },
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
  const rightTab = '<w:tabs><w:tab w:val="right" w:pos="9072"/></w:tabs>';
  const tabs = '<w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs>';

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
    '<w:pPr><w:spacing w:before="360" w:after="240" w:line="240" w:lineRule="auto"/></w:pPr>' +
    `<w:rPr>${fonts(HEADING_FONT)}<w:b/><w:bCs/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>` +
    headingStyle(1, 28, 360) +
    headingStyle(2, 24, 280) +
    headingStyle(3, 22, 200) +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Proposal"><w:name w:val="Beslutsförslag"/><w:basedOn w:val="Normal"/><w:qFormat/>' +
    '<w:pPr><w:ind w:left="567" w:hanging="283"/></w:pPr></w:style>' +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="CaseDetails"><w:name w:val="Ärendeuppgifter"/><w:basedOn w:val="Normal"/><w:qFormat/>' +
    `<w:pPr><w:spacing w:after="0"/><w:ind w:left="5670"/></w:pPr><w:rPr>${fonts(HEADING_FONT)}<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Addressee"><w:name w:val="Mottagare"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>' +
    `<w:pPr><w:spacing w:before="240" w:after="0"/></w:pPr><w:rPr>${fonts(HEADING_FONT)}<w:b/><w:bCs/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="MeetingDetails"><w:name w:val="Sammanträde"/><w:basedOn w:val="CaseDetails"/><w:qFormat/>' +
    '<w:pPr><w:ind w:left="0"/></w:pPr></w:style>' +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Tabelltext"/><w:basedOn w:val="Normal"/><w:qFormat/>' +
    '<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>' +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableHeading"><w:name w:val="Tabellrubrik"/><w:basedOn w:val="TableText"/><w:qFormat/>' +
    `<w:pPr><w:keepNext/></w:pPr><w:rPr>${fonts(HEADING_FONT)}<w:b/><w:bCs/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Letterhead"><w:name w:val="Brevhuvud"/><w:basedOn w:val="Header"/>' +
    `<w:pPr><w:spacing w:after="40"/></w:pPr><w:rPr>${fonts(HEADING_FONT)}<w:b/><w:bCs/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>' +
    `<w:pPr>${rightTab}<w:spacing w:after="0"/></w:pPr>` +
    `<w:rPr>${fonts(HEADING_FONT)}<w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
    '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>' +
    `<w:pPr>${tabs}<w:spacing w:after="0"/></w:pPr>` +
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
    // Hyphenate as LibreOffice does with hyphen-sv (sv-SE is the default language), so a long
    // Swedish title in a narrow column breaks at a syllable with a hyphen, never mid-letter.
    '<w:autoHyphenation/>' +
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
  '<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>' +
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
  '<Relationship Id="rIdHeader2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>' +
  '<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>' +
  '</Relationships>\n';

const FIXED_DATE = '2024-01-01T00:00:00Z';

/**
 * The file's properties, filled like the body: title, subject, author (the administration)
 * and language are what accessibility checkers and PDF readers show. The renderer also sets
 * the title for templates that lack the tag.
 */
const CORE_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
  'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<dc:title>{reportTitle}</dc:title>' +
  '<dc:subject>{reportSubject}</dc:subject>' +
  '<dc:creator>{administration}, {municipality}</dc:creator>' +
  '<cp:keywords>måluppföljning; tertialrapport; {committeeName}</cp:keywords>' +
  '<dc:language>sv-SE</dc:language>' +
  `<dcterms:created xsi:type="dcterms:W3CDTF">${FIXED_DATE}</dcterms:created>` +
  `<dcterms:modified xsi:type="dcterms:W3CDTF">${FIXED_DATE}</dcterms:modified>` +
  '</cp:coreProperties>\n';

const APP_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ' +
  'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
  '<Application>tertial</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>' +
  '<Company>{municipality}</Company>' +
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
    ['word/header2.xml', firstPageHeaderXml()],
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
