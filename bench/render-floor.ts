/**
 * The floor for rendering: the committee document written by hand-coded string
 * concatenation, the same WordprocessingML the default template produces (paragraphs,
 * headings, one table per goal with a row per activity), zipped with node:zlib. No
 * template is read or parsed per render: the template's static parts are unzipped once.
 * It is what any template engine's output costs at the least.
 */
import PizZip from 'pizzip';
import { writeDocxZip, type DocxPart } from '../lambdas/core/docx-zip.js';
import type { ParagraphView, ReportView } from '../lambdas/core/report.js';

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const COLUMNS = [2650, 1450, 1500, 3472] as const;
const HEADERS = ['Aktivitet', 'Ansvarig', 'Status', 'Kommentar'] as const;
/** The light tint behind each status word (the default template's status badge). */
const STATUS_FILL: Readonly<Record<string, string>> = {
  Genomförd: 'E3F1E4',
  Pågående: 'FFF2C7',
  Avbruten: 'FBE3E3',
  'Ej påbörjad': 'EDEDED',
};
const GENERATED = new Set(['word/document.xml', 'word/header1.xml', 'word/footer1.xml', 'docProps/core.xml']);

/** Unzips the template's parts once; the returned function renders a view with them. */
export function floorRenderer(template: Uint8Array): (view: ReportView) => Uint8Array {
  const zip = new PizZip(template);
  const names = Object.keys(zip.files).filter((n) => !zip.files[n]?.dir);
  const ordered = [
    ...names.filter((n) => n === '[Content_Types].xml'),
    ...names.filter((n) => n !== '[Content_Types].xml'),
  ];
  const fixed = new Map(ordered.filter((n) => !GENERATED.has(n)).map((n) => [n, zip.files[n]!.asNodeBuffer()]));
  const coreXml = zip.file('docProps/core.xml')?.asText() ?? '';
  return (view) => {
    const generated: Record<string, string> = {
      'word/document.xml': documentXml(view),
      'word/header1.xml': headerXml(view),
      'word/footer1.xml': footerXml(view),
      'docProps/core.xml': coreXml.replace(
        /<dc:title>[\s\S]*?<\/dc:title>/,
        `<dc:title>${esc(view.reportTitle)}</dc:title>`,
      ),
    };
    const parts: DocxPart[] = ordered.map((name) => ({ name, data: generated[name] ?? (fixed.get(name) as Buffer) }));
    return writeDocxZip(parts);
  };
}

