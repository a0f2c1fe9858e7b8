/**
 * No word broken mid-word in the PDF: every word of the input that pdftotext finds split
 * over two lines must be split with a hyphen (Swedish hyphenation, hyphen-sv), never
 * cut where the column ran out; and the columns are wide enough for each one's longest word
 * (the comment column takes the rest), so a title such as Upphandlingssamordnare stays whole. For the example report (closed, compared with tertial 2)
 * and for a report whose Ansvarig values are long Swedish titles.
 *
 * Needs `soffice` (libreoffice-writer-nogui), `pdftotext` (poppler-utils) and hyphen-sv;
 * .ci/run installs them. Without them the test is skipped, and says so, except in CI.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libreOfficeConverter } from '../../lambdas/assemble/pdf.js';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { renderPeriodDocument } from '../../lambdas/core/document.js';
import type { UploadContent } from '../../lambdas/core/domain.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';
import type { ReportUpload } from '../../lambdas/core/report.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { ACTIVITIES_WORKBOOK, CASE_WORKBOOK, EXAMPLE_PERIOD } from '../../examples/ks-2023-T3.js';
import { PREVIOUS_PERIOD, PREVIOUS_WORKBOOK, previousWorkbook } from '../fixtures/golden/ks-2023-T2.js';

const TOOLS = {
  soffice: '/usr/bin/soffice',
  pdftotext: '/usr/bin/pdftotext',
  'hyphen-sv': '/usr/share/hyphen/hyph_sv_SE.dic',
};
const missing = Object.entries(TOOLS)
  .filter(([, path]) => !existsSync(path))
  .map(([name]) => name);
if (missing.length > 0 && process.env.CI)
  throw new Error(`not installed: ${missing.join(', ')}; .ci/run installs them`);

async function parsed(name: string, bytes: Uint8Array): Promise<ReportUpload> {
  const result = await parseUpload(name, bytes);
  if (!result.ok) throw new Error(`${name}: ${result.errors.map((e) => e.message).join('; ')}`);
  return { name, content: result.content };
}

/** Every word of the uploads' text that a table or paragraph shows. */
function inputWords(uploads: readonly ReportUpload[]): Set<string> {
  const texts = uploads.flatMap(({ content }) => [
    ...content.goals.flatMap((g) => [g.id ?? '', g.title, g.motivation ?? '', g.focusArea ?? '']),
    ...content.activities.flatMap((a) => [a.title, a.responsible ?? '', a.comment ?? '', a.status]),
    ...content.caseSections.map((s) => s.text),
  ]);
  return new Set(texts.flatMap((t) => t.split(/[\s/()«»"”,.;:!?–-]+/u)).filter((w) => w.length >= 4));
}

/**
 * Words of `words` that the text splits over two lines without a hyphen: a line ending in
 * the first part and a following line starting with the rest (`pdftotext -raw` writes a
 * table cell's lines one after the other).
 */
function brokenWords(text: string, words: ReadonlySet<string>): string[] {
  const lines = text.split('\n').map((l) => l.trim());
  const found: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = /(\S+)$/u.exec(lines[i] as string)?.[1];
    if (!head) continue;
    // The continuation may be a few lines on (another cell's line in between).
    for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
      const tail = /^(\S+)/u.exec(lines[j] as string)?.[1];
      if (!tail) continue;
      for (const word of words) {
        if (word === head || !word.startsWith(head)) continue;
        const rest = word.slice(head.length);
        if (tail === rest || tail.startsWith(rest)) found.push(`${head}|${rest}`);
      }
    }
  }
  return [...new Set(found)];
}

function pdftotext(pdf: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(TOOLS.pdftotext, ['-raw', '-enc', 'UTF-8', pdf, '-'], { maxBuffer: 20 * 1024 * 1024 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

const LONG_TITLES: UploadContent = (() => {
  const source = { file: 'titlar.xlsx', sheet: 'Aktiviteter', row: 2 };
  const responsible = [
    'Upphandlingssamordnare',
    'Kommunikationsstrateg',
    'Fastighetschef',
    'Ekonomichef',
    'Digitaliseringsstrateg',
    'Folkhälsosamordnare',
  ];
  return {
    goals: [
      {
        id: 'KS9',
        title: 'Långa titlar i smala kolumner',
        assessment: 'Delvis uppfyllt',
        motivation: 'Kolumnerna får plats.',
        source: { ...source, sheet: 'Mål' },
      },
    ],
    activities: responsible.map((r, i) => ({
      goalRef: 'KS9',
      title: `Samverkansöverenskommelse nummer ${i + 1}`,
      responsible: r,
      status: 'Pågående' as const,
      comment: 'Verksamhetsutvecklingen fortsätter enligt kommunfullmäktiges beslut.',
      source: { ...source, row: i + 2 },
    })),
    caseSections: [],
  };
})();

describe.skipIf(missing.length > 0 && !process.env.CI)(
  `no word broken mid-word in the PDF (skipped only where ${missing.join(', ') || 'nothing'} is missing)`,
  () => {
    let work: string;
    const convert = libreOfficeConverter();

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'tertial-words-'));
    });
    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    });

    async function pdfTextOf(name: string, uploads: ReportUpload[], previous?: ReportUpload[]): Promise<string> {
      const rendered = renderPeriodDocument({
        period: EXAMPLE_PERIOD,
        config: KS_CONFIG,
        template: loadDefaultTemplate(),
        uploads,
        ...(previous ? { previous: { period: PREVIOUS_PERIOD, uploads: previous } } : {}),
        closure: { diarienummer: 'KS 2024/12', documentDate: '2024-01-20', meetingDate: '2024-02-06' },
        draft: false,
      });
      if (!rendered.ok) throw new Error(rendered.errors.map((e) => e.message).join('; '));
      const path = join(work, `${name}.pdf`);
      await writeFile(path, await convert(rendered.bytes));
      return pdftotext(path);
    }

    it('the example report, compared with tertial 2: no input word split across lines without a hyphen', async () => {
      const names = [ACTIVITIES_WORKBOOK, CASE_WORKBOOK].sort();
      const uploads = await Promise.all(
        names.map(async (n) =>
          parsed(n, new Uint8Array(await readFile(new URL(`../../examples/${n}`, import.meta.url)))),
        ),
      );
      const previous = [await parsed(PREVIOUS_WORKBOOK, await previousWorkbook())];
      const text = await pdfTextOf('example', uploads, previous);
      expect(text).toContain('Ekonomichef');
      expect(brokenWords(text, inputWords(uploads))).toEqual([]);
    }, 120_000);

    it('a report whose Ansvarig values include Upphandlingssamordnare and Kommunikationsstrateg: none split without a hyphen', async () => {
      const uploads = [{ name: 'titlar.xlsx', content: LONG_TITLES }];
      const text = await pdfTextOf('titles', uploads, [{ name: 'titlar.xlsx', content: LONG_TITLES }]);
      expect(brokenWords(text, inputWords(uploads))).toEqual([]);
      // The columns fit their longest word: the titles stay whole on their line.
      const lines = text.split('\n').map((l) => l.trim());
      for (const title of [
        'Upphandlingssamordnare',
        'Kommunikationsstrateg',
        'Digitaliseringsstrateg',
        'Folkhälsosamordnare',
      ]) {
        expect(
          lines.some((l) => l.split(' ').includes(title)),
          title,
        ).toBe(true);
      }
    }, 120_000);

    it('the detector finds a word cut without a hyphen (control)', () => {
      expect(brokenWords('Ekonomiche\nf\nPågående', new Set(['Ekonomichef']))).toEqual(['Ekonomiche|f']);
      expect(brokenWords('Ekonomi-\nchef', new Set(['Ekonomichef']))).toEqual([]);
    });
  },
);
