/**
 * Writes a small SpreadsheetML package (.xlsx) with the features the staff workbook
 * uses (workbook.ts): text cells in shared strings, cell styles (font, solid fill, a
 * bottom border, alignment), column widths and styles, row heights and hidden rows, a
 * frozen header row, an auto-filter, data validations and defined names. Nothing else:
 * no numbers, dates, formulas, merged cells or themes.
 *
 * Why not a spreadsheet library: exceljs, with jszip, bluebird and its streams, was more
 * than half of the views function's bundle (about 1,100 KiB of 2,185), all of it for
 * this one workbook. The package is written with the project's own zip writer
 * (docx-zip.ts).
 *
 * Pure: values in, bytes out.
 */
import { writeDocxZip, type DocxPart } from './docx-zip.js';
import { cleanText, columnLetter } from './parse/text.js';
import { escapeXml } from './parse/xml.js';

export interface XlsxFont {
  readonly bold?: boolean;
  readonly italic?: boolean;
  readonly size: number;
  readonly name: string;
  /** ARGB, e.g. `FFFFFFFF`. */
  readonly color?: string;
}

export interface XlsxStyle {
  readonly font?: XlsxFont;
  /** ARGB of a solid fill. */
  readonly fill?: string;
  /** A medium bottom border in this ARGB colour. */
  readonly bottomBorder?: string;
  readonly alignment?: { readonly wrapText?: boolean; readonly vertical?: 'top' | 'center' | 'bottom' };
}

export interface XlsxCell {
  readonly text: string;
  readonly style?: XlsxStyle;
}

export interface XlsxRow {
  /** Points; the row keeps it (`customHeight`), as neither Excel nor LibreOffice fits rows on opening. */
  readonly height?: number;
  readonly hidden?: boolean;
  /** By column, 0-based; a hole is an empty cell. */
  readonly cells: readonly (XlsxCell | undefined)[];
}

export interface XlsxValidation {
  /** E.g. `D2:D20001`. */
  readonly range: string;
  readonly type: 'list' | 'custom';
  readonly formula: string;
  readonly promptTitle: string;
  readonly prompt: string;
  readonly errorStyle: 'stop' | 'warning';
  readonly errorTitle: string;
  readonly error: string;
}

export interface XlsxSheet {
  readonly name: string;
  /** Widths in characters, with each column's default style, by column from A. */
  readonly columns: readonly { readonly width: number; readonly style?: XlsxStyle }[];
  /** By row, 0-based (index 0 is row 1); a hole is an empty row. */
  readonly rows: readonly (XlsxRow | undefined)[];
  /** Freezes row 1 above the rest. */
  readonly frozenHeader?: boolean;
  /** E.g. `A1:F1`. */
  readonly autoFilter?: string;
  readonly validations?: readonly XlsxValidation[];
}

export interface XlsxWorkbook {
  readonly creator: string;
  readonly title: string;
  readonly sheets: readonly XlsxSheet[];
  /** Workbook-scoped names of one cell: `{ name, sheet, ref: 'A19' }`. */
  readonly definedNames?: readonly { readonly name: string; readonly sheet: string; readonly ref: string }[];
  /** Stored in the package's core properties; default: now. */
  readonly created?: Date;
}

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT_BASE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** The font of a cell without a style of its own. */
const DEFAULT_FONT: XlsxFont = { name: 'Calibri', size: 11 };

/** Text as XML character data or an attribute value: the characters XML 1.0 cannot carry dropped, the rest escaped. */
function xmlText(text: string): string {
  return escapeXml(cleanText(text));
}

