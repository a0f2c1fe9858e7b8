/**
 * The committee document as its readers get it, checked with readers the project does
 * not use to write it: LibreOffice converts the .docx to PDF (as the local stack does on
 * every close), poppler's `pdftotext` and `pdfinfo` read the PDF, and Debian's
 * python3-docx reads the .docx's headings, tables and properties.
 *
 * Needs `soffice` (libreoffice-writer-nogui), `pdftotext`/`pdfinfo`/`pdftoppm`
 * (poppler-utils) and python3-docx; .ci/run installs them. Without them the tests are
 * skipped with the reason, unless CI is set, where their absence is a failure.
 *
 * With UPDATE_GOLDEN=1 the test also refreshes the reference pictures
 * test/fixtures/reference-page-1.png and reference-page-3.png (shown in the README).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closureKey, closureReceiptKey, documentKey, pdfKey, uploadKey } from '../../lambdas/core/keys.js';
import type { ClosureReceipt } from '../../lambdas/core/receipt.js';
import type { Period } from '../../lambdas/core/domain.js';
import { ACTIVITIES_WORKBOOK, CASE_WORKBOOK } from '../../examples/ks-2023-T3.js';
import { PREVIOUS_WORKBOOK, previousWorkbook } from '../fixtures/golden/ks-2023-T2.js';
import { UPDATE_GOLDEN } from '../golden/golden.js';
import { docxParagraphs } from '../helpers/docx-text.js';
import { startTestStack, type TestStack } from '../helpers/local.js';
import { missingReferenceLines } from '../helpers/reference.js';

const PYTHON = '/usr/bin/python3';
const TOOLS = {
  soffice: '/usr/bin/soffice',
  pdftotext: '/usr/bin/pdftotext',
  pdfinfo: '/usr/bin/pdfinfo',
  pdftoppm: '/usr/bin/pdftoppm',
};
const missingTools = Object.entries(TOOLS)
  .filter(([, path]) => !existsSync(path))
  .map(([name]) => name);
const hasPythonDocx = existsSync(PYTHON) && existsSync('/usr/lib/python3/dist-packages/docx/__init__.py');
const skipReason =
  missingTools.length > 0
    ? `not installed: ${missingTools.join(', ')} (apt-get install libreoffice-writer-nogui poppler-utils)`
    : '';

describe('the tools the document checks need', () => {
  it.runIf(process.env.CI)('are installed in CI (.ci/run installs them)', () => {
    expect(missingTools).toEqual([]);
    expect(hasPythonDocx, 'python3-docx').toBe(true);
  });
  if (missingTools.length > 0 && !process.env.CI)
    it.skip(`the document checks below are skipped: ${skipReason}`, () => {});
});

function run(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 20 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const T2: Period = { committee: 'ks', year: 2023, tertial: 2 };
const T3: Period = { committee: 'ks', year: 2023, tertial: 3 };
const CLOSURE = JSON.stringify({ diarienummer: 'KS 2024/12', documentDate: '2024-01-20', meetingDate: '2024-02-06' });

describe.skipIf(missingTools.length > 0 && !process.env.CI)('the closed document, read by other programs', () => {
  let stack: TestStack;
  let work: string;
  let receipt: ClosureReceipt;
  let docxPath: string;
  let pdfPath: string;
  let pdfText: string;

  beforeAll(async () => {
    stack = await startTestStack();
    work = await mkdtemp(join(tmpdir(), 'tertial-document-'));
    // Tertial 2, closed: the comparison's baseline.
    await stack.put(uploadKey(T2, PREVIOUS_WORKBOOK), await previousWorkbook());
    await stack.idle();
    await stack.put(closureKey(T2), '');
    await stack.idle();
    // Tertial 3, the example workbooks, closed with the meeting details.
    for (const name of [CASE_WORKBOOK, ACTIVITIES_WORKBOOK]) {
      await stack.put(uploadKey(T3, name), await readFile(new URL(`../../examples/${name}`, import.meta.url)));
    }
    await stack.idle();
    await stack.put(closureKey(T3), CLOSURE);
    await stack.idle();
    receipt = (await stack.outputJson<ClosureReceipt>(closureReceiptKey(T3))) as ClosureReceipt;
    docxPath = join(work, 'dokument.docx');
    pdfPath = join(work, 'dokument.pdf');
    await writeFile(docxPath, (await stack.output(documentKey(T3))) as Uint8Array);
    await writeFile(pdfPath, (await stack.output(pdfKey(T3))) as Uint8Array);
    pdfText = await run(TOOLS.pdftotext, ['-layout', '-enc', 'UTF-8', pdfPath, '-']);
  }, 180_000);

  afterAll(async () => {
    await stack?.dispose();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes the PDF beside the Word document, compares with the closed tertial 2, and says both in the receipt', async () => {
    expect(stack.failedEvents).toEqual([]);
    expect(receipt).toMatchObject({
      status: 'closed',
      document: documentKey(T3),
      pdf: { status: 'written', key: pdfKey(T3) },
      comparedWith: '2023-T2',
    });
    expect(pdfKey(T3)).toBe('documents/ks/2023/T3/ks-maluppfoljning-2023-T3.pdf');
    expect(receipt.message).toContain(`PDF: ${pdfKey(T3)}.`);
    expect(receipt.message).toContain('jämfört med tertial 2 2023');
    expect((await readFile(pdfPath)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Tertial 2 had nothing to compare with (no tertial 1), and got its own PDF.
    const t2 = await stack.outputJson<ClosureReceipt>(closureReceiptKey(T2));
    expect(t2?.comparedWith).toBeUndefined();
    expect(t2?.pdf).toEqual({ status: 'written', key: pdfKey(T2) });
  });

  it('pdftotext finds every line of the reference document, in order', () => {
    // Hyphenation splits words at line ends ("kommun-" / "fullmäktiges"): a line is missing
    // only if it is missing from the text as printed and from the text with those joined.
    const joined = pdfText.replace(/(\p{L})-\n[ \t]*(\p{Ll})/gu, '$1$2');
    const inJoined = new Set(missingReferenceLines(joined));
    expect(missingReferenceLines(pdfText).filter((line) => inJoined.has(line))).toEqual([]);
  });

  it('pdftotext finds the meeting details, the status overview, the changes and the page numbers', () => {
    const text = pdfText.replace(/[ \t\u00a0]+/g, ' ');
    for (const line of [
      'TJÄNSTESKRIVELSE',
      'Datum 2024-01-20',
      'Dnr KS 2024/12',
      'Sammanträde 2024-02-06',
      'Måluppfyllelse i sammandrag',
      '◐ Delvis uppfyllt 3',
      '● Genomförd 9',
      'Förändringar sedan tertial 2',
      'Ej uppfyllt → Delvis uppfyllt',
      'Redovisas inte längre (var',
      'Bedömningen har ändrats sedan tertial 2, då den var Delvis uppfyllt.',
      'Sida 1 av',
    ]) {
      expect(text, line).toContain(line);
    }
    const pages = (pdfText.match(/\f/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(text).toContain(`Sida ${pages} av ${pages}`);
    // The running header of later pages carries the case number; the first page has the letterhead.
    const [first, second] = pdfText.split('\f');
    expect(first).toMatch(/Ånge kommun\s+TJÄNSTESKRIVELSE/);
    expect(second).toMatch(/Kommunstyrelsen\s+Dnr KS 2024\/12/);
  });

  it('is a tagged PDF in Swedish whose properties name the title, subject and author', async () => {
    const info = await run(TOOLS.pdfinfo, [pdfPath]);
    expect(info).toMatch(/^Title:\s+Kommunstyrelsens måluppföljning tertialrapport 3 2023$/m);
    expect(info).toMatch(/^Subject:\s+Uppföljning av kommunstyrelsens mål, tertial 3 2023$/m);
    expect(info).toMatch(/^Author:\s+Kommunförvaltningen, Ånge kommun$/m);
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)$/m);
    const raw = (await readFile(pdfPath)).toString('latin1');
    expect(raw).toContain('/Lang(sv-SE)');
  });

  it("renders page 1 and the first goal page as pictures (UPDATE_GOLDEN=1 refreshes the README's pictures)", async () => {
    const page3 = pdfText.split('\f').findIndex((page) => page.includes('Förändringar sedan tertial 2')) + 1;
    expect(page3).toBeGreaterThan(1);
    for (const [page, name] of [
      [1, 'reference-page-1'],
      [page3, 'reference-page-3'],
    ] as const) {
      const prefix = join(work, name);
      await run(TOOLS.pdftoppm, [
        '-png',
        '-r',
        '80',
        '-f',
        String(page),
        '-l',
        String(page),
        '-singlefile',
        pdfPath,
        prefix,
      ]);
      const png = await readFile(`${prefix}.png`);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // A4 at 80 dpi.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([662, 936]);
      if (UPDATE_GOLDEN) await copyFile(`${prefix}.png`, new URL(`../fixtures/${name}.png`, import.meta.url));
    }
    expect(existsSync(new URL('../fixtures/reference-page-1.png', import.meta.url))).toBe(true);
  });

  describe.skipIf(!hasPythonDocx && !process.env.CI)('python3-docx reads the .docx', () => {
    interface Read {
      headings: [number, string][];
      firstBodyParagraphs: string[];
      tables: { header: string[]; repeats: boolean; rows: number }[];
      core: { title: string; subject: string; author: string; language: string; keywords: string };
    }
    let read: Read;

    beforeAll(async () => {
      const script = `
import docx, json, sys
from docx.oxml.ns import qn
d = docx.Document(sys.argv[1])
headings = []
for p in d.paragraphs:
    name = p.style.name
    if name == 'Title':
        headings.append([0, p.text])
    elif name.startswith('Heading '):
        headings.append([int(name.split(' ')[1]), p.text])
tables = []
for t in d.tables:
    first = t.rows[0]
    trPr = first._tr.trPr
    tables.append({'header': [c.text for c in first.cells], 'repeats': trPr is not None and trPr.find(qn('w:tblHeader')) is not None, 'rows': len(t.rows)})
c = d.core_properties
print(json.dumps({'headings': headings, 'firstBodyParagraphs': [p.text for p in d.paragraphs[:6]], 'tables': tables,
  'core': {'title': c.title, 'subject': c.subject, 'author': c.author, 'language': c.language, 'keywords': c.keywords}}))
`;
      read = JSON.parse(await run(PYTHON, ['-c', script, docxPath])) as Read;
    });

    it('finds the title, then headings in order without skipping a level', () => {
      const [title, ...headings] = read.headings;
      expect(title).toEqual([0, 'Kommunstyrelsens måluppföljning tertialrapport 3 2023']);
      expect(headings[0]).toEqual([1, 'Förslag till beslut']);
      let previous = 1;
      for (const [level, text] of headings) {
        expect(level, `"${text}" (level ${level} after ${previous})`).toBeLessThanOrEqual(previous + 1);
        previous = level;
      }
      expect(headings).toContainEqual([2, 'Måluppfyllelse i sammandrag']);
      expect(headings).toContainEqual([2, 'Förändringar sedan tertial 2']);
      expect(headings).toContainEqual([2, 'KS1 Ekonomi i balans']);
      expect(headings.filter(([level, text]) => level === 3 && text === 'Motivering')).toHaveLength(5);
    });

    it('finds the meeting details as text at the top of the body', () => {
      expect(read.firstBodyParagraphs.slice(0, 5)).toEqual([
        'Datum 2024-01-20',
        'Dnr KS 2024/12',
        'Kommunstyrelsen',
        'Sammanträde 2024-02-06',
        'Kommunstyrelsens måluppföljning tertialrapport 3 2023',
      ]);
    });

    it('finds every table with a header row that repeats on each page', () => {
      expect(read.tables.map((t) => t.header)).toEqual([
        ['Bedömning', 'Antal mål'],
        ['Status', 'Antal aktiviteter'],
        ['Mål', 'Avser', 'Förändring'],
        ...Array.from({ length: 5 }, () => ['Aktivitet', 'Ansvarig', 'Status', 'Förändring', 'Kommentar']),
      ]);
      expect(read.tables.every((t) => t.repeats)).toBe(true);
      // The five goals' activity tables: 4 + 5 + 4 + 3 + 3 activities, each under its header row.
      expect(read.tables.slice(3).map((t) => t.rows - 1)).toEqual([4, 5, 4, 3, 3]);
    });

    it('finds title, subject, author, keywords and language in the properties', () => {
      expect(read.core).toEqual({
        title: 'Kommunstyrelsens måluppföljning tertialrapport 3 2023',
        subject: 'Uppföljning av kommunstyrelsens mål, tertial 3 2023',
        author: 'Kommunförvaltningen, Ånge kommun',
        language: 'sv-SE',
        keywords: 'måluppföljning; tertialrapport; Kommunstyrelsen',
      });
    });
  });

  it('keeps the reference text in the Word document as well (the same check as test/unit/reference-document)', async () => {
    const paragraphs = docxParagraphs(await readFile(docxPath)).join('\n');
    expect(missingReferenceLines(paragraphs)).toEqual([]);
  });
});
