/**
 * What a rendered package needs so that Word opens it, whatever the template: docxtemplater
 * copies a loop's XML as it is, so everything inside a loop that carries an id the
 * document must hold once is there once per item. Word calls such a file "unreadable
 * content" (a comment or a drawing id twice) or drops the duplicates (bookmarks).
 *
 * - **Comments** (a review note on a tag inside `{#goals}`): the comment exists once in
 *   comments.xml; its anchors (`commentRangeStart`, `commentRangeEnd`, `commentReference`)
 *   are kept where they first appear and their copies removed, so the note stays, once.
 * - **Bookmarks** (a table of contents or a cross-reference): every copy gets an id and a
 *   name of its own (`_Toc123` → `_Toc123_2`), its end matched to its start.
 * - **Drawings** (`wp:docPr`, an icon in an activity row): every copy gets an id of its own,
 *   unique across the document, its headers and footers.
 * - **Paragraph ids** (`w14:paraId`, `w14:textId`, which Word 2010 and later write): every copy gets a
 *   value of its own, below 0x80000000 as the schema requires.
 * - **A Word template** (.dotx): the main part gets the document content type, which Word
 *   requires of a .docx.
 *
 * Pure string work on the parts; a part without any of these is left untouched.
 */
import type PizZip from 'pizzip';
import { MAIN_CONTENT_TYPES } from './template-package.js';

/** The parts of the rendered package that this module reads and may rewrite. */
export interface RenderedParts {
  readonly names: readonly string[];
  read(name: string): string | undefined;
  write(name: string, text: string): void;
}

export function finishRenderedPackage(parts: RenderedParts): void {
  const main = parts.read('word/document.xml') !== undefined ? 'word/document.xml' : mainPartName(parts);
  if (main !== undefined) {
    const xml = parts.read(main) as string;
    let fixed = dropCopiedCommentAnchors(xml);
    fixed = uniqueBookmarks(fixed);
    if (fixed !== xml) parts.write(main, fixed);
  }
  uniqueDrawingIds(parts);
  uniqueParagraphIds(parts);
  documentContentType(parts);
}

/** The rendered PizZip's parts, each read once. */
export function pizZipParts(zip: PizZip): RenderedParts {
  const cache = new Map<string, string | undefined>();
  return {
    names: Object.keys(zip.files).filter((name) => !zip.files[name]?.dir),
    read(name) {
      if (!cache.has(name)) cache.set(name, zip.file(name)?.asText());
      return cache.get(name);
    },
    write(name, text) {
      cache.set(name, text);
      zip.file(name, text);
    },
  };
}

// ---------------------------------------------------------------------------------------

const COMMENT_ANCHOR = /<w:(commentRangeStart|commentRangeEnd|commentReference)\b[^>]*?\bw:id="([^"]*)"[^>]*?\/>/g;

function dropCopiedCommentAnchors(xml: string): string {
  if (!xml.includes('<w:comment')) return xml;
  const seen = new Set<string>();
  return xml.replace(COMMENT_ANCHOR, (all, kind: string, id: string) => {
    const key = `${kind}:${id}`;
    if (seen.has(key)) return '';
    seen.add(key);
    return all;
  });
}

const BOOKMARK = /<w:bookmark(Start|End)\b([^>]*?)\/>/g;

function uniqueBookmarks(xml: string): string {
  if (!xml.includes('<w:bookmarkStart')) return xml;
  const usedIds = new Set<string>();
  const usedNames = new Set<string>();
  for (const m of xml.matchAll(BOOKMARK)) {
    const id = attr(m[2] ?? '', 'w:id');
    if (id !== undefined) usedIds.add(id);
    const name = attr(m[2] ?? '', 'w:name');
    if (name !== undefined) usedNames.add(name);
  }
  let nextId = Math.max(0, ...[...usedIds].map((id) => Number.parseInt(id, 10)).filter(Number.isFinite)) + 1;
  const startedIds = new Set<string>();
  const startedNames = new Set<string>();
  // Per original id, the ids of the copies still open, most recent last.
  const open = new Map<string, string[]>();
  return xml.replace(BOOKMARK, (all, kind: string, attrs: string) => {
    const id = attr(attrs, 'w:id');
    if (id === undefined) return all;
    if (kind === 'Start') {
      let newId = id;
      if (startedIds.has(id)) newId = String(nextId++);
      startedIds.add(id);
      let out = newId === id ? attrs : setAttr(attrs, 'w:id', newId);
      const name = attr(attrs, 'w:name');
      if (name !== undefined) {
        if (startedNames.has(name)) {
          let k = 2;
          let candidate = suffixed(name, k);
          while (usedNames.has(candidate)) candidate = suffixed(name, ++k);
          usedNames.add(candidate);
          out = setAttr(out, 'w:name', candidate);
        }
        startedNames.add(name);
      }
      const stack = open.get(id) ?? [];
      stack.push(newId);
      open.set(id, stack);
      return out === attrs ? all : `<w:bookmarkStart${out}/>`;
    }
    const stack = open.get(id);
    const newId = stack?.pop();
    if (newId === undefined || newId === id) return all;
    return `<w:bookmarkEnd${setAttr(attrs, 'w:id', newId)}/>`;
  });
}

