import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { crc32, tableCrc32, writeDocxFromPizZip, writeDocxZip } from '../../lambdas/core/docx-zip.js';
import { inflateEntry, readZip } from '../../lambdas/core/parse/zip.js';

const XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document>Måluppföljning & "citat" — ✓</w:document>\n';

describe('Function: crc32', () => {
  it('gives the check value of CRC-32 (ISO-HDLC) for "123456789"', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(tableCrc32(check)).toBe(0xcbf43926);
  });

  it('gives the same result with the table as with node:zlib, for any bytes', () => {
    for (const size of [0, 1, 7, 255, 4096, 100_003]) {
      const data = new Uint8Array(randomBytes(size));
      expect(tableCrc32(data)).toBe(crc32(data));
    }
  });
});

describe('Function: writeDocxZip', () => {
  const binary = new Uint8Array(randomBytes(50_000));
  const parts = [
    { name: '[Content_Types].xml', data: '<Types/>' },
    { name: 'word/document.xml', data: XML.repeat(2000) },
    { name: 'word/media/image1.bin', data: binary },
    { name: 'docProps/empty.xml', data: '' },
  ];
  const zip = writeDocxZip(parts, { level: 6 });

  it('writes an archive pizzip reads back, CRCs checked, entries in the given order', () => {
    const read = new PizZip(zip, { checkCRC32: true });
    expect(Object.keys(read.files)).toEqual(parts.map((p) => p.name));
    expect(read.file('word/document.xml')?.asText()).toBe(XML.repeat(2000));
    expect(read.file('[Content_Types].xml')?.asText()).toBe('<Types/>');
    expect(new Uint8Array(read.file('word/media/image1.bin')!.asUint8Array())).toEqual(binary);
    expect(read.file('docProps/empty.xml')?.asText()).toBe('');
  });

  it("declares sizes and CRCs that the upload reader's hardened checks accept", () => {
    const listed = readZip(zip);
    if (!listed.ok) throw new Error(JSON.stringify(listed.problem));
    expect(listed.entries.map((e) => e.name)).toEqual(parts.map((p) => p.name));
    for (const entry of listed.entries) {
      const inflated = inflateEntry(entry);
      if (!inflated.ok) throw new Error(JSON.stringify(inflated.problem));
      expect(entry.crc32).toBe(crc32(inflated.data));
    }
  });

  it('deflates text (method 8) and stores an empty part (method 0)', () => {
    const listed = readZip(zip);
    if (!listed.ok) throw new Error('unreadable');
    const byName = new Map(listed.entries.map((e) => [e.name, e]));
    expect(byName.get('word/document.xml')?.method).toBe(8);
    expect(byName.get('word/document.xml')!.compressedSize).toBeLessThan(XML.length * 20);
    expect(byName.get('docProps/empty.xml')?.method).toBe(0);
    expect(Buffer.from(inflateRawSync(byName.get('[Content_Types].xml')!.compressed)).toString()).toBe('<Types/>');
  });

  it('stores the part dates as MS-DOS date and time', () => {
    const date = new Date(2024, 0, 20, 13, 45, 30);
    const one = writeDocxZip([{ name: 'a.xml', data: '<a/>', date }]);
    const read = new PizZip(one);
    expect(read.file('a.xml')?.date.getTime()).toBe(date.getTime());
  });
});

describe('Function: writeDocxFromPizZip', () => {
  it('puts [Content_Types].xml first and leaves out directory entries, as Word writes a package', () => {
    const source = new PizZip();
    source.file('word/document.xml', XML);
    source.folder('docProps');
    source.file('_rels/.rels', '<Relationships/>');
    source.file('[Content_Types].xml', '<Types/>');
    const read = new PizZip(writeDocxFromPizZip(source), { checkCRC32: true });
    expect(Object.keys(read.files)).toEqual(['[Content_Types].xml', 'word/document.xml', '_rels/.rels']);
    expect(Object.values(read.files).some((f) => f.dir)).toBe(false);
    expect(read.file('word/document.xml')?.asText()).toBe(XML);
  });
});
