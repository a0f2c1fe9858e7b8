/**
 * The package-level check of an uploaded template, before docxtemplater or pizzip see it:
 * what the archive holds, not what the tags say (that is `checkTemplate` in render.ts).
 *
 * 1. The zip is read with the workbook reader's defensive reader (central directory only,
 *    declared sizes checked, every entry inflated with its declared size as the bound),
 *    with the template limits below on top, so a small upload that inflates to gigabytes
 *    is refused before anything inflates it.
 * 2. No part may carry a DOCTYPE (an entity or DTD that LibreOffice would try to resolve,
 *    and that makes every close's PDF fail).
 * 3. Nothing may point outside the package: a relationship with `TargetMode="External"` is
 *    allowed for hyperlinks only (a linked image, frame, sub-document or attached template is
 *    fetched by whoever opens or converts the document), and fields that fetch or embed
 *    other files (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO, IMPORT) are refused, not
 *    stripped: the secretary sees what went and can decide what the template should show.
 * 4. The package is a Word document: `[Content_Types].xml`, a main part that exists, and
 *    internal relationships that point at parts that exist. A Word template (.dotx) is
 *    accepted (the rendered document gets the document content type); a macro-enabled one
 *    (.docm, .dotm) is refused, with how to save it as .docx.
 *
 * Pure: no I/O, never throws on bad input.
 */
import type { InputIssue } from './domain.js';
import { decodeXmlBytes } from './parse/xml.js';
import { inflateEntry, readZip, type ZipEntry, type ZipProblem } from './parse/zip.js';

/** Largest uploaded template (its reason is with the constant). */
import { MAX_TEMPLATE_BYTES } from './upload-limits.js';
/**
 * Largest inflated part: 16 MiB. The default template's document.xml is about 60 KB, and
 * docxtemplater holds a part as a string plus its parsed tags (several times its size).
 */
export const MAX_TEMPLATE_PART_BYTES = 16 * 1024 * 1024;
/** Largest inflated package, all parts together: 48 MiB (a few logos and the XML). */
export const MAX_TEMPLATE_UNCOMPRESSED_BYTES = 48 * 1024 * 1024;
/**
 * Highest ratio of inflated to compressed size for a part larger than
 * {@link TEMPLATE_RATIO_CHECK_MIN_BYTES}. Word's XML compresses 5–20×; 100× is a filler
 * (a megabyte of spaces compresses about 1000×).
 */
export const MAX_TEMPLATE_COMPRESSION_RATIO = 100;
/** Parts smaller than this (inflated) are not ratio-checked: 256 KiB. */
export const TEMPLATE_RATIO_CHECK_MIN_BYTES = 256 * 1024;

/** Fields that fetch or embed another file when the document is opened, updated or converted. */
export const REFUSED_FIELDS = ['INCLUDEPICTURE', 'INCLUDETEXT', 'LINK', 'DDE', 'DDEAUTO', 'IMPORT'] as const;

const CT_DOCUMENT = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';
const CT_TEMPLATE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml';
const CT_MACRO = [
  'application/vnd.ms-word.document.macroEnabled.main+xml',
  'application/vnd.ms-word.template.macroEnabledTemplate.main+xml',
];
const REL_OFFICE_DOCUMENT = /\/officeDocument$/;
const REL_HYPERLINK = /\/hyperlink$/;
/** An imported HTML/RTF chunk (w:altChunk) is rendered by the opening program, with its own links: refused like an external part. */
const REL_ALT_CHUNK = /\/aFChunk$/;

/** The main document part's content types, keyed by what the package is. */
export const MAIN_CONTENT_TYPES = { document: CT_DOCUMENT, template: CT_TEMPLATE } as const;

export interface TemplatePackage {
  /** Every part, inflated and verified, by name as stored. */
  readonly parts: ReadonlyMap<string, Uint8Array>;
  /** The main document part, e.g. `word/document.xml`. */
  readonly mainPart: string;
  /** The package is a Word template (.dotx): the rendered document needs the document content type. */
  readonly isWordTemplate: boolean;
}

export type PackageCheck =
  { readonly ok: true; readonly pkg: TemplatePackage } | { readonly ok: false; readonly errors: readonly InputIssue[] };

/**
 * Checks the template's package.
 *
 * @param file how messages name the template, e.g. `templates/ks.docx`
 */
