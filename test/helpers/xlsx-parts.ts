/**
 * Reads the parts of an .xlsx with pizzip and regular expressions: a second reader,
 * independent of exceljs (which writes the workbooks under test) and of the parser.
 * Enough for the XML exceljs and LibreOffice write; not a general-purpose reader.
 */
import PizZip from 'pizzip';

export function openXlsx(bytes: Uint8Array): PizZip {
  return new PizZip(bytes);
}

export function partText(zip: PizZip, path: string): string {
  const file = zip.file(path);
  if (!file) throw new Error(`no part ${path}`);
  return file.asText();
}

export function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:]+)="([^"]*)"/g)) out[m[1] as string] = decodeXml(m[2] as string);
  return out;
}

export function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  return parts.join('/');
}

function rels(zip: PizZip, part: string): { id: string; type: string; target: string }[] {
  const slash = part.lastIndexOf('/');
  const relsPath = `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`;
  const file = zip.file(relsPath);
  if (!file) return [];
  return [...file.asText().matchAll(/<Relationship\b[^>]*>/g)].map((m) => {
    const a = attributes(m[0]);
    return { id: a.Id ?? '', type: a.Type ?? '', target: resolveTarget(part, a.Target ?? '') };
  });
}

/** The sheets in tab order, each with the path of its XML part. */
export function sheetParts(zip: PizZip): { name: string; path: string }[] {
  const workbook = partText(zip, 'xl/workbook.xml');
  const links = rels(zip, 'xl/workbook.xml');
  return [...workbook.matchAll(/<sheet\b[^>]*>/g)].map((m) => {
    const a = attributes(m[0]);
    const target = links.find((r) => r.id === a['r:id']);
    if (!target) throw new Error(`sheet ${a.name} has no part`);
    return { name: a.name ?? '', path: target.target };
  });
}

export function sheetXml(zip: PizZip, name: string): string {
  const sheet = sheetParts(zip).find((s) => s.name === name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  return partText(zip, sheet.path);
}

export interface DataValidationXml {
  readonly attributes: Record<string, string>;
  readonly formula1: string;
}

export function dataValidations(xml: string): DataValidationXml[] {
  return [...xml.matchAll(/<dataValidation\b([^>]*)>([\s\S]*?)<\/dataValidation>/g)].map((m) => ({
    attributes: attributes(m[1] as string),
    formula1: decodeXml(/<formula1>([\s\S]*?)<\/formula1>/.exec(m[2] as string)?.[1] ?? ''),
  }));
}

export interface CellXml {
  readonly ref: string;
  readonly style: number;
  readonly type: string | undefined;
  readonly hasFormula: boolean;
}

export function cells(xml: string): CellXml[] {
  return [...xml.matchAll(/<c\b([^>]*?)(\/>|>([\s\S]*?)<\/c>)/g)].map((m) => {
    const a = attributes(m[1] as string);
    return { ref: a.r ?? '', style: Number(a.s ?? 0), type: a.t, hasFormula: /<f[\s>/]/.test(m[3] ?? '') };
  });
}

/** For each cell format (`s` index): the solid fill's colour, if any. */
export function fillColours(zip: PizZip): (string | undefined)[] {
  const styles = partText(zip, 'xl/styles.xml');
  const fillsXml = /<fills\b[^>]*>([\s\S]*?)<\/fills>/.exec(styles)?.[1] ?? '';
  const fills = [...fillsXml.matchAll(/<fill>([\s\S]*?)<\/fill>/g)].map((m) => {
    const body = m[1] as string;
    if (!/patternType="solid"/.test(body)) return undefined;
    return /<fgColor\b[^>]*rgb="([0-9A-Fa-f]{8})"/.exec(body)?.[1]?.toUpperCase();
  });
  const xfsXml = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)?.[1] ?? '';
  return [...xfsXml.matchAll(/<xf\b[^>]*?\/?>/g)].map((m) => fills[Number(attributes(m[0]).fillId ?? 0)]);
}

/** The comments (notes) of a sheet: cell reference → text. */
export function comments(zip: PizZip, sheetName: string): Map<string, string> {
  const sheet = sheetParts(zip).find((s) => s.name === sheetName);
  if (!sheet) throw new Error(`no sheet ${sheetName}`);
  const link = rels(zip, sheet.path).find((r) => r.type.endsWith('/comments'));
  const out = new Map<string, string>();
  if (!link) return out;
  const xml = partText(zip, link.target);
  for (const m of xml.matchAll(/<comment\b([^>]*)>([\s\S]*?)<\/comment>/g)) {
    const text = [...(m[2] as string).matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)]
      .map((t) => decodeXml(t[1] as string))
      .join('');
    out.set(attributes(m[1] as string).ref ?? '', text);
  }
  return out;
}