/** Collects the distinct fonts, fills, borders and cell formats of `styles.xml`; index 0 of each is the default. */
class StyleTable {
  private readonly fonts: string[] = [fontXml(DEFAULT_FONT)];
  // Index 1 is the gray125 pattern Excel expects in every package.
  private readonly fills: string[] = [
    '<fill><patternFill patternType="none"/></fill>',
    '<fill><patternFill patternType="gray125"/></fill>',
  ];
  private readonly borders: string[] = ['<border><left/><right/><top/><bottom/><diagonal/></border>'];
  private readonly xfs: string[] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];
  private readonly byStyle = new Map<XlsxStyle, number>();

  /** The cell format index (`s`) of the style; 0 for none. */
  index(style: XlsxStyle | undefined): number {
    if (!style) return 0;
    const known = this.byStyle.get(style);
    if (known !== undefined) return known;
    const fontId = style.font ? intern(this.fonts, fontXml(style.font)) : 0;
    const fillId = style.fill
      ? intern(this.fills, `<fill><patternFill patternType="solid"><fgColor rgb="${style.fill}"/></patternFill></fill>`)
      : 0;
    const borderId = style.bottomBorder
      ? intern(
          this.borders,
          `<border><left/><right/><top/><bottom style="medium"><color rgb="${style.bottomBorder}"/></bottom><diagonal/></border>`,
        )
      : 0;
    const a = style.alignment;
    const alignment = a
      ? `<alignment${a.vertical ? ` vertical="${a.vertical}"` : ''}${a.wrapText ? ' wrapText="1"' : ''}/>`
      : '';
    const applied =
      (fontId ? ' applyFont="1"' : '') +
      (fillId ? ' applyFill="1"' : '') +
      (borderId ? ' applyBorder="1"' : '') +
      (alignment ? ' applyAlignment="1"' : '');
    const xf = `<xf numFmtId="0" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"${applied}${alignment ? `>${alignment}</xf>` : '/>'}`;
    const index = intern(this.xfs, xf);
    this.byStyle.set(style, index);
    return index;
  }

  xml(): string {
    const list = (tag: string, items: readonly string[]) =>
      `<${tag} count="${items.length}">${items.join('')}</${tag}>`;
    return (
      XML_DECL +
      `<styleSheet xmlns="${NS_MAIN}">` +
      list('fonts', this.fonts) +
      list('fills', this.fills) +
      list('borders', this.borders) +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      list('cellXfs', this.xfs) +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '<dxfs count="0"/><tableStyles count="0"/>' +
      '</styleSheet>'
    );
  }
}

function intern(list: string[], xml: string): number {
  const at = list.indexOf(xml);
  if (at >= 0) return at;
  list.push(xml);
  return list.length - 1;
}

function fontXml(font: XlsxFont): string {
  return (
    '<font>' +
    (font.bold ? '<b/>' : '') +
    (font.italic ? '<i/>' : '') +
    `<sz val="${font.size}"/>` +
    (font.color ? `<color rgb="${font.color}"/>` : '') +
    `<name val="${xmlText(font.name)}"/><family val="2"/>` +
    '</font>'
  );
}

/** The shared strings part: each distinct text once. */
class SharedStrings {
  private readonly texts: string[] = [];
  private readonly index = new Map<string, number>();
  private count = 0;

  add(text: string): number {
    this.count++;
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.texts.push(text) - 1;
      this.index.set(text, i);
    }
    return i;
  }

  xml(): string {
    const items = this.texts.map((t) => {
      // Leading or trailing white space, or a line break, is kept only when asked for.
      const preserve = /^\s|\s$|\n/.test(t) ? ' xml:space="preserve"' : '';
      return `<si><t${preserve}>${xmlText(t)}</t></si>`;
    });
    return (
      XML_DECL +
      `<sst xmlns="${NS_MAIN}" count="${this.count}" uniqueCount="${this.texts.length}">${items.join('')}</sst>`
    );
  }
}

function sheetXml(sheet: XlsxSheet, styles: StyleTable, strings: SharedStrings): string {
  let lastRow = 0;
  let lastColumn = sheet.columns.length;
  const rows: string[] = [];
  sheet.rows.forEach((row, r) => {
    if (!row) return;
    const cells: string[] = [];
    row.cells.forEach((cell, c) => {
      if (!cell) return;
      const ref = `${columnLetter(c)}${r + 1}`;
      const s = styles.index(cell.style ?? sheet.columns[c]?.style);
      cells.push(`<c r="${ref}"${s ? ` s="${s}"` : ''} t="s"><v>${strings.add(cell.text)}</v></c>`);
      lastColumn = Math.max(lastColumn, c + 1);
    });
    const attrs =
      (row.height !== undefined ? ` ht="${row.height}" customHeight="1"` : '') + (row.hidden ? ' hidden="1"' : '');
    rows.push(`<row r="${r + 1}"${attrs}>${cells.join('')}</row>`);
    lastRow = r + 1;
  });
  const dimension = `A1:${columnLetter(Math.max(lastColumn, 1) - 1)}${Math.max(lastRow, 1)}`;
  const views = sheet.frozenHeader
    ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    : '<sheetViews><sheetView workbookViewId="0"/></sheetViews>';
  const cols = sheet.columns.length
    ? `<cols>${sheet.columns
        .map((col, i) => {
          const s = styles.index(col.style);
          return `<col min="${i + 1}" max="${i + 1}" width="${col.width}"${s ? ` style="${s}"` : ''} customWidth="1"/>`;
        })
        .join('')}</cols>`
    : '';
  const validations = sheet.validations?.length
    ? `<dataValidations count="${sheet.validations.length}">${sheet.validations
        .map(
          (v) =>
            `<dataValidation type="${v.type}" allowBlank="1" showInputMessage="1" promptTitle="${xmlText(v.promptTitle)}"` +
            ` prompt="${xmlText(v.prompt)}" showErrorMessage="1" errorStyle="${v.errorStyle}"` +
            ` errorTitle="${xmlText(v.errorTitle)}" error="${xmlText(v.error)}" sqref="${v.range}">` +
            `<formula1>${xmlText(v.formula)}</formula1></dataValidation>`,
        )
        .join('')}</dataValidations>`
    : '';
  // The element order is the schema's (CT_Worksheet is a sequence).
  return (
    XML_DECL +
    `<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<dimension ref="${dimension}"/>` +
    views +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    cols +
    `<sheetData>${rows.join('')}</sheetData>` +
    (sheet.autoFilter ? `<autoFilter ref="${sheet.autoFilter}"/>` : '') +
    validations +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
    '</worksheet>'
  );
}