export function inspectTemplatePackage(bytes: Uint8Array, file: string): PackageCheck {
  const refuse = (...messages: string[]): PackageCheck => ({
    ok: false,
    errors: messages.map((message) => ({ code: 'invalid_template', file, message })),
  });
  if (bytes.byteLength > MAX_TEMPLATE_BYTES) {
    return refuse(
      `Mallen är ${mib(bytes.byteLength)} stor; en mall får vara högst ${mib(MAX_TEMPLATE_BYTES)}. Ta bort stora bilder eller inbäddade filer.`,
    );
  }
  const read = readZip(bytes);
  if (!read.ok) return refuse(zipProblemText(read.problem));

  let total = 0;
  for (const entry of read.entries) {
    if (entry.uncompressedSize > MAX_TEMPLATE_PART_BYTES) {
      return refuse(
        `Delen ${entry.name} i mallen är ${mib(entry.uncompressedSize)} uppackad; en del får vara högst ${mib(MAX_TEMPLATE_PART_BYTES)}.`,
      );
    }
    total += entry.uncompressedSize;
    if (total > MAX_TEMPLATE_UNCOMPRESSED_BYTES)
      return refuse(`Mallen är mer än ${mib(MAX_TEMPLATE_UNCOMPRESSED_BYTES)} uppackad; det är för stort för en mall.`);
    if (
      entry.uncompressedSize > TEMPLATE_RATIO_CHECK_MIN_BYTES &&
      entry.uncompressedSize > MAX_TEMPLATE_COMPRESSION_RATIO * entry.compressedSize
    ) {
      return refuse(
        `Delen ${entry.name} i mallen packas upp till ${ratio(entry)} gånger sin packade storlek; en så fylld del finns inte i ett vanligt Word-dokument.`,
      );
    }
  }
  const parts = new Map<string, Uint8Array>();
  for (const entry of read.entries) {
    if (entry.name.endsWith('/')) continue;
    const inflated = inflateEntry(entry);
    if (!inflated.ok) return refuse(zipProblemText(inflated.problem));
    parts.set(entry.name, inflated.data);
  }
  return inspectParts(parts, refuse);
}

