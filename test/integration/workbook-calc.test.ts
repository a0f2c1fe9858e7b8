/**
 * The staff workbook as LibreOffice Calc opens and saves it: its drop-downs survive, and
 * what Calc saves is still an upload the parser takes. An integration test: it runs
 * LibreOffice (`apt-get install libreoffice-calc-nogui`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Period, UploadContent } from '../../lambdas/core/domain.js';
import { buildWorkbook } from '../../lambdas/core/workbook.js';
import { dataValidations, openXlsx, partText, sheetXml } from '../helpers/xlsx-parts.js';
import { parsed } from '../helpers/parse-results.js';

const T2: Period = { committee: 'ks', year: 2024, tertial: 2 };

const SOFFICE = '/usr/bin/soffice';
// LibreOffice without Calc (e.g. only libreoffice-writer-nogui, for documents) cannot load a workbook.
const CALC = '/usr/lib/libreoffice/program/libsclo.so';
const hasSoffice = existsSync(SOFFICE) && existsSync(CALC);
const sofficeReason = hasSoffice
  ? ''
  : ` (skipped: LibreOffice Calc is not installed, ${SOFFICE} and ${CALC}; apt-get install libreoffice-calc-nogui)`;

describe('buildWorkbook: LibreOffice Calc', () => {
  // Without LibreOffice the test is skipped locally, but fails in CI rather than pass unseen.
  it.skipIf(!hasSoffice && !process.env.CI)(
    `opens it and keeps the drop-downs, and what it saves still parses${sofficeReason}`,
    async () => {
      if (!hasSoffice) throw new Error(`LibreOffice Calc (${SOFFICE}, ${CALC}) is required in CI for this test`);
      const previous: UploadContent = {
        goals: [{ id: 'KS1', title: 'Ekonomi', motivation: '', source: { file: 'a.xlsx', sheet: 'Mål', row: 2 } }],
        activities: [
          {
            goalRef: 'KS1',
            title: 'Plan',
            status: 'Pågående',
            comment: 'Förra.',
            source: { file: 'a.xlsx', sheet: 'Aktiviteter', row: 2 },
          },
        ],
        caseSections: [],
      };
      const dir = await mkdtemp(join(tmpdir(), 'tertial-soffice-'));
      try {
        await writeFile(join(dir, 'uppfoljning.xlsx'), await buildWorkbook({ period: T2, previous: [previous] }));
        // A profile of its own: a LibreOffice already running elsewhere must not take over the conversion.
        const soffice = (args: string[]) =>
          promisify(execFile)(
            SOFFICE,
            [`-env:UserInstallation=file://${join(dir, 'profile')}`, '--headless', '--norestore', ...args],
            { cwd: dir, timeout: 120_000 },
          );
        await soffice(['--convert-to', 'ods', '--outdir', dir, join(dir, 'uppfoljning.xlsx')]);
        const content = partText(openXlsx(await readFile(join(dir, 'uppfoljning.ods'))), 'content.xml');
        const tables = [...content.matchAll(/<table:table table:name="([^"]*)"/g)].map((m) => m[1]);
        expect(tables).toEqual(['Instruktioner', 'Ärende', 'Mål', 'Aktiviteter']);
        const validations = [
          ...content.matchAll(
            /<table:content-validation\b[^>]*table:condition="([^"]*)"[\s\S]*?<\/table:content-validation>/g,
          ),
        ];
        const conditions = validations.map((m) => (m[1] ?? '').replace(/&quot;/g, '"'));
        expect(conditions).toContain('of:cell-content-is-in-list("Ej påbörjad";"Pågående";"Genomförd";"Avbruten")');
        expect(conditions).toContain(
          'of:cell-content-is-in-list("Uppfyllt";"Delvis uppfyllt";"Ej uppfyllt";"Ej bedömt")',
        );
        expect(conditions).toContain('of:is-true-formula(0)');
        const status = validations.find((m) => (m[1] ?? '').includes('Pågående'))?.[0] ?? '';
        expect(status).toMatch(/<table:help-message table:title="Status" table:display="true">/);
        expect(status).toMatch(/<table:error-message table:message-type="stop"/);

        // Saved again as .xlsx by LibreOffice, it is still an upload the parser takes.
        await soffice(['--convert-to', 'xlsx', '--outdir', join(dir, 'back'), join(dir, 'uppfoljning.ods')]);
        const { content: back, warnings } = await parsed(
          'back.xlsx',
          await readFile(join(dir, 'back', 'uppfoljning.xlsx')),
        );
        expect(warnings).toEqual([]);
        expect(back.activities.map((a) => [a.goalRef, a.title, a.status])).toEqual([['KS1', 'Plan', 'Pågående']]);
        expect(
          dataValidations(sheetXml(openXlsx(await readFile(join(dir, 'back', 'uppfoljning.xlsx'))), 'Aktiviteter')).map(
            (v) => v.attributes.type,
          ),
        ).toEqual(['list', 'custom']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
