/**
 * The floor for parsing an .xlsx workbook: read the zip's central directory, inflate the
 * shared strings and every worksheet with node:zlib, and scan the XML with regular
 * expressions into rows of cell text. No validation, no limits, no dates, no merged
 * cells: the least any reader of the same cells must do.
 */
import { inflateRawSync } from 'node:zlib';

export interface FloorSheet {
  readonly name: string;
  readonly rows: string[][];
}

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly data: Uint8Array;
  readonly size: number;
}

function entries(bytes: Uint8Array): Map<string, Entry> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip');
  const count = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Entry>();
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(pos + 10);
    const compressedSize = buf.readUInt32LE(pos + 20);
    const size = buf.readUInt32LE(pos + 24);
    const nameLength = buf.readUInt16LE(pos + 28);
    const skip = nameLength + buf.readUInt16LE(pos + 30) + buf.readUInt16LE(pos + 32);
    const local = buf.readUInt32LE(pos + 42);
    const name = buf.toString('utf8', pos + 46, pos + 46 + nameLength);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    out.set(name, { name, method, size, data: bytes.subarray(start, start + compressedSize) });
    pos += 46 + skip;
  }
  return out;
}

function text(entry: Entry | undefined): string {
  if (!entry) return '';
  const data = entry.method === 0 ? entry.data : inflateRawSync(entry.data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
}

const ENTITY = /&(amp|lt|gt|quot|apos);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s: string): string =>
  s.includes('&') ? s.replace(ENTITY, (_, e: string) => ENTITIES[e] as string) : s;

function sharedStrings(xml: string): string[] {
  const out: string[] = [];
  for (const si of xml.matchAll(/<si>([\s\S]*?)<\/si>/g)) {
    let s = '';
    for (const t of (si[1] as string).matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)) s += t[1];
    out.push(unescape(s));
  }
  return out;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
  return n - 1;
}

const CELL = /<c r="([A-Z]+)(\d+)"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

function sheetRows(xml: string, strings: readonly string[]): string[][] {
  const rows: string[][] = [];
  for (const m of xml.matchAll(CELL)) {
    const inner = m[4];
    if (inner === undefined) continue;
    const attrs = m[3] as string;
    let value: string;
    if (attrs.includes('t="s"')) value = strings[Number(/<v>([^<]*)<\/v>/.exec(inner)?.[1])] ?? '';
    else if (attrs.includes('t="inlineStr"')) value = unescape(/<t(?:\s[^>]*)?>([^<]*)<\/t>/.exec(inner)?.[1] ?? '');
    else value = unescape(/<v>([^<]*)<\/v>/.exec(inner)?.[1] ?? '');
    const row = Number(m[2]) - 1;
    (rows[row] ??= [])[columnIndex(m[1] as string)] = value;
  }
  return rows;
}

/** Every worksheet's cells as text, by zip path. */
export function floorParseXlsx(bytes: Uint8Array): FloorSheet[] {
  const zip = entries(bytes);
  const strings = sharedStrings(text(zip.get('xl/sharedStrings.xml')));
  const sheets: FloorSheet[] = [];
  for (const [name, entry] of zip) {
    if (name.startsWith('xl/worksheets/') && name.endsWith('.xml'))
      sheets.push({ name, rows: sheetRows(text(entry), strings) });
  }
  return sheets;
}
