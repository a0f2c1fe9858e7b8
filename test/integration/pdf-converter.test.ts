/**
 * The warm LibreOffice converter against the real LibreOffice: a document that links
 * content from outside itself (an image at http://127.0.0.1:PORT/x.png, an image file
 * on the converting host, `file:///etc/hostname`, and INCLUDEPICTURE/INCLUDETEXT fields
 * naming the same) is converted without a single request reaching the server and
 * without anything of the host's files in the PDF; and one instance serves conversion
 * after conversion.
 *
 * Needs `soffice` (libreoffice-writer-nogui), python3-uno and `pdftotext`/`pdfimages`
 * (poppler-utils); CI installs them (.ci/run), elsewhere the suite says what is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import PizZip from 'pizzip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libreOfficeConverter, type WarmPdfConverter } from '../../lambdas/assemble/pdf.js';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { renderReport } from '../../lambdas/core/render.js';
import { buildReport } from '../../lambdas/core/report.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';

const TOOLS = ['/usr/bin/soffice', '/usr/lib/python3/dist-packages/uno.py', '/usr/bin/pdftotext', '/usr/bin/pdfimages'];
const missing = TOOLS.filter((t) => !existsSync(t));
if (missing.length > 0 && !process.env.CI)
  console.warn(`pdf-converter.test.ts skipped: ${missing.join(', ')} not installed`);

/** A PNG of one red pixel: a real image, so that LibreOffice would embed it if it loaded it. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function linkedImage(id: number, rel: string): string {
  return (
    `<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" distT="0" distB="0" distL="0" distR="0">` +
    `<wp:extent cx="952500" cy="952500"/><wp:docPr id="${id}" name="linked ${id}"/>` +
    `<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
    `<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="${id}" name="x${id}.png"/><pic:cNvPicPr/></pic:nvPicPr>` +
    `<pic:blipFill><a:blip r:link="${rel}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
    `<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>` +
    `</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`
  );
}

const field = (instruction: string): string =>
  `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> ${instruction} </w:instrText></w:r>` +
  `<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>fältresultat</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`;

/** The example document with links to the server and to the host's files added to its body. */
function documentWithLinks(baseUrl: string, imageFile: string): Uint8Array {
  const { view } = buildReport({
    period: { committee: 'ks', year: 2023, tertial: 3 },
    config: KS_CONFIG,
    uploads: [],
    closure: {},
  });
  const zip = new PizZip(renderReport(loadDefaultTemplate(), view));
  const targets = [`${baseUrl}/x.png`, `file://${imageFile}`, 'file:///etc/hostname'];
  const rels = zip.file('word/_rels/document.xml.rels')?.asText() ?? '';
  const imageType = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image';
  zip.file(
    'word/_rels/document.xml.rels',
    rels.replace(
      '</Relationships>',
      `${targets.map((t, i) => `<Relationship Id="rIdLinked${i}" Type="${imageType}" Target="${t}" TargetMode="External"/>`).join('')}</Relationships>`,
    ),
  );
  const body =
    targets.map((_, i) => linkedImage(900 + i, `rIdLinked${i}`)).join('') +
    field(`INCLUDEPICTURE "${baseUrl}/field.png" \\d`) +
    field(`INCLUDEPICTURE "${imageFile}" \\d`) +
    field(`INCLUDETEXT "${baseUrl}/text.docx"`) +
    field('INCLUDETEXT "/etc/hostname"');
  const xml = zip.file('word/document.xml')?.asText() ?? '';
  const at = xml.lastIndexOf('<w:sectPr');
  zip.file('word/document.xml', xml.slice(0, at) + body + xml.slice(at));
  return zip.generate({ type: 'uint8array', compression: 'DEFLATE' });
}

let dir: string;
let server: Server;
const requests: string[] = [];
let convert: WarmPdfConverter;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tertial-pdf-links-'));
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'image/png' }).end(png());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Without a network namespace, as in the container and on Lambda: the profile alone must hold.
  convert = libreOfficeConverter({ tmpDir: dir, isolateNetwork: false });
});

afterAll(async () => {
  await convert?.close();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(missing.length > 0 && !process.env.CI)('the PDF conversion dereferences nothing', () => {
  it('10.7: a document linking http://127.0.0.1:PORT/x.png, a host image file and file:///etc/hostname: no request, no embedded file', async () => {
    const imageFile = join(dir, 'host-image.png');
    await writeFile(imageFile, png());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const pdf = await convert(documentWithLinks(base, imageFile));
    const pdfFile = join(dir, 'linked.pdf');
    await writeFile(pdfFile, pdf);

    // Give a late fetch time to arrive before counting.
    await new Promise((r) => setTimeout(r, 500));
    expect(requests).toEqual([]);
    // No image made it into the PDF (the default template has none of its own).
    const images = execFileSync('/usr/bin/pdfimages', ['-list', pdfFile], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .slice(2);
    expect(images).toEqual([]);
    const text = execFileSync('/usr/bin/pdftotext', [pdfFile, '-'], { encoding: 'utf8' });
    const hostname = (await readFile('/etc/hostname', 'utf8')).trim();
    if (hostname.length >= 4) expect(text).not.toContain(hostname);
    expect(text).toContain('Kommunstyrelsens måluppföljning');
  });

  it('one instance converts one document after another', async () => {
    const { view } = buildReport({
      period: { committee: 'ks', year: 2024, tertial: 1 },
      config: KS_CONFIG,
      uploads: [],
      closure: {},
    });
    const docx = renderReport(loadDefaultTemplate(), view);
    for (let i = 0; i < 3; i++) expect(new TextDecoder().decode((await convert(docx)).subarray(0, 5))).toBe('%PDF-');
  });

  it('a closed instance leaves nothing behind: neither its folder nor the pipes LibreOffice makes in /tmp', async () => {
    // This process's instances are named after its pid; the other test files' are not.
    const ours = () =>
      readdirSync('/tmp').filter((n) => n.startsWith('OSL_PIPE_') && n.includes(`tertial-${process.pid}-`));
    const folders = () => readdirSync(dir).filter((n) => n.startsWith('tertial-office-'));
    const before = new Set(ours());
    const foldersBefore = folders().length;
    // Isolated as the local stack runs it, where the platform allows a network namespace.
    const own = libreOfficeConverter({ tmpDir: dir });
    const { view } = buildReport({
      period: { committee: 'ks', year: 2024, tertial: 1 },
      config: KS_CONFIG,
      uploads: [],
      closure: {},
    });
    const pdf = await own(renderReport(loadDefaultTemplate(), view));
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    expect(ours().filter((n) => !before.has(n))).toHaveLength(1);
    expect(folders()).toHaveLength(foldersBefore + 1);
    await own.close();
    expect(ours().filter((n) => !before.has(n))).toEqual([]);
    expect(folders()).toHaveLength(foldersBefore);
  });
});
