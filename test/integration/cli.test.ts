/**
 * The `tertial` command as a person runs it: a separate process, its exit code and
 * what it prints. `local --once` is the README's `npm start -- --once`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docxParagraphs, docxText } from '../helpers/docx-text.js';
import { missingReferenceLines } from '../helpers/reference.js';
import { ACTIVITY_HEADER, buildWorkbook } from '../helpers/workbook.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tertial.mjs');

function tertial(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tertial-cli-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('tertial demo --once (npm start -- --once)', () => {
  it('runs the examples through the local stack and leaves a document holding every paragraph of the reference, in order', async () => {
    const out = join(work, 'out');
    const result = await tertial(['demo', '--once', '--data', join(work, 'data'), '--out', out], {
      TERTIAL_S3_PORT: '0',
      TERTIAL_DYNAMODB_PORT: '0',
      TERTIAL_WEB_PORT: '0',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Dokumentet: .*ks-maluppfoljning-2023-T3\.docx/);
    expect(result.stdout).toMatch(/Statussida: http:\/\/127\.0\.0\.1:\d+\/status\/ks\/2023\/T3\/index\.html/);
    const document = await readFile(join(out, 'ks-maluppfoljning-2023-T3.docx'));
    expect(missingReferenceLines(docxText(document))).toEqual([]);
  });
});

describe('tertial render', () => {
  it('renders the examples offline, without servers, holding every paragraph of the reference', async () => {
    const target = join(work, 'render.docx');
    const examples = ['examples/ks-2023-T3-aktiviteter.xlsx', 'examples/ks-2023-T3-mal-och-arende.xlsx'];
    const result = await tertial(['render', ...examples, '--committee', 'ks', '--period', '2023-T3', '--out', target]);
    expect(result.code).toBe(0);
    expect(missingReferenceLines(docxText(await readFile(target)))).toEqual([]);
  });

  it('renders spreadsheets laid out by hand: titles above headers, merged goal cells, extra columns, a Windows-1252 CSV', async () => {
    const target = join(work, 'handmade.docx');
    const result = await tertial([
      'render',
      'test/fixtures/handmade.xlsx',
      'test/fixtures/activities-win1252.csv',
      '--committee',
      'ks',
      '--period',
      '2024-T2',
      '--out',
      target,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/varning: handmade\.xlsx: .*"Prioritet"/);
    const paragraphs = docxParagraphs(await readFile(target));
    const at = (text: string) => {
      const i = paragraphs.indexOf(text);
      expect(i, `"${text}" in the document`).toBeGreaterThanOrEqual(0);
      return i;
    };
    // The goal cell merged over three activity rows puts all three under that goal.
    const goal = paragraphs.findIndex((p) => p.endsWith('Ökad trygghet för barn och äldre'));
    const nextGoal = paragraphs.findIndex((p) => p.endsWith('Älvstrandens utveckling'));
    expect(goal).toBeGreaterThanOrEqual(0);
    for (const activity of ['Öppna förskolan på Åsen', 'Utbilda personal i bemötande', 'Inför nattvandringar']) {
      expect(at(activity)).toBeGreaterThan(goal);
      expect(at(activity)).toBeLessThan(nextGoal);
    }
    expect(at('Ej påbörjad')).toBeGreaterThan(goal);
    // The Windows-1252 CSV: Swedish letters, a quoted field with a line break and quotes.
    expect(at('Trygghetsvandring i Älvängen')).toBeGreaterThan(0);
    expect(at('Nästa runda i höst, "preliminärt".')).toBe(at('Första rundan är klar.') + 1);
    expect(at('Åsa Öberg')).toBeGreaterThan(0);
    expect(paragraphs.join('\n')).not.toMatch(/undefined|Ã|�/);
  });

  it('warns, as the ingest does, when a workbook written for another period is rendered for this one', async () => {
    const workbook = join(work, 'ks-2024-T1.xlsx');
    const written = await tertial([
      'workbook',
      'ks',
      '2024-T1',
      '--previous',
      'examples/ks-2023-T3-aktiviteter.xlsx',
      '--previous',
      'examples/ks-2023-T3-mal-och-arende.xlsx',
      '--out',
      workbook,
    ]);
    expect(written.code, written.stderr).toBe(0);
    const other = await tertial(['render', 'ks', '2024-T2', workbook, '--out', join(work, 'other-period.docx')]);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toBe(
      'varning: ks-2024-T1.xlsx: Arbetsboken är skriven för ks 2024-T1, men den laddades upp till ks 2024-T2. ' +
        'Innehållet läses in för ks 2024-T2. Om filen hör till ks 2024-T1: ta bort den härifrån och ladda upp den till rätt tertial.\n',
    );
    // Rendered for its own period, the same workbook says nothing.
    const own = await tertial(['render', 'ks', '2024-T1', workbook, '--out', join(work, 'own-period.docx')]);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toBe('');
  });

  it('refuses a bad file: every error on its own line naming the file and row, exit code 1, no document', async () => {
    const bad = join(work, 'fel.xlsx');
    await writeFile(
      bad,
      await buildWorkbook({
        Aktiviteter: [
          ACTIVITY_HEADER,
          ['KS1', 'Något', 'X', 'Klar', ''],
          ['KS1', 'Annat', 'X', 'Pågående', ''],
          ['KS1', 'Tredje', 'X', 'kanske', ''],
        ],
      }),
    );
    const target = join(work, 'fel.docx');
    const result = await tertial(['render', bad, '--committee', 'ks', '--period', '2023-T3', '--out', target]);
    expect(result.code).toBe(1);
    const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('fel: '));
    expect(errorLines).toHaveLength(2);
    expect(errorLines[0]).toMatch(/fel\.xlsx.*[Rr]ad 2.*Status/);
    expect(errorLines[1]).toMatch(/fel\.xlsx.*[Rr]ad 4.*kanske/);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    expect(existsSync(target)).toBe(false);
  });

  it('says what is wrong with the arguments in one line, then the command’s usage line', async () => {
    const result = await tertial([
      'render',
      'x.xlsx',
      '--committee',
      'KS!',
      '--period',
      '2023-T9',
      '--out',
      join(work, 'y.docx'),
    ]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^tertial: Nämnden "KS!" är inte giltig/);
    expect(lines[1]).toMatch(/^Användning: tertial render NÄMND PERIOD FIL\.\.\. --out/);
  });
});

describe('tertial KOMMANDO --help', () => {
  it('prints that command’s paragraph with an example, and exits 0', async () => {
    const close = await tertial(['close', '--help']);
    expect(close.code).toBe(0);
    expect(close.stderr).toBe('');
    expect(close.stdout).toMatch(/^ {2}tertial close NÄMND PERIOD/);
    expect(close.stdout).toMatch(/Exempel: tertial close ks 2023-T3/);
    expect(close.stdout).not.toMatch(/tertial upload|tertial reopen/);

    const upload = await tertial(['upload', 'aktiviteter.xlsx', '-h']);
    expect(upload.code).toBe(0);
    expect(upload.stdout).toMatch(/^ {2}tertial upload NÄMND PERIOD FIL/);
    expect(upload.stdout).toMatch(/Exempel: tertial upload /);
    expect(upload.stdout).not.toMatch(/tertial close/);
  });

  it('answers --help for every command that tertial --help lists, with the same paragraph', async () => {
    const overview = await tertial(['--help']);
    expect(overview.code).toBe(0);
    const commands = [...overview.stdout.matchAll(/^ {2}tertial ([a-z]+)/gm)].map((m) => m[1] ?? '');
    expect(commands).toEqual(
      expect.arrayContaining(['local', 'demo', 'render', 'upload', 'close', 'reopen', 'status', 'reindex', 'workbook']),
    );
    const answers = await Promise.all(commands.map((command) => tertial([command, '--help'])));
    for (const [i, command] of commands.entries()) {
      const help = answers[i] ?? { code: -1, stdout: '', stderr: '' };
      expect(help.code, `${command} --help`).toBe(0);
      expect(help.stdout, `${command} --help`).toMatch(new RegExp(`^ {2}tertial ${command}\\b`));
      expect(help.stdout, `${command} --help`).toMatch(/Exempel: tertial /);
      expect(overview.stdout).toContain(help.stdout.trimEnd());
    }
  });
});

describe('one argument style, strictly parsed, in Swedish', () => {
  it('takes the tertial as NÄMND PERIOD or as --committee/--period in every command, crossing them included', async () => {
    const target = join(work, 'styles.docx');
    const positional = await tertial([
      'render',
      'ks',
      '2023-T3',
      'examples/ks-2023-T3-aktiviteter.xlsx',
      '--out',
      target,
    ]);
    expect(positional.code, positional.stderr).toBe(0);
    const options = await tertial([
      'render',
      'examples/ks-2023-T3-aktiviteter.xlsx',
      '--committee',
      'ks',
      '--period',
      '2023-t3',
      '--out',
      target,
    ]);
    expect(options.code, options.stderr).toBe(0);
  });

  it('a typo like --comittee gives a Swedish line with the closest flag and the usage line, never parseArgs’s English', async () => {
    const result = await tertial(['close', '--comittee', 'ks', '--period', '2024-T1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'tertial: Okänd flagga "--comittee"; menade du --committee?\nAnvändning: tertial close NÄMND PERIOD [--meeting-date ÅÅÅÅ-MM-DD] [--document-date ÅÅÅÅ-MM-DD] [--diarienummer NR] [--tom]\n',
    );
  });

  it('tertial --version prints the version, and tertial alone prints the help and exits 0', async () => {
    const version = await tertial(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^tertial \d+\.\d+\.\d+\n$/);
    const alone = await tertial([]);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^tertial – måluppföljning per tertial/);
  });

  it('2024T2 is refused with the strict spelling suggested; extra arguments are refused', async () => {
    const loose = await tertial(['status', 'ks', '2024T2']);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toMatch(/^tertial: Perioden "2024T2" ska skrivas ÅÅÅÅ-TN; menade du 2024-T2\?\n/);
    const extra = await tertial(['status', 'ks', '2024-T2', 'mer']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/^tertial: Okänt argument "mer"\.\nAnvändning: tertial status NÄMND PERIOD/);
  });

  it('tertial status ks 2024-T4 blames the tertial, not the committee', async () => {
    const result = await tertial(['status', 'ks', '2024-T4']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tertial: Tertial 4 finns inte: ett år har T1 .* och T3/);
    expect(result.stderr).not.toMatch(/Nämnden/);
  });
});