function inspectParts(parts: Map<string, Uint8Array>, refuse: (...messages: string[]) => PackageCheck): PackageCheck {
  const byLowerName = new Map<string, string>();
  for (const name of parts.keys()) byLowerName.set(name.toLowerCase(), name);
  const errors: string[] = [];
  const texts = new Map<string, string>();
  for (const [name, data] of parts) {
    if (!isXmlPart(name, data)) continue;
    const text = decodeXmlBytes(data);
    texts.set(name, text);
    if (/<!DOCTYPE/i.test(text))
      errors.push(
        `Delen ${name} i mallen har en DOCTYPE-deklaration. Word skriver aldrig sådana, och de kan få konverteringen att läsa andra filer; spara mallen på nytt i Word.`,
      );
  }
  if (errors.length > 0) return refuse(...errors);

  const contentTypes = texts.get('[Content_Types].xml');
  const rootRels = texts.get('_rels/.rels');
  if (contentTypes === undefined || rootRels === undefined) {
    return refuse(
      'Filen är inget Word-dokument (.docx): paketet saknar [Content_Types].xml eller _rels/.rels. Spara mallen i Word som Word-dokument (.docx).',
    );
  }

  // Relationships: nothing external but hyperlinks, nothing internal that is missing.
  for (const [relsName, text] of texts) {
    const source = relsSource(relsName);
    if (source === undefined) continue;
    if (source !== '' && !byLowerName.has(source.toLowerCase())) continue; // rels of a part that is not there point nowhere anyone reads
    for (const rel of relationships(text)) {
      const type = rel.Type ?? '';
      const target = rel.Target ?? '';
      const kind = type.slice(type.lastIndexOf('/') + 1) || 'okänd';
      if ((rel.TargetMode ?? '').toLowerCase() === 'external') {
        if (!REL_HYPERLINK.test(type)) {
          errors.push(
            `${source || 'Paketet'} hänvisar till något utanför dokumentet (${kind}: ${shorten(target)}). En mall får bara ha länkar (hyperlänkar) utåt; ` +
              'en länkad bild, ram eller mall hämtas av den som öppnar eller konverterar dokumentet. Infoga bilden i dokumentet i stället för att länka den.',
          );
        }
        continue;
      }
      if (REL_ALT_CHUNK.test(type)) {
        errors.push(
          `${source} innehåller ett inbäddat främmande dokument (altChunk: ${shorten(target)}). Klistra in innehållet som vanlig text i stället.`,
        );
        continue;
      }
      const resolved = resolveTarget(source, target);
      if (resolved === undefined || !byLowerName.has(resolved.toLowerCase())) {
        errors.push(
          `${source || 'Paketet'} hänvisar till delen ${shorten(target)}, som inte finns i filen. Filen är skadad; spara mallen på nytt i Word.`,
        );
      }
    }
  }

  const mainRel = relationships(rootRels).find(
    (r) => REL_OFFICE_DOCUMENT.test(r.Type ?? '') && (r.TargetMode ?? '').toLowerCase() !== 'external',
  );
  const mainPart = mainRel ? resolveTarget('', mainRel.Target ?? '') : undefined;
  const mainName = mainPart === undefined ? undefined : byLowerName.get(mainPart.toLowerCase());
  if (mainName === undefined || !texts.has(mainName)) {
    return refuse(
      ...errors,
      'Filen saknar själva dokumentet (word/document.xml) och är inget Word-dokument som går att använda som mall. Spara mallen i Word som Word-dokument (.docx).',
    );
  }
  const mainType = overrideContentType(contentTypes, mainName);
  let isWordTemplate = false;
  if (mainType !== undefined && CT_MACRO.includes(mainType)) {
    errors.push(
      'Mallen är sparad med makron (.docm eller .dotm). Makron hör inte hemma i nämndens dokument: välj Arkiv › Spara som › Word-dokument (*.docx) i Word och ladda upp den filen.',
    );
  } else if (mainType === CT_TEMPLATE) {
    isWordTemplate = true;
  } else if (mainType !== CT_DOCUMENT) {
    errors.push(
      'Filen är inget Word-dokument (.docx) som går att använda som mall. Spara mallen i Word som Word-dokument (.docx).',
    );
  }
  if ([...parts.keys()].some((n) => /vbaProject\.bin$/i.test(n)) && !errors.some((e) => e.includes('makron'))) {
    errors.push(
      'Mallen innehåller makron (vbaProject.bin). Spara den i Word som Word-dokument (*.docx), utan makron, och ladda upp den filen.',
    );
  }

  for (const [name, text] of texts) {
    if (!/^word\/[^/]+\.xml$/i.test(name)) continue;
    for (const field of refusedFields(text)) {
      errors.push(
        `${name} innehåller fältet ${field}, som hämtar innehåll från en annan fil eller adress när dokumentet öppnas eller konverteras. ` +
          'Mallen tas inte emot med det fältet (det tas inte bort åt dig): ta bort fältet (Alt+F9 visar fältkoderna) eller infoga innehållet direkt.',
      );
    }
  }
  if (errors.length > 0) return refuse(...errors);
  return { ok: true, pkg: { parts, mainPart: mainName, isWordTemplate } };
}

function isXmlPart(name: string, data: Uint8Array): boolean {
  if (/\.(xml|rels|vml|svg)$/i.test(name)) return true;
  // Anything else that starts like XML (after a BOM and white space) is read as XML too.
  // UTF-16 (with or without its byte order mark) counts as well: LibreOffice reads it.
  const head = decodeXmlBytes(data.subarray(0, 128));
  return /^\s*</.test(head);
}

/** `word/_rels/document.xml.rels` → `word/document.xml`; `_rels/.rels` → '' (the package); else undefined. */
function relsSource(name: string): string | undefined {
  const m = /^(.*?)_rels\/([^/]*)\.rels$/i.exec(name);
  if (!m) return undefined;
  return `${m[1] ?? ''}${m[2] ?? ''}`;
}

type Attributes = Readonly<Record<string, string>>;

function relationships(xml: string): Attributes[] {
  const out: Attributes[] = [];
  for (const m of xml.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)) out.push(attributes(m[1] ?? ''));
  return out;
}

/** An element's attributes by local name (the prefix dropped), their entities decoded. */
export function attributes(text: string): Attributes {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = (m[1] ?? '').replace(/^[\w.-]+:/, '');
    out[name] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return out;
}

