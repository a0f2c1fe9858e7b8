/**
 * Parse: the project's `parseUpload` (parse + validate) on generated workbooks and CSV
 * files, against the floor (bench/parse-floor.ts: unzip + regex scan of the sheet XML)
 * and, for CSV, papaparse alone on the decoded text.
 *
 * The parser refuses a sheet with values below row 50,000 (`MAX_SHEET_ROWS`, found by the
 * extent scan before anything is read) and more than 20,000 data rows (`MAX_DATA_ROWS`).
 * So the sizes are:
 *   - 20,000 rows: the largest input accepted: the headline figure;
 *   - 49,999 rows: the largest sheet read in full (then refused for its row count): the
 *     most work and memory any upload can cost;
 *   - 100,000 rows: the size; refused by design, and the figure is what refusing
 *     it costs. Measuring the parse internals below the limit check instead would time
 *     code that never runs on such a file.
 *
 * Times are medians of warm runs in this process, interleaved with the floor. Peak RSS
 * comes from a fresh process per run (bench/parse-child.ts, bundled, plain node).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { annotateWorkbook } from '../lambdas/core/annotate.js';
import { parseUpload } from '../lambdas/core/parse/index.js';
import { inflatingEntryWorkbook, longAttributeWorkbook } from '../test/fixtures/hostile-workbooks.js';
import { bundleChild, runChild } from './lib/child.js';
import { csvBytes, workbookBytes } from './lib/data.js';
import { interleave, median, medianRatio } from './lib/measure.js';
import { floorParseXlsx } from './parse-floor.js';
import type { ChildReport } from './lib/child-report.js';

export interface ParseCase {
  readonly format: 'xlsx' | 'csv';
  readonly rows: number;
  readonly file_bytes: number;
  readonly outcome: string;
  /** Warm, in-process medians. */
  readonly ms: number;
  readonly floor_ms: number;
  readonly vs_floor: number;
  /** Fresh processes: peak RSS, RSS after start-up (modules loaded, file read), first-run time. */
  readonly peak_rss_mb: number;
  readonly start_rss_mb: number;
  readonly cold_ms: number;
  readonly floor_peak_rss_mb: number;
  /** Peak RSS against the floor's (for CSV, papaparse's), both from fresh processes. */
  readonly peak_rss_vs_floor: number;
}

export interface ParseResult {
  readonly cases: readonly ParseCase[];
}

export interface ParseOptions {
  readonly rounds: number;
  /** Fresh processes per case for peak RSS. */
  readonly processes: number;
  readonly xlsxRows: readonly number[];
  readonly csvRows: readonly number[];
}

export async function benchParse(options: ParseOptions): Promise<ParseResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tertial-bench-parse-'));
  try {
    const child = await bundleChild('bench/parse-child.ts', dir);
    const cases: ParseCase[] = [];
    const inputs = [
      ...options.xlsxRows.map((rows) => ({ format: 'xlsx' as const, rows })),
      ...options.csvRows.map((rows) => ({ format: 'csv' as const, rows })),
    ];
    for (const { format, rows } of inputs) {
      const bytes = format === 'xlsx' ? await workbookBytes(rows) : csvBytes(rows);
      const file = join(dir, `aktiviteter-${rows}.${format}`);
      await writeFile(file, bytes);
      const name = `aktiviteter.${format}`;
      const floorKind = format === 'xlsx' ? 'floor' : 'papaparse';
      const floor =
        format === 'xlsx'
          ? () => floorParseXlsx(bytes)
          : () => Papa.parse(new TextDecoder().decode(bytes), { delimiter: ';' });

      const first = await parseUpload(name, bytes);
      const outcome = first.ok
        ? `accepted (${first.content.activities.length} activities)`
        : `refused: ${[...new Set(first.errors.map((e) => e.code))].join(', ')}`;
      const samples = await interleave(
        { tertial: () => parseUpload(name, bytes), floor },
        { rounds: options.rounds, warmup: 1 },
      );

      const fresh: ChildReport[] = [];
      const freshFloor: ChildReport[] = [];
      for (let i = 0; i < options.processes; i++) {
        fresh.push(await runChild<ChildReport>(child, ['tertial', file]));
        freshFloor.push(await runChild<ChildReport>(child, [floorKind, file]));
      }
      const peak = median(fresh.map((r) => r.peakRssMb));
      const floorPeak = median(freshFloor.map((r) => r.peakRssMb));
      cases.push({
        format,
        rows,
        file_bytes: bytes.length,
        outcome,
        ms: median(samples.tertial ?? []),
        floor_ms: median(samples.floor ?? []),
        vs_floor: medianRatio(samples.tertial ?? [], samples.floor ?? []),
        peak_rss_mb: peak,
        start_rss_mb: median(fresh.map((r) => r.startRssMb)),
        cold_ms: median(fresh.map((r) => r.ms)),
        floor_peak_rss_mb: floorPeak,
        peak_rss_vs_floor: peak / floorPeak,
      });
    }
    return { cases };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface HostileCase {
  readonly name: string;
  readonly file_bytes: number;
  readonly outcome: string;
  /** Warm, in-process median of parse + marked-up copy, as the ingest does it. */
  readonly ms: number;
  /** Fresh processes: peak RSS, and the RSS after start-up. */
  readonly peak_rss_mb: number;
  readonly start_rss_mb: number;
  readonly cold_ms: number;
}

/**
 * Refusing the two small hostile workbooks of the availability cases: the 2.7 KB one with
 * a 1,000,000-character attribute, and the 400 KB one with an entry inflating to 400 MiB.
 * What the ingest does with them: parse, then (for a refused workbook) the marked-up copy.
 */
export async function benchHostile(options: { rounds: number; processes: number }): Promise<HostileCase[]> {
  const dir = await mkdtemp(join(tmpdir(), 'tertial-bench-hostile-'));
  try {
    const child = await bundleChild('bench/parse-child.ts', dir);
    const cases: HostileCase[] = [];
    for (const [name, bytes] of [
      ['long attribute (1,000,000 characters)', longAttributeWorkbook()],
      ['entry inflating to 400 MiB', inflatingEntryWorkbook()],
    ] as const) {
      const file = join(dir, 'hostile.xlsx');
      await writeFile(file, bytes);
      const refuse = async (): Promise<string> => {
        const result = await parseUpload('hostile.xlsx', bytes);
        const copy = result.ok ? undefined : await annotateWorkbook(bytes, result.errors);
        return result.ok
          ? 'accepted'
          : `refused: ${[...new Set(result.errors.map((e) => e.code))].join(', ')}${copy ? ', marked up' : ''}`;
      };
      const outcome = await refuse();
      const samples = await interleave({ tertial: refuse }, { rounds: options.rounds, warmup: 1 });
      const fresh: ChildReport[] = [];
      for (let i = 0; i < options.processes; i++) fresh.push(await runChild<ChildReport>(child, ['refuse', file]));
      cases.push({
        name,
        file_bytes: bytes.length,
        outcome,
        ms: median(samples.tertial ?? []),
        peak_rss_mb: median(fresh.map((r) => r.peakRssMb)),
        start_rss_mb: median(fresh.map((r) => r.startRssMb)),
        cold_ms: median(fresh.map((r) => r.ms)),
      });
    }
    return cases;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
