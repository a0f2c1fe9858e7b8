/**
 * What an edited template lost that the default template has, found in an accepted
 * template's main part: warnings on its receipt, not refusals, because the template still
 * renders a complete document; what is lost is what a screen reader and a tagged PDF need.
 *
 * 1. `missing_table_caption`: a table that repeats a list (`{#activities}`, `{#changes}`,
 *    …) has no caption (`w:tblPr/w:tblCaption` with a value). Every such table in the
 *    default has one; LibreOffice drops them all when it saves a .docx, and a screen reader
 *    announces the caption before the table.
 * 2. `missing_header_row`: such a table's first row holds no loop tag (so it is the column
 *    titles, as in the default) but is not marked as a header row (`w:trPr/w:tblHeader`): it
 *    no longer repeats on each page, and a screen reader does not read a cell's column title.
 *    Tables without a list loop (a signature block, a layout table) are left alone: the
 *    default has none, and a first row there may be anything.
 * 3. `missing_heading_style`: a paragraph outside tables that is a heading by what it
 *    says or how it looks, but has no heading style (see {@link isHeadingLike}).
 *
 * Read with regular expressions over the part's tags, as the package check reads its XML,
 * and only the `w:` prefix (the one Word and LibreOffice write); something this does not
 * recognise is simply not warned about. Content of `mc:Fallback` (a copy of what its
 * `mc:Choice` holds) and of text boxes (`w:txbxContent`, laid out apart from the text) is
 * skipped. Pure, never throws.
 */
import type { InputIssue } from './domain.js';
import { LIST_TAGS } from './report-tags.js';
import { attributes, decodeEntities, relatedPart, type TemplatePackage } from './template-package.js';

/**
 * The default template's headings (templates/build-default-template.ts), by their text,
 * with their level (0 for the title). A paragraph that says exactly this is that heading,
 * however it is formatted; test/unit/template-warnings.test.ts holds this list to the
 * default's headings.
 */
export const DEFAULT_HEADINGS: ReadonlyMap<string, number> = new Map([
  ['{reportTitle}', 0],
  ['Förslag till beslut', 1],
  ['Ärendet i korthet', 1],
  ['Måluppfyllelse i sammandrag', 2],
  ['Förvaltningens övervägande', 1],
  ['{municipalityGenitive} vision', 1],
  ['Fokusområde {focusAreaName}', 1],
  ['Måluppföljning', 1],
  ['Förändringar sedan tertial {previousTertial}', 2],
  ['{goalHeading}', 2],
  ['Motivering', 3],
]);

/**
 * The default template's table captions, by the list its table repeats; the receipt
 * suggests the default's caption. Held to the default by the same test.
 */
export const DEFAULT_TABLE_CAPTIONS: ReadonlyMap<string, string> = new Map([
  ['assessmentSummary', 'Antal mål per bedömning'],
  ['statusSummary', 'Antal aktiviteter per status'],
  ['changes', 'Förändringar sedan föregående tertial'],
  ['activities', 'Aktiviteter under målet, med status och kommentar'],
]);

/** Longest paragraph taken for a heading by its looks: a heading is a line, not a sentence. */
export const MAX_HEADING_LIKE_CHARS = 80;
/** Direct size that makes a bold paragraph with a tag a heading: 14 pt (Heading 1's), above the body's 12 pt. */
export const HEADING_LIKE_MIN_HALF_POINTS = 28;

interface Run {
  text: string;
  bold: boolean;
  /** Direct size in half-points. */
  size?: number;
}

interface Paragraph {
  style?: string;
  /** Direct outline level (`w:pPr/w:outlineLvl`). */
  outline?: number;
  readonly runs: Run[];
  readonly inTable: boolean;
}

interface Row {
  header: boolean;
  /** Each cell's text. */
  readonly cells: string[];
}

interface Table {
  /** 1-based, in document order (a table inside a table counts). */
  readonly index: number;
  /** The last heading before the table, as its text. */
  readonly heading?: string;
  caption: boolean;
  readonly rows: Row[];
}

interface Style {
  readonly name?: string;
  readonly basedOn?: string;
  readonly outline?: number;
}

/** What the template lost against the default, in document order. */
export function templateWarnings(pkg: TemplatePackage, file: string): InputIssue[] {
  const decoder = new TextDecoder('utf-8');
  const main = pkg.parts.get(pkg.mainPart);
  if (main === undefined) return [];
  const stylesName = relatedPart(pkg, pkg.mainPart, 'styles');
  const stylesPart = stylesName === undefined ? undefined : pkg.parts.get(stylesName);
  const styles = paragraphStyles(stylesPart === undefined ? '' : decoder.decode(stylesPart));
  return scan(decoder.decode(main), styles, file);
}