/** Word's bookmark names are at most 40 characters. */
function suffixed(name: string, k: number): string {
  const suffix = `_${k}`;
  return `${name.slice(0, 40 - suffix.length)}${suffix}`;
}

const DOC_PR = /<wp:docPr\b([^>]*?)(\/?)>/g;

function storyParts(parts: RenderedParts): string[] {
  return parts.names.filter((n) => /^word\/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n));
}

function uniqueDrawingIds(parts: RenderedParts): void {
  const names = storyParts(parts).filter((n) => parts.read(n)?.includes('<wp:docPr'));
  if (names.length === 0) return;
  const used = new Set<number>();
  let max = 0;
  for (const name of names) {
    for (const m of (parts.read(name) as string).matchAll(DOC_PR)) {
      const id = Number.parseInt(attr(m[1] ?? '', 'id') ?? '', 10);
      if (Number.isFinite(id)) max = Math.max(max, id);
    }
  }
  for (const name of names) {
    const xml = parts.read(name) as string;
    const fixed = xml.replace(DOC_PR, (all, attrs: string, close: string) => {
      const id = Number.parseInt(attr(attrs, 'id') ?? '', 10);
      if (Number.isFinite(id) && id > 0 && !used.has(id)) {
        used.add(id);
        return all;
      }
      const fresh = ++max;
      used.add(fresh);
      return `<wp:docPr${setAttr(attrs, 'id', String(fresh))}${close}>`;
    });
    if (fixed !== xml) parts.write(name, fixed);
  }
}

const PARA_ID = /\bw14:(paraId|textId)="([0-9A-Fa-f]{1,8})"/g;

function uniqueParagraphIds(parts: RenderedParts): void {
  const names = parts.names.filter((n) => /^word\/.*\.xml$/.test(n) && parts.read(n)?.includes('w14:paraId'));
  if (names.length === 0) return;
  const used = new Set<string>();
  for (const name of names) for (const m of (parts.read(name) as string).matchAll(PARA_ID)) used.add(`${m[1]}:${(m[2] ?? '').toUpperCase()}`);
  const seen = new Set<string>();
  let counter = 1;
  const fresh = (kind: string): string => {
    for (;;) {
      // Deterministic, and below 0x80000000 (ST_LongHexNumber with the schema's bound).
      const value = ((0x1000_0000 + counter++ * 0x9e37) % 0x7fff_ffff).toString(16).toUpperCase().padStart(8, '0');
      const key = `${kind}:${value}`;
      if (!used.has(key)) {
        used.add(key);
        return value;
      }
    }
  };
  for (const name of names) {
    const xml = parts.read(name) as string;
    const fixed = xml.replace(PARA_ID, (all, kind: string, value: string) => {
      const key = `${kind}:${value.toUpperCase()}`;
      if (!seen.has(key) && Number.parseInt(value, 16) < 0x8000_0000) {
        seen.add(key);
        return all;
      }
      const replacement = fresh(kind);
      seen.add(`${kind}:${replacement}`);
      return `w14:${kind}="${replacement}"`;
    });
    if (fixed !== xml) parts.write(name, fixed);
  }
}

function documentContentType(parts: RenderedParts): void {
  const name = '[Content_Types].xml';
  const xml = parts.read(name);
  if (xml === undefined || !xml.includes(MAIN_CONTENT_TYPES.template)) return;
  parts.write(name, xml.split(MAIN_CONTENT_TYPES.template).join(MAIN_CONTENT_TYPES.document));
}

function mainPartName(parts: RenderedParts): string | undefined {
  const rels = parts.read('_rels/.rels') ?? '';
  const m = /<Relationship\b[^>]*Type="[^"]*\/officeDocument"[^>]*>/.exec(rels);
  const target = m ? attr(m[0], 'Target') : undefined;
  return target === undefined ? undefined : target.replace(/^\//, '');
}

// ---------------------------------------------------------------------------------------

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}="([^"]*)"`).exec(attrs);
  return m?.[1];
}

function setAttr(attrs: string, name: string, value: string): string {
  const pattern = new RegExp(`((?:^|\\s)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=")[^"]*(")`);
  return attrs.replace(pattern, (_all, before: string, after: string) => `${before}${value}${after}`);
}