function esc(s: string): string {
  // The view's text is already free of XML-invalid characters where docxtemplater strips them.
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const run = (text: string, rPr = ''): string =>
  `<w:r>${rPr ? `<w:rPr>${rPr}</w:rPr>` : ''}<w:t xml:space="preserve">${esc(text)}</w:t></w:r>`;
const para = (runs: string, style = '', pPr = ''): string => {
  const props = `${style ? `<w:pStyle w:val="${style}"/>` : ''}${pPr}`;
  return `<w:p>${props ? `<w:pPr>${props}</w:pPr>` : ''}${runs}</w:p>`;
};
const paras = (list: readonly ParagraphView[], style = ''): string =>
  list.map((p) => para(run(p.text), style)).join('');
const cell = (width: number, content: string, tcPr = ''): string =>
  `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/>${tcPr}</w:tcPr>${content}</w:tc>`;

function documentXml(v: ReportView): string {
  let out =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}"><w:body>` +
    para(run(v.reportTitle), 'Title') +
    para(run('Förslag till beslut'), 'Heading1') +
    para(run(v.proposalIntro));
  for (const p of v.proposals) out += para(run(p.proposalNumber) + run('. ') + run(p.proposalText), 'Proposal');
  out += para(run('Ärendet i korthet'), 'Heading1') + paras(v.summary);
  if (v.hasConsiderations) out += para(run('Förvaltningens övervägande'), 'Heading1') + paras(v.considerations);
  out += para(run(v.municipalityGenitive) + run(' vision'), 'Heading1') + paras(v.vision);
  for (const f of v.focusAreas)
    out += para(run('Fokusområde ') + run(f.focusAreaName), 'Heading1') + paras(f.focusAreaText);
  out += para(run('Måluppföljning'), 'Heading1', '<w:pageBreakBefore/>');
  if (!v.hasGoals) out += para(run('Inga mål eller aktiviteter har redovisats för perioden.'));
  const headerRow =
    '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>' +
    HEADERS.map((h, i) =>
      cell(COLUMNS[i] as number, para(run(h), 'TableHeading'), '<w:shd w:val="clear" w:color="auto" w:fill="D9E2F3"/>'),
    ).join('') +
    '</w:tr>';
  const tableStart =
    '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>' +
    '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>' +
    `<w:tblGrid>${COLUMNS.map((w) => `<w:gridCol w:w="${w}"/>`).join('')}</w:tblGrid>${headerRow}`;
  for (const g of v.goals) {
    out += para(run(g.goalHeading), 'Heading2');
    if (g.isUndefinedGoal)
      out += para(run('Målet finns inte i periodens underlag; aktiviteterna nedan hänvisar till det.', '<w:i/>'));
    if (g.hasGoalFocusArea) out += para(run('Fokusområde: ', '<w:b/>') + run(g.goalFocusArea));
    if (g.hasActivities) {
      out += tableStart;
      for (const a of g.activities) {
        const badge = `<w:shd w:val="clear" w:color="auto" w:fill="${STATUS_FILL[a.activityStatus] ?? 'EDEDED'}"/>`;
        out +=
          '<w:tr><w:trPr><w:cantSplit/></w:trPr>' +
          cell(COLUMNS[0], para(run(a.activityTitle), 'TableText')) +
          cell(COLUMNS[1], para(run(a.activityResponsible), 'TableText')) +
          cell(COLUMNS[2], para(run(a.activityStatus, badge), 'TableText')) +
          cell(
            COLUMNS[3],
            a.activityComment.length > 0 ? paras(a.activityComment, 'TableText') : para('', 'TableText'),
          ) +
          '</w:tr>';
      }
      out += '</w:tbl>';
    } else {
      out += para(run('Inga aktiviteter redovisade.', '<w:i/>'));
    }
    out += para(run('Bedömning: ', '<w:b/>') + run(g.goalAssessment), '', '<w:spacing w:before="240"/>');
    if (g.hasMotivation) out += para(run('Motivering', '<w:b/>'), '', '<w:keepNext/>') + paras(g.motivation);
  }
  return (
    out +
    '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/><w:footerReference w:type="default" r:id="rIdFooter1"/>' +
    '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/>' +
    '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>\n'
  );
}

function headerXml(v: ReportView): string {
  let out = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr xmlns:w="${W_NS}" xmlns:r="${R_NS}">`;
  out += para(run(v.committeeName, '<w:b/><w:sz w:val="24"/>'), 'Header');
  if (v.hasDiarienummer) out += para(run('Dnr ') + run(v.diarienummer), 'Header');
  if (v.hasDocumentDate) out += para(run('Datum ') + run(v.documentDate), 'Header');
  if (v.hasMeetingDate) out += para(run('Sammanträde ') + run(v.meetingDate), 'Header');
  return `${out}</w:hdr>\n`;
}

function footerXml(v: ReportView): string {
  const field = (instruction: string): string =>
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' +
    `<w:r><w:instrText xml:space="preserve"> ${instruction} </w:instrText></w:r>` +
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>';
  const tab = '<w:r><w:tab/></w:r>';
  return (
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="${W_NS}" xmlns:r="${R_NS}">` +
    para(
      run(v.municipality) +
        tab +
        run(v.periodLabel) +
        tab +
        run('Sida ') +
        field('PAGE') +
        run(' av ') +
        field('NUMPAGES'),
      'Footer',
    ) +
    '</w:ftr>\n'
  );
}