/**
 * An element's attributes: never across a `<` (XML allows none in a value), so an
 * unclosed tag costs the distance to the next one, not the rest of the part.
 */
const ATTRIBUTES = `((?:[^<>"']|"[^<"]*"|'[^<']*')*?)`;
const TOKEN = new RegExp(`<(\\/?)([A-Za-z_][\\w.-]*(?::[A-Za-z_][\\w.-]*)?)${ATTRIBUTES}(\\/?)>|([^<]+)`, 'g');
/** Elements whose content is not the document's running text. */
const SKIPPED = new Set(['mc:Fallback', 'w:txbxContent']);

function scan(xml: string, styles: ReadonlyMap<string, Style>, file: string): InputIssue[] {
  const warnings: InputIssue[] = [];
  const stack: string[] = [];
  const tables: Table[] = [];
  const paragraphs: Paragraph[] = [];
  let run: Run | undefined;
  let inText = false;
  let skipDepth = 0;
  let tableCount = 0;
  let lastHeading: string | undefined;

  const parent = (n: number): string | undefined => stack[stack.length - n];
  const onOpen = (name: string, attrs: string, selfClosing: boolean): void => {
    const paragraph = paragraphs[paragraphs.length - 1];
    const table = tables[tables.length - 1];
    switch (name) {
      case 'w:tbl':
        tables.push({
          index: ++tableCount,
          ...(lastHeading !== undefined ? { heading: lastHeading } : {}),
          caption: false,
          rows: [],
        });
        break;
      case 'w:tblCaption':
        if (table && parent(1) === 'w:tblPr' && parent(2) === 'w:tbl' && (attributes(attrs).val ?? '').trim() !== '')
          table.caption = true;
        break;
      case 'w:tr':
        table?.rows.push({ header: false, cells: [] });
        break;
      case 'w:tc':
        if (parent(1) === 'w:tr') table?.rows.at(-1)?.cells.push('');
        break;
      case 'w:tblHeader': {
        const row = table?.rows[table.rows.length - 1];
        if (row && parent(1) === 'w:trPr') row.header = isOn(attrs);
        break;
      }
      case 'w:p':
        paragraphs.push({ runs: [], inTable: tables.length > 0 });
        break;
      case 'w:pStyle':
        if (paragraph && parent(1) === 'w:pPr' && parent(2) === 'w:p') paragraph.style = attributes(attrs).val;
        break;
      case 'w:outlineLvl':
        if (paragraph && parent(1) === 'w:pPr' && parent(2) === 'w:p') paragraph.outline = level(attrs);
        break;
      case 'w:r':
        run = { text: '', bold: false };
        paragraph?.runs.push(run);
        break;
      case 'w:b':
        if (run && parent(1) === 'w:rPr' && parent(2) === 'w:r') run.bold = isOn(attrs);
        break;
      case 'w:sz': {
        const size = Number.parseInt(attributes(attrs).val ?? '', 10);
        if (run && parent(1) === 'w:rPr' && parent(2) === 'w:r' && Number.isFinite(size)) run.size = size;
        break;
      }
      case 'w:tab':
      case 'w:br':
        if (run && parent(1) === 'w:r') addText(' ');
        break;
      case 'w:t':
        inText = !selfClosing && parent(1) === 'w:r';
        break;
    }
  };
  const addText = (text: string): void => {
    if (run) run.text += text;
    const cells = tables[tables.length - 1]?.rows.at(-1)?.cells;
    if (cells && cells.length > 0) cells[cells.length - 1] += text;
  };
  const onClose = (name: string): void => {
    switch (name) {
      case 'w:t':
        inText = false;
        break;
      case 'w:r':
        run = undefined;
        break;
      case 'w:p': {
        const paragraph = paragraphs.pop();
        run = undefined;
        if (!paragraph || paragraph.inTable) break;
        const text = paragraphText(paragraph);
        const styled = isHeadingStyled(paragraph, styles);
        const like = styled ? undefined : isHeadingLike(paragraph, text);
        if (styled || like) lastHeading = text;
        if (like) warnings.push(headingWarning(file, text, like));
        break;
      }
      case 'w:tbl': {
        const table = tables.pop();
        if (table) warnings.push(...tableWarnings(file, table));
        break;
      }
    }
  };

  for (const m of xml.matchAll(TOKEN)) {
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (skipDepth === 0 && inText) addText(decodeEntities(text));
      continue;
    }
    if (name === undefined) continue;
    if (closing) {
      if (stack[stack.length - 1] !== name) continue; // not well-formed here: leave the stack as it is
      stack.pop();
      if (SKIPPED.has(name)) skipDepth--;
      else if (skipDepth === 0) onClose(name);
      continue;
    }
    if (skipDepth === 0 && !SKIPPED.has(name)) onOpen(name, attrs ?? '', selfClosing === '/');
    if (selfClosing) continue;
    stack.push(name);
    if (SKIPPED.has(name)) skipDepth++;
  }
  return warnings;
}