/** XML's five named entities and character references, decoded; anything else is kept as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (all, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()] !== undefined) return named[e.toLowerCase()] as string;
    const code = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

/**
 * The part that `source`'s first internal relationship of a type ending in `/{type}`
 * points at (e.g. the main part's `styles`), as named in the package; undefined if none.
 */
export function relatedPart(pkg: TemplatePackage, source: string, type: string): string | undefined {
  const slash = source.lastIndexOf('/');
  const relsName = `${source.slice(0, slash + 1)}_rels/${source.slice(slash + 1)}.rels`.toLowerCase();
  const names = [...pkg.parts.keys()];
  const rels = names.find((n) => n.toLowerCase() === relsName);
  if (rels === undefined) return undefined;
  const rel = relationships(decodeXmlBytes(pkg.parts.get(rels) ?? new Uint8Array())).find(
    (r) => (r.Type ?? '').endsWith(`/${type}`) && (r.TargetMode ?? '').toLowerCase() !== 'external',
  );
  const target = rel ? resolveTarget(source, rel.Target ?? '') : undefined;
  return target === undefined ? undefined : names.find((n) => n.toLowerCase() === target.toLowerCase());
}

/** The part an internal relationship points at, relative to its source part's folder; undefined if it leaves the package. */
function resolveTarget(source: string, target: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(target.split('#')[0] ?? '');
  } catch {
    return undefined;
  }
  const base = path.startsWith('/') ? [] : source.split('/').slice(0, -1);
  const segments = [...base];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return segments.join('/');
}

function overrideContentType(contentTypes: string, part: string): string | undefined {
  for (const m of contentTypes.matchAll(/<(?:[\w.-]+:)?Override\b([^>]*)>/g)) {
    const a = attributes(m[1] ?? '');
    if ((a.PartName ?? '').replace(/^\//, '').toLowerCase() === part.toLowerCase()) return a.ContentType;
  }
  return undefined;
}

/** The refused fields a part uses, in simple fields and in field codes split over runs. */
function refusedFields(xml: string): string[] {
  const codes: string[] = [];
  for (const m of xml.matchAll(/<w:fldSimple\b([^>]*)>/g)) codes.push(attributes(m[1] ?? '').instr ?? '');
  // A field code may be split over several runs: join each part's instruction text.
  codes.push([...xml.matchAll(/<w:instrText\b[^>]*>([^<]*)<\/w:instrText>/g)].map((m) => m[1] ?? '').join(''));
  const found = new Set<string>();
  for (const code of codes) {
    const text = decodeEntities(code).toUpperCase();
    for (const field of REFUSED_FIELDS)
      if (new RegExp(`(^|[^A-Z0-9_])${field}($|[^A-Z0-9_])`).test(text)) found.add(field);
  }
  return [...found];
}

function zipProblemText(problem: ZipProblem): string {
  switch (problem.kind) {
    case 'encrypted':
      return 'Mallen är krypterad eller lösenordsskyddad. Spara den utan lösenord och ladda upp den igen.';
    case 'zip64':
      return 'Mallen är sparad i ett zip-format (ZIP64) som en mall aldrig behöver. Spara den på nytt i Word.';
    case 'too_many_entries':
      return `Mallen består av ${problem.count} delar; det är fler än ett Word-dokument har.`;
    case 'entry_too_large':
      return `Delen ${problem.entry} i mallen är ${mib(problem.size)} uppackad; en del får vara högst ${mib(MAX_TEMPLATE_PART_BYTES)}.`;
    case 'total_too_large':
      return `Mallen är mer än ${mib(MAX_TEMPLATE_UNCOMPRESSED_BYTES)} uppackad; det är för stort för en mall.`;
    case 'ratio_too_high':
      return `Delen ${problem.entry} i mallen packas upp till ${problem.ratio} gånger sin packade storlek; en så fylld del finns inte i ett vanligt Word-dokument.`;
    case 'corrupt':
      return 'Mallen är ingen giltig .docx-fil (zip-arkivet är skadat eller ofullständigt). Spara den på nytt i Word och ladda upp den igen.';
  }
}

function ratio(entry: ZipEntry): number {
  return Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize));
}

function mib(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${value >= 10 ? Math.round(value) : value.toFixed(1).replace('.', ',')} MiB`;
}

function shorten(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
