/**
 * Bundles: each Lambda as the CDK stack builds it, measured by cdk/measure-bundles.ts
 * (esbuild with the stack's options from cdk/bundling.ts; the median time to `import()`
 * the bundle in a fresh Node.js process, NODE_OPTIONS as deployed). It runs as a child
 * process, as it is meant to be run, with `--keep`; this module reads its table and then
 * looks into the kept bundles:
 *
 * - which packages the bytes come from (from each bundle's source map);
 * - whether the ingest bundle contains the renderer (docxtemplater, pizzip, render.ts) or
 *   a spreadsheet library (exceljs or iconv-lite, development dependencies that write
 *   the bench's workbooks and the tests' Windows-1252 files: the workbook reader and its
 *   marked-up copy are the project's own), and the assemble bundle the spreadsheet
 *   parser (numfmt, papaparse, parse/);
 * - where one import's CPU time goes, by package (`--cpu-prof` of one import, frames
 *   mapped through the source map).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { IMPORT_ENV, NODE_OPTIONS } from '../cdk/bundling.js';
import { repoPath } from '../cdk/paths.js';
import { placeOf, readProfile, summarizeProfile } from './lib/profile.js';
import { bytesByPlace, indexSourceMap, sourceAt } from './lib/sourcemap.js';

const run = promisify(execFile);

export interface BundleResult {
  readonly kib: number;
  readonly import_ms: number;
  readonly import_runs_ms: readonly number[];
  /** The same handler with the AWS SDK left to the Lambda runtime (not deployed). */
  readonly runtime_sdk: { readonly kib: number; readonly import_ms: number };
  /** KiB of the deployed bundle by package / project directory, largest first. */
  readonly kib_by_package: Readonly<Record<string, number>>;
  /** Renderer or parser modules found in a bundle that should not have them. */
  readonly forbidden_modules: readonly string[];
  /** Self time of one profiled import by package, largest first. */
  readonly import_profile_ms: Readonly<Record<string, number>>;
}

/** What each function must not contain: the renderer or a spreadsheet library in ingest, the spreadsheet parser in assemble. */
const FORBIDDEN: Readonly<Record<string, RegExp>> = {
  ingest: /node_modules\/(docxtemplater|pizzip|exceljs|iconv-lite)\/|lambdas\/core\/render\.ts/,
  // Two modules under parse/ are no spreadsheet parser: the zip reader (shared with the
  // template check's package inspection) and the text helpers (the one "same goal" key
  // that the report and its comparison match goals with).
  assemble: /node_modules\/(numfmt|papaparse|iconv-lite)\/|lambdas\/core\/parse\/(?!(zip|text)\.ts$)/,
};

interface TableRow {
  readonly name: string;
  readonly deployed: boolean;
  readonly kib: number;
  readonly importMs: number;
  readonly runs: number[];
}

function parseTable(stdout: string): TableRow[] {
  const rows: TableRow[] = [];
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s{2,}/);
    const kib = /^(\d+) KiB$/.exec(cells[2] ?? '');
    const ms = /^(\d+) ms$/.exec(cells[3] ?? '');
    if (cells.length < 5 || !kib || !ms) continue;
    rows.push({
      name: cells[0] as string,
      deployed: (cells[1] ?? '').includes('(deployed)'),
      kib: Number(kib[1]),
      importMs: Number(ms[1]),
      runs: (cells[4] ?? '').split(/\s+/).map(Number),
    });
  }
  return rows;
}

async function importProfile(
  file: string,
  sourceMap: ReturnType<typeof indexSourceMap>,
): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'tertial-import-prof-'));
  try {
    const script = `await import(${JSON.stringify(pathToFileURL(file).href)});`;
    await run(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval', '100', '--input-type=module', '-e', script],
      {
        env: { ...process.env, NODE_OPTIONS, ...IMPORT_ENV },
      },
    );
    const [profileFile] = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
    if (!profileFile) return {};
    const profile = readProfile(join(dir, profileFile));
    const bundleUrl = pathToFileURL(file).href;
    // Charge each frame of the bundle to the package its code came from.
    const mapped = {
      ...profile,
      nodes: profile.nodes.map((n) => {
        if (n.callFrame.url !== bundleUrl) return n;
        const source = sourceAt(sourceMap, n.callFrame.lineNumber, n.callFrame.columnNumber ?? 0);
        return {
          ...n,
          callFrame: { ...n.callFrame, url: source ? `bundle:/${placeOfSource(source)}/` : 'bundle:/(unmapped)' },
        };
      }),
    };
    const summary = summarizeProfile(mapped);
    return Object.fromEntries(
      summary.places
        .filter((p) => p.name !== '(idle)')
        .slice(0, 10)
        .map((p) => [p.name, Math.round(p.ms)]),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `bundle:/node_modules/docxtemplater/` style URLs, which `placeOf` reads back as the package. */
function placeOfSource(source: string): string {
  const place = placeOf(source);
  return place.startsWith('lambdas') || place === 'cli' || place === 'cdk' || place === 'bench'
    ? `x/${place}`
    : `node_modules/${place}`;
}

export async function benchBundles(runs: number): Promise<Record<string, BundleResult>> {
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', 'tsx', repoPath('cdk/measure-bundles.ts'), '--runs', String(runs), '--keep'],
    {
      cwd: repoPath(),
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const kept = /bundles kept in (\S+)/.exec(stderr)?.[1];
  const rows = parseTable(stdout);
  if (!kept || rows.length === 0) throw new Error(`cdk/measure-bundles.ts printed no table:\n${stdout}\n${stderr}`);
  try {
    const results: Record<string, BundleResult> = {};
    for (const deployed of rows.filter((r) => r.deployed)) {
      const other = rows.find((r) => r.name === deployed.name && !r.deployed);
      // measure-bundles.ts writes the deployed variant (SDK bundled) to bundled-sdk/.
      const file = join(kept, deployed.name, 'bundled-sdk', 'index.mjs');
      const [code, mapText] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.map`, 'utf8')]);
      const map = JSON.parse(mapText) as { sources: string[]; mappings: string };
      const index = indexSourceMap(map);
      const forbidden = FORBIDDEN[deployed.name];
      results[deployed.name] = {
        kib: Math.round((await stat(file)).size / 1024),
        import_ms: deployed.importMs,
        import_runs_ms: deployed.runs,
        runtime_sdk: { kib: other?.kib ?? Number.NaN, import_ms: other?.importMs ?? Number.NaN },
        kib_by_package: Object.fromEntries(
          bytesByPlace(index, code)
            .slice(0, 10)
            .map((p) => [p.name, Math.round(p.bytes / 1024)]),
        ),
        forbidden_modules: forbidden
          ? [
              ...new Set(
                map.sources
                  .filter((s) => forbidden.test(s))
                  .map((s) => placeOf(s) + (s.includes('/lambdas/') ? `/${s.replace(/^.*\//, '')}` : '')),
              ),
            ]
          : [],
        import_profile_ms: await importProfile(file, index),
      };
    }
    return results;
  } finally {
    await rm(kept, { recursive: true, force: true });
  }
}