/** `w:val` of an on/off property: absent, `true`, `1` or `on` is on. */
function isOn(attrs: string): boolean {
  const val = attributes(attrs).val;
  return val === undefined || ['true', '1', 'on'].includes(val.toLowerCase());
}

function level(attrs: string): number | undefined {
  const n = Number.parseInt(attributes(attrs).val ?? '', 10);
  return Number.isFinite(n) ? n : undefined;
}

function paragraphText(paragraph: Paragraph): string {
  return paragraph.runs
    .map((r) => r.text)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A style's element, its content up to its end or the next style (so an unclosed one costs no more than its own text). */
const STYLE = new RegExp(`<w:style\\b${ATTRIBUTES}(?:/>|>((?:(?!<w:style\\b)[\\s\\S])*?)</w:style>)`, 'g');
const STYLE_OUTLINE = new RegExp(`<w:outlineLvl\\b${ATTRIBUTES}/?>`);
const STYLE_NAME = new RegExp(`<w:name\\b${ATTRIBUTES}/?>`);
const STYLE_BASED_ON = new RegExp(`<w:basedOn\\b${ATTRIBUTES}/?>`);

/**
 * The template's paragraph styles by id: name, parent and outline level. Names are the
 * built-in English ones whatever the language of Word (Swedish Word's "Rubrik 1" is
 * `heading 1`, with the id `Rubrik1`), so a heading is found by name or outline level,
 * never by id.
 */
function paragraphStyles(xml: string): Map<string, Style> {
  const styles = new Map<string, Style>();
  for (const m of xml.matchAll(STYLE)) {
    const a = attributes(m[1] ?? '');
    if (a.type !== 'paragraph' || a.styleId === undefined) continue;
    const body = m[2] ?? '';
    const value = (element: RegExp): string | undefined => {
      const e = element.exec(body);
      return e ? attributes(e[1] ?? '').val : undefined;
    };
    const outline = Number.parseInt(value(STYLE_OUTLINE) ?? '', 10);
    const name = value(STYLE_NAME);
    const basedOn = value(STYLE_BASED_ON);
    styles.set(a.styleId, {
      ...(name !== undefined ? { name } : {}),
      ...(basedOn !== undefined ? { basedOn } : {}),
      ...(Number.isFinite(outline) ? { outline } : {}),
    });
  }
  return styles;
}

const HEADING_STYLE_NAME = /^(heading [1-9]|title)$/i;
/** Outline levels 0–8 are headings; 9 is body text. */
const BODY_TEXT_LEVEL = 9;

/**
 * A heading style: its own or an inherited outline level 0–8 (the nearest one set wins),
 * or, without one, a built-in heading or title name in its chain. A direct outline level
 * on the paragraph counts as well (it puts the paragraph in the navigation pane).
 */
function isHeadingStyled(paragraph: Paragraph, styles: ReadonlyMap<string, Style>): boolean {
  if (paragraph.outline !== undefined) return paragraph.outline < BODY_TEXT_LEVEL;
  let id = paragraph.style;
  let named = false;
  for (let depth = 0; id !== undefined && depth < 16; depth++) {
    const style = styles.get(id);
    if (!style) break;
    if (style.outline !== undefined) return style.outline < BODY_TEXT_LEVEL;
    if (style.name !== undefined && HEADING_STYLE_NAME.test(style.name)) named = true;
    id = style.basedOn;
  }
  return named;
}

type HeadingLike = { readonly kind: 'default'; readonly level: number } | { readonly kind: 'looks' };

/**
 * A paragraph outside tables, without a heading style, is taken for a heading when
 * (a) its text (white space collapsed) is exactly one of the default template's headings
 *     ({@link DEFAULT_HEADINGS}), however it is formatted; or
 * (b) it looks like one: 1–{@link MAX_HEADING_LIKE_CHARS} characters, not ending in
 *     `.`, `,`, `:`, `;`, `!` or `?`, every run with text bold by direct formatting
 *     (`w:rPr/w:b`), and either no tag in it or every run with text at least
 *     {@link HEADING_LIKE_MIN_HALF_POINTS} half-points by direct formatting.
 * A bold paragraph that is only a filled-in value at body size (the default's
 * `{draftNotice}`, a name) is emphasis, not a heading, hence the size for those with a
 * tag. A bold character style (`w:rStyle`) is not direct formatting and is not looked at.
 */
function isHeadingLike(paragraph: Paragraph, text: string): HeadingLike | undefined {
  const known = DEFAULT_HEADINGS.get(text);
  if (known !== undefined) return { kind: 'default', level: known };
  if (text === '' || text.length > MAX_HEADING_LIKE_CHARS || /[.,:;!?]$/.test(text)) return undefined;
  const runs = paragraph.runs.filter((r) => r.text.trim() !== '');
  if (!runs.every((r) => r.bold)) return undefined;
  const large = runs.every((r) => (r.size ?? 0) >= HEADING_LIKE_MIN_HALF_POINTS);
  return !text.includes('{') || large ? { kind: 'looks' } : undefined;
}

const STYLE_NAMES = ['Rubrik (Title)', 'Rubrik 1 (Heading 1)', 'Rubrik 2 (Heading 2)', 'Rubrik 3 (Heading 3)'];

function headingWarning(file: string, text: string, like: HeadingLike): InputIssue {
  const which =
    like.kind === 'default'
      ? `Stycket "${text}" har formatmallen ${STYLE_NAMES[like.level] ?? `Rubrik ${like.level}`} i standardmallen, men ingen rubrikformatmall i den här mallen.`
      : `Stycket "${text}" ser ut som en rubrik (kort, fetstil) men har ingen rubrikformatmall, bara direkt formatering.`;
  const style = like.kind === 'default' ? (STYLE_NAMES[like.level] ?? 'Rubrik 1') : 'Rubrik 1, Rubrik 2 eller Rubrik 3';
  return {
    code: 'missing_heading_style',
    file,
    value: text,
    message:
      `${which} Då saknas rubriken i dokumentets struktur: en skärmläsare kan inte hoppa till den och PDF:en får inget bokmärke för den. ` +
      `Markera stycket i Word och välj formatmallen ${style} under Start > Formatmallar.`,
  };
}

/** A loop that repeats what it holds: `{#name}` or `{-w:tr name}`, of a list (not a condition). */
const LOOP_TAG = /\{\s*(?:#|-[\w:]+\s+)\s*([\w.]+)\s*\}/g;
const ANY_LOOP_TAG = /\{\s*[#^/-]/;

function tableWarnings(file: string, table: Table): InputIssue[] {
  const loop = table.rows
    .flatMap((r) => r.cells.flatMap((c) => [...c.matchAll(LOOP_TAG)].map((m) => m[1] ?? '')))
    .find((name) => LIST_TAGS.has(name));
  if (loop === undefined) return [];
  const where =
    `Tabell ${table.index} (den med {#${loop}}` +
    (table.heading !== undefined ? `, under rubriken "${table.heading}")` : ')');
  const out: InputIssue[] = [];
  if (!table.caption) {
    const suggested = DEFAULT_TABLE_CAPTIONS.get(loop);
    out.push({
      code: 'missing_table_caption',
      file,
      value: `{#${loop}}`,
      message:
        `${where} saknar rubrik (alternativ text). Standardmallens tabeller har en, och en skärmläsare läser upp den innan tabellen; ` +
        'LibreOffice tar bort den när mallen sparas. Lägg till en alternativ text/rubrik för tabellen i Word: ' +
        `Tabellegenskaper > Alternativ text > Rubrik${suggested !== undefined ? ` (i standardmallen "${suggested}")` : ''}.`,
    });
  }
  const first = table.rows[0];
  const titles = first ? first.cells.map((c) => c.replace(/\s+/g, ' ').trim()).filter((c) => c !== '') : [];
  if (
    first &&
    table.rows.length > 1 &&
    titles.length > 0 &&
    !titles.some((t) => ANY_LOOP_TAG.test(t)) &&
    !first.header
  ) {
    out.push({
      code: 'missing_header_row',
      file,
      value: `{#${loop}}`,
      message:
        `${where}: första raden (kolumnrubrikerna ${shorten(titles.join(', '))}) är inte längre markerad som rubrikrad, ` +
        'som den är i standardmallen. Då upprepas den inte överst på varje sida och en skärmläsare läser inte upp kolumnrubriken vid varje cell. ' +
        'Markera raden i Word: Tabellegenskaper > Rad > Upprepa som rubrikrad överst på varje sida.',
    });
  }
  return out;
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}
