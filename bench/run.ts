/**
 * `npm run bench`: the pipeline against its engine, its peers and the floor, in one run.
 *
 *   npm run bench                       # everything, prints the tables (about 5 minutes)
 *   npm run bench -- --json out.json    # also writes the results as JSON
 *   npm run bench -- --only render,parse --quick
 *   npm run bench -- --profile [--profile-dir DIR]   # CPU profiles of the project's side, summarised
 *
 * Every time is a median over repeated runs, interleaved round by round with its
 * baselines in this process, and every comparison is the median of the per-round ratios
 * (see bench/lib/measure.ts). Peak RSS comes from fresh processes. The README section
 * "Benchmarks" says what each component measures and against what.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { parseArgs } from 'node:util';

// The AWS SDK's notice that its 2027 releases need Node.js 22 is not a result.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const COMPONENTS = ['render', 'parse', 'template', 'ingest', 'rush', 'close', 'bundles', 'cli'] as const;
type Component = (typeof COMPONENTS)[number];

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'profile-dir': { type: 'string' },
  },
});
const only = new Set((args.only ?? COMPONENTS.join(',')).split(',').map((s) => s.trim()));
for (const name of only)
  if (!(COMPONENTS as readonly string[]).includes(name))
    throw new Error(`--only: unknown component ${name}; known: ${COMPONENTS.join(', ')}`);
const wants = (c: Component): boolean => only.has(c);
const quick = args.quick;
const profileDir = args['profile-dir'];
if (profileDir) await mkdir(profileDir, { recursive: true });

// Loaded after the environment is set.
const { benchRender } = await import('./render.js');
const { benchParse, benchHostile } = await import('./parse.js');
const { benchTemplateCheck } = await import('./template-check.js');
const { benchIngest } = await import('./ingest.js');
const { benchClose } = await import('./close.js');
const { benchRush } = await import('./rush.js');
const { benchBundles } = await import('./bundles.js');
const { MAX_BUNDLE_BYTES } = await import('../cdk/bundling.js');
const { benchCli } = await import('./cli.js');
const { profileWork } = await import('./lib/inspect.js');
const { formatSummary } = await import('./lib/profile.js');
const { round } = await import('./lib/measure.js');

type Json = Record<string, unknown>;
const started = performance.now();
const out: Json = {
  machine: {
    node: process.version,
    arch: os.arch(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    load_average_at_start: os.loadavg().map((x) => round(x, 2)),
    gc_between_samples: typeof (globalThis as { gc?: unknown }).gc === 'function',
  },
};
const rows: string[][] = [];
const targets: { target: string; measured: string; met: boolean }[] = [];
const profiles: string[] = [];
const log = (message: string): void =>
  void process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

const ms = (x: number): string => (x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
const times = (x: number): string => `${x.toFixed(2)}×`;
const mb = (x: number): string => `${x.toFixed(0)} MB`;
const n = (x: number): string => x.toLocaleString('en-US');
function target(name: string, measured: string, met: boolean): void {
  targets.push({ target: name, measured, met });
}
function strip(o: object, ...keys: string[]): Json {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

// ---------------------------------------------------------------------------------------

if (wants('render')) {
  const sizes: { rows: number; rounds: number }[] = quick
    ? [
        { rows: 100, rounds: 3 },
        { rows: 10_000, rounds: 2 },
      ]
    : [
        { rows: 100, rounds: 15 },
        { rows: 1_000, rounds: 9 },
        { rows: 10_000, rounds: 7 },
      ];
  const results = [];
  for (const size of sizes) {
    log(`render ${n(size.rows)} rows, ${size.rounds} rounds`);
    const r = await benchRender(size.rows, size.rounds);
    results.push(r);
    rows.push([
      `render ${n(r.rows)} rows (${r.goals} goals)`,
      ms(r.tertial_ms),
      `docxtemplater ${ms(r.docxtemplater_ms)}`,
      ms(r.floor_ms),
      `${times(r.tertial_vs_docxtemplater)} docxtemplater, ${times(r.tertial_vs_floor)} floor`,
      '',
    ]);
    target(
      `render ${n(r.rows)}: tertial ≤ 1.1 × docxtemplater`,
      times(r.tertial_vs_docxtemplater),
      r.tertial_vs_docxtemplater <= 1.1,
    );
  }
  const largest = results[results.length - 1];
  const smallest = results[0];
  if (largest && smallest) {
    target(
      `render ${n(smallest.rows)}: tertial ≤ 10 × floor`,
      times(smallest.tertial_vs_floor),
      smallest.tertial_vs_floor <= 10,
    );
    target(
      `render ${n(largest.rows)}: tertial ≤ 5 × floor`,
      times(largest.tertial_vs_floor),
      largest.tertial_vs_floor <= 5,
    );
    out.render = {
      ...strip(largest, 'samples'),
      floor_ratio_100: results.find((r) => r.rows === 100)?.tertial_vs_floor,
      floor_ratio_10000: results.find((r) => r.rows === 10_000)?.tertial_vs_floor,
      sizes: results.map((r) => strip(r, 'samples')),
    };
  }
  if (args.profile) {
    const { KS_CONFIG } = await import('../lambdas/core/committee.js');
    const { renderReport } = await import('../lambdas/core/render.js');
    const { loadDefaultTemplate } = await import('../lambdas/runtime/default-template.js');
    const { buildReport } = await import('../lambdas/core/report.js');
    const { reportContent } = await import('./lib/data.js');
    const template = loadDefaultTemplate();
    const input = {
      period: { committee: 'ks', year: 2023, tertial: 3 } as const,
      config: KS_CONFIG,
      uploads: [{ name: 'a.xlsx', content: reportContent(10_000) }],
      closure: {},
    };
    renderReport(template, buildReport(input).view);
    const summary = await profileWork(
      async () => {
        for (let i = 0; i < 3; i++) renderReport(template, buildReport(input).view);
      },
      {
        name: 'render-10000',
        ...(profileDir ? { dir: profileDir } : {}),
        totals: ['buildReport', 'renderReport', 'compile', 'render', 'writeDocxFromPizZip', 'setCoreTitle'],
      },
    );
    profiles.push(`render 10,000 rows (buildReport + renderReport, 3 runs)\n${formatSummary(summary, 15)}`);
  }
}

if (wants('parse')) {
  log('parse: writing workbooks and CSV files, then in-process rounds and fresh processes');
  const result = await benchParse(
    quick
      ? { rounds: 2, processes: 1, xlsxRows: [20_000, 100_000], csvRows: [10_000, 100_000] }
      : { rounds: 5, processes: 3, xlsxRows: [20_000, 49_999, 100_000], csvRows: [10_000, 20_000, 50_000, 100_000] },
  );
  for (const c of result.cases) {
    rows.push([
      `parse ${c.format} ${n(c.rows)} rows: ${c.outcome}`,
      ms(c.ms),
      c.format === 'csv' ? `papaparse ${ms(c.floor_ms)}` : '',
      c.format === 'xlsx' ? ms(c.floor_ms) : '',
      `${times(c.vs_floor)} ${c.format === 'xlsx' ? 'floor' : 'papaparse'}`,
      `${mb(c.peak_rss_mb)} (start ${mb(c.start_rss_mb)}; ${c.format === 'xlsx' ? 'floor' : 'papaparse'} ${mb(c.floor_peak_rss_mb)})`,
    ]);
  }
  log('parse: refusing the small hostile workbooks');
  const hostile = await benchHostile(quick ? { rounds: 2, processes: 1 } : { rounds: 5, processes: 3 });
  for (const h of hostile) {
    rows.push([
      `refuse hostile xlsx, ${h.name}, ${n(h.file_bytes)} bytes: ${h.outcome}`,
      ms(h.ms),
      '',
      '',
      `cold ${ms(h.cold_ms)}`,
      `${mb(h.peak_rss_mb)} (start ${mb(h.start_rss_mb)})`,
    ]);
  }
  const xlsx = result.cases.filter((c) => c.format === 'xlsx');
  const csv = result.cases.filter((c) => c.format === 'csv');
  const headline = xlsx.find((c) => c.rows === 20_000) ?? xlsx[0];
  const csvHeadline = csv.find((c) => c.rows === 20_000) ?? csv[0];
  const csvLargest = csv[csv.length - 1];
  const csvSmallest = csv[0];
  for (const c of xlsx.filter((c) => c.rows < 50_000)) {
    target(`parse xlsx ${n(c.rows)} rows: ≤ 2.5 × floor`, times(c.vs_floor), c.vs_floor <= 2.5);
  }
  for (const c of xlsx) {
    target(
      `parse xlsx ${n(c.rows)} rows: peak RSS ≤ 1.5 × floor`,
      `${times(c.peak_rss_vs_floor)} (${mb(c.peak_rss_mb)}; floor ${mb(c.floor_peak_rss_mb)})`,
      c.peak_rss_vs_floor <= 1.5,
    );
  }
  const rssMax = Math.max(...xlsx.map((c) => c.peak_rss_mb));
  target('parse xlsx, every size up to 100,000 rows: peak RSS ≤ 400 MB', mb(rssMax), rssMax <= 400);
  if (csvLargest && csvSmallest) {
    target(
      `parse csv ${n(csvLargest.rows)} rows: peak RSS ≤ 150 MB, flat in size`,
      `${mb(csvLargest.peak_rss_mb)} (${n(csvSmallest.rows)} rows: ${mb(csvSmallest.peak_rss_mb)})`,
      csvLargest.peak_rss_mb <= 150,
    );
  }
  out.parse = {
    rows: headline?.rows,
    note:
      'xlsx_* and csv_* are at 20,000 rows, the largest input accepted (MAX_DATA_ROWS). A sheet reaching past row 50,000 (MAX_SHEET_ROWS) ' +
      'is refused by the extent scan before it is read, so 100,000 rows measures the refusal; 49,999 rows is the largest sheet read in full. See cases.',
    xlsx_ms: headline?.ms,
    xlsx_floor_ms: headline?.floor_ms,
    xlsx_vs_floor: headline?.vs_floor,
    xlsx_peak_rss_mb: headline?.peak_rss_mb,
    xlsx_floor_peak_rss_mb: headline?.floor_peak_rss_mb,
    xlsx_peak_rss_vs_floor: headline?.peak_rss_vs_floor,
    xlsx_max_peak_rss_mb: rssMax,
    csv_ms: csvHeadline?.ms,
    csv_peak_rss_mb: csvHeadline?.peak_rss_mb,
    csv_100k_peak_rss_mb: csv.find((c) => c.rows === 100_000)?.peak_rss_mb,
    cases: result.cases,
    hostile,
  };
  if (args.profile) {
    const { parseUpload } = await import('../lambdas/core/parse/index.js');
    const { workbookBytes } = await import('./lib/data.js');
    const bytes = await workbookBytes(20_000);
    await parseUpload('a.xlsx', bytes);
    const summary = await profileWork(
      async () => {
        for (let i = 0; i < 3; i++) await parseUpload('a.xlsx', bytes);
      },
      {
        name: 'parse-xlsx-20000',
        ...(profileDir ? { dir: profileDir } : {}),
        // The reader's stages (inflate, decode, shared strings, the sheet's scan, the dense
        // grid), then the validation of the two sheets.
        totals: [
          'readWorkbook',
          'inflateEntry',
          'partText',
          'readSharedStrings',
          'readSheet',
          'tokenize',
          'toGrid',
          'parseActivities',
          'tableRecords',
          'parseGoals',
        ],
      },
    );
    profiles.push(`parse xlsx 20,000 rows (parseUpload, 3 runs)\n${formatSummary(summary, 15)}`);
  }
}

if (wants('template')) {
  const rounds = quick ? 3 : 9;
  log(`template check: the oversized template against the default template's check, ${rounds} rounds`);
  const r = await benchTemplateCheck(rounds, quick ? 1 : 3);
  rows.push([
    `template check: refuse ${n(Math.round(r.file_bytes / 1024))} KB → 640 MiB document.xml`,
    ms(r.refuse_ms),
    `default template ${ms(r.default_check_ms)}`,
    '',
    `${times(r.refuse_vs_default_check)} default template`,
    `${mb(r.refuse_peak_rss_mb)} (start ${mb(r.refuse_start_rss_mb)}; default template ${mb(r.default_check_peak_rss_mb)})`,
  ]);
  target(
    'template check: refusing the oversized template ≤ 1 × checking the default',
    times(r.refuse_vs_default_check),
    r.refuse_vs_default_check <= 1,
  );
  target(
    'template check: refusing the oversized template ≤ 10 MB above start RSS',
    `${mb(r.refuse_peak_rss_mb - r.refuse_start_rss_mb)}`,
    r.refuse_peak_rss_mb - r.refuse_start_rss_mb <= 10,
  );
  out.template_check = r;
}

if (wants('ingest')) {
  const rowsIngest = 10_000;
  const rounds = quick ? 2 : 5;
  log(`ingest ${n(rowsIngest)} rows, ${rounds} rounds`);
  let profile: string | undefined;
  const r = await benchIngest(
    rowsIngest,
    rounds,
    args.profile
      ? async (upload) => {
          const summary = await profileWork(upload, {
            name: 'ingest-10000',
            ...(profileDir ? { dir: profileDir } : {}),
            totals: ['ingestUpload', 'parseUpload', 'readWorkbook', 'stageUpload', 'commitFile', 'put'],
          });
          profile = `ingest ${n(rowsIngest)} rows (one upload through the handler)\n${formatSummary(summary, 15)}`;
        }
      : undefined,
  );
  if (profile) profiles.push(profile);
  rows.push([
    `ingest ${n(r.rows)} rows (handler)`,
    ms(r.tertial_ms),
    `BatchWriteItem ${n(r.batchwrite_items)} items ${ms(r.batchwrite_ms)}`,
    `${ms(r.chunk_batchwrite_ms)} (${r.chunk_items} chunk items)`,
    `${times(r.tertial_vs_batchwrite)} BatchWriteItem`,
    '',
  ]);
  target(
    `ingest ${n(r.rows)} rows: tertial ≤ 1.5 × BatchWriteItem`,
    times(r.tertial_vs_batchwrite),
    r.tertial_vs_batchwrite <= 1.5,
  );
  out.ingest = r;
}

if (wants('rush')) {
  const uploads = quick ? 50 : 200;
  // DynamoDB Local is a Java process: measured where Java is installed (CI installs it).
  const java =
    existsSync('/usr/bin/java') ||
    (process.env.JAVA_HOME !== undefined && existsSync(`${process.env.JAVA_HOME}/bin/java`));
  log(`rush: ${uploads} uploads at once into one period, dynalite${java ? ' and DynamoDB Local' : ''}`);
  const r = await benchRush(uploads, java);
  for (const [name, b] of [
    ['dynalite', r],
    ...(r.dynamodb_local ? [['DynamoDB Local', r.dynamodb_local] as const] : []),
  ] as const) {
    rows.push([
      `rush ${b.uploads} uploads at once (${name})`,
      `p50 ${ms(b.p50_ms)}, p99 ${ms(b.p99_ms)}`,
      `${b.accepted} accepted, ${b.lost} lost`,
      `${b.retries} retries on the period item`,
      `period item ${b.period_item_kb} KB`,
      '',
    ]);
    target(
      `rush (${name}): all ${b.uploads} accepted, none lost`,
      `${b.accepted} accepted, ${b.lost} lost`,
      b.accepted === b.uploads && b.lost === 0,
    );
    target(`rush (${name}): p99 ingest ≤ 10 s`, ms(b.p99_ms), b.p99_ms <= 10_000);
  }
  out.rush = r;
}

if (wants('close')) {
  const repeats = quick ? 2 : 6;
  log(`close → document, ks 2023-T3 then ${repeats} more periods`);
  const r = await benchClose(repeats);
  rows.push([
    'close → document (example report)',
    `${ms(r.first_ms)} (ks 2023-T3)`,
    '',
    '',
    `median of ${repeats} later closes ${ms(r.median_ms)}`,
    '',
  ]);
  target(
    'close → document ≤ 1 s (example report, local)',
    `${ms(r.first_ms)}; later closes ${ms(r.median_ms)}`,
    r.first_ms <= 1000 && r.median_ms <= 1000,
  );
  if (r.pdf_median_ms !== undefined && r.pdf_first_ms !== undefined) {
    rows.push([
      'close → PDF (example report, warm LibreOffice)',
      `${ms(r.pdf_first_ms)} (first: starts LibreOffice)`,
      '',
      '',
      `median of ${repeats} later closes ${ms(r.pdf_median_ms)}`,
      '',
    ]);
    target(
      'close → PDF ≤ 1.5 s (example report, local, LibreOffice warm)',
      ms(r.pdf_median_ms),
      r.pdf_median_ms <= 1500,
    );
    out.close_to_pdf_ms = r.pdf_median_ms;
    out.close_to_pdf_first_ms = r.pdf_first_ms;
  }
  out.close_to_document_ms = r.first_ms;
  out.close_to_document = r;
}

if (wants('cli')) {
  const rounds = quick ? 3 : 9;
  log(`cli: tertial --help and tertial render of the examples against node -e 0, ${rounds} rounds`);
  const r = await benchCli(rounds);
  rows.push([
    'tertial --help',
    ms(r.help_ms),
    `node -e 0 ${ms(r.bare_ms)}`,
    '',
    `${times(r.help_vs_bare)} node -e 0`,
    '',
  ]);
  rows.push([
    'tertial render (examples)',
    ms(r.render_ms),
    `node -e 0 ${ms(r.bare_ms)}`,
    '',
    `${times(r.render_vs_bare)} node -e 0`,
    '',
  ]);
  target('tertial --help ≤ 4 × node -e 0', times(r.help_vs_bare), r.help_vs_bare <= 4);
  target('tertial render of the examples in about a second (≤ 1.2 s)', ms(r.render_ms), r.render_ms <= 1200);
  out.cli = strip(r, 'samples');
}

if (wants('bundles')) {
  const runs = quick ? 3 : 7;
  log(`bundles: cdk/measure-bundles.ts --runs ${runs}`);
  const r = await benchBundles(runs);
  out.bundles = r;
  for (const [name, b] of Object.entries(r)) {
    rows.push([
      `bundle ${name}`,
      `${b.kib} KiB, import ${ms(b.import_ms)}`,
      `SDK from runtime: ${b.runtime_sdk.kib} KiB, ${ms(b.runtime_sdk.import_ms)}`,
      '',
      '',
      '',
    ]);
    target(`bundle ${name}: ≤ 1 MiB`, `${b.kib} KiB`, b.kib * 1024 <= MAX_BUNDLE_BYTES);
    target(`bundle ${name}: import ≤ 100 ms`, ms(b.import_ms), b.import_ms <= 100);
  }
  if (r.ingest)
    target(
      'ingest bundle has no renderer',
      r.ingest.forbidden_modules.join(', ') || 'none',
      r.ingest.forbidden_modules.length === 0,
    );
  if (r.assemble)
    target(
      'assemble bundle has no spreadsheet parser',
      r.assemble.forbidden_modules.join(', ') || 'none',
      r.assemble.forbidden_modules.length === 0,
    );
  for (const [name, b] of Object.entries(r)) {
    const weigh = Object.entries(b.kib_by_package)
      .map(([p, kib]) => `${p} ${kib}`)
      .join(', ');
    const time = Object.entries(b.import_profile_ms)
      .map(([p, t]) => `${p} ${t}`)
      .join(', ');
    profiles.push(`bundle ${name}: KiB by package: ${weigh}\n  one import, self ms by package: ${time}`);
  }
}

// ---------------------------------------------------------------------------------------

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

const machine = out.machine as {
  node: string;
  arch: string;
  cpu: string;
  cpus: number;
  load_average_at_start: number[];
};
console.log(
  `\ntertial benchmark: node ${machine.node}, ${machine.arch}, ${machine.cpu} × ${machine.cpus}, load at start ${machine.load_average_at_start.join(' ')}` +
    `${quick ? ' (--quick: few rounds, indicative only)' : ''}\nmedians; ratios are medians of per-round ratios, each round interleaved in one process; peak RSS from fresh processes\n`,
);
console.log(table(['measure', 'tertial', 'baseline', 'floor', 'ratio', 'peak RSS'], rows));
console.log(
  `\n${table(
    ['target', 'measured', 'met'],
    targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
  )}`,
);
if (profiles.length > 0) console.log(`\n${profiles.join('\n\n')}`);
out.targets = targets;
out.duration_s = round((performance.now() - started) / 1000, 1);
console.log(`\n${out.duration_s} s`);
if (args.json) {
  await writeFile(args.json, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