/** A sheet name in a formula: quoted (`'Blad 1'!`) unless it is letters only (which no cell reference is). */
function sheetRef(name: string): string {
  return /^\p{L}+$/u.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

function absolute(ref: string): string {
  const m = /^([A-Z]+)(\d+)$/.exec(ref);
  if (!m) throw new RangeError(`not a cell reference: ${ref}`);
  return `$${m[1]}$${m[2]}`;
}

/** The workbook as .xlsx bytes. */
export function writeXlsx(workbook: XlsxWorkbook): Uint8Array {
  const styles = new StyleTable();
  const strings = new SharedStrings();
  const sheets = workbook.sheets.map((sheet) => sheetXml(sheet, styles, strings));
  const n = workbook.sheets.length;
  const sheetRel = (i: number) => `rId${i + 3}`;

  const contentTypes =
    XML_DECL +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${CT_BASE}.sheet.main+xml"/>` +
    workbook.sheets
      .map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${CT_BASE}.worksheet+xml"/>`)
      .join('') +
    `<Override PartName="/xl/styles.xml" ContentType="${CT_BASE}.styles+xml"/>` +
    `<Override PartName="/xl/sharedStrings.xml" ContentType="${CT_BASE}.sharedStrings+xml"/>` +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
    '</Types>';
  const rootRels =
    XML_DECL +
    `<Relationships xmlns="${NS_PKG_REL}">` +
    `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>` +
    `<Relationship Id="rId2" Type="${NS_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>` +
    `<Relationship Id="rId3" Type="${NS_REL}/extended-properties" Target="docProps/app.xml"/>` +
    '</Relationships>';
  const workbookRels =
    XML_DECL +
    `<Relationships xmlns="${NS_PKG_REL}">` +
    `<Relationship Id="rId1" Type="${NS_REL}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId2" Type="${NS_REL}/sharedStrings" Target="sharedStrings.xml"/>` +
    workbook.sheets
      .map(
        (_, i) =>
          `<Relationship Id="${sheetRel(i)}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
      )
      .join('') +
    '</Relationships>';
  const definedNames = workbook.definedNames?.length
    ? `<definedNames>${workbook.definedNames
        .map(
          (d) =>
            `<definedName name="${xmlText(d.name)}">${xmlText(`${sheetRef(d.sheet)}!${absolute(d.ref)}`)}</definedName>`,
        )
        .join('')}</definedNames>`
    : '';
  const workbookXml =
    XML_DECL +
    `<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="20000" windowHeight="12000" activeTab="0"/></bookViews>' +
    `<sheets>${workbook.sheets
      .map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}" r:id="${sheetRel(i)}"/>`)
      .join('')}</sheets>` +
    definedNames +
    '</workbook>';
  const created = (workbook.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const core =
    XML_DECL +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"' +
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"' +
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xmlText(workbook.title)}</dc:title><dc:creator>${xmlText(workbook.creator)}</dc:creator>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created>` +
    `<dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified>` +
    '</cp:coreProperties>';
  const app =
    XML_DECL +
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"' +
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">' +
    `<Application>${xmlText(workbook.creator)}</Application>` +
    `<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${n}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${n}" baseType="lpstr">${workbook.sheets
      .map((s) => `<vt:lpstr>${xmlText(s.name)}</vt:lpstr>`)
      .join('')}</vt:vector></TitlesOfParts>` +
    '</Properties>';

  const parts: DocxPart[] = [
    { name: '[Content_Types].xml', data: contentTypes },
    { name: '_rels/.rels', data: rootRels },
    { name: 'docProps/core.xml', data: core },
    { name: 'docProps/app.xml', data: app },
    { name: 'xl/workbook.xml', data: workbookXml },
    { name: 'xl/_rels/workbook.xml.rels', data: workbookRels },
    ...sheets.map((data, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data })),
    { name: 'xl/styles.xml', data: styles.xml() },
    { name: 'xl/sharedStrings.xml', data: strings.xml() },
  ];
  return writeDocxZip(parts);
}
