/**
 * One parse in a fresh process, for its peak RSS: bundled by bench/lib/child.ts and run
 * with plain `node` (no tsx, no inspector), so the process holds what a Lambda's would.
 *
 *   node parse-child.mjs tertial|refuse|floor|papaparse FILE
 *
 * `refuse` is what the ingest does with a workbook: parse, and for a refused one the
 * marked-up copy.
 *
 * Reports over IPC: the parse's wall time, the peak RSS after start-up (modules loaded,
 * file read) and at the end, and what the parse found.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import Papa from 'papaparse';
import { annotateWorkbook } from '../lambdas/core/annotate.js';
import { parseUpload } from '../lambdas/core/parse/index.js';
import { floorParseXlsx } from './parse-floor.js';

export interface ChildReport {
  readonly ms: number;
  /** MiB (maxRSS is reported in KiB). */
  readonly startRssMb: number;
  readonly peakRssMb: number;
  readonly outcome: string;
}

const [kind, file] = process.argv.slice(2);
if (!kind || !file) throw new Error('usage: parse-child tertial|refuse|floor|papaparse FILE');
// A Buffer is a Uint8Array: no copy, as the ingest holds one copy of the downloaded object.
const bytes: Uint8Array = readFileSync(file);
/**
 * Peak RSS of this process in MiB. On Linux from /proc/self/status (VmHWM):
 * `process.resourceUsage().maxRSS` carries the parent's RSS over into a forked child
 * (Linux keeps the old address space's high-water mark across exec), so in a child of the
 * benchmark process it reads several hundred MB before anything has run.
 */
function mb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
const startRssMb = mb();

const start = performance.now();
let outcome: string;
if (kind === 'tertial') {
  const result = await parseUpload(basename(file), bytes);
  outcome = result.ok
    ? `accepted: ${result.content.activities.length} activities, ${result.content.goals.length} goals`
    : `refused: ${[...new Set(result.errors.map((e) => e.code))].join(', ')}`;
} else if (kind === 'refuse') {
  const result = await parseUpload(basename(file), bytes);
  const copy = result.ok ? undefined : await annotateWorkbook(bytes, result.errors);
  outcome = result.ok
    ? 'accepted'
    : `refused: ${[...new Set(result.errors.map((e) => e.code))].join(', ')}${copy ? ', marked up' : ''}`;
} else if (kind === 'floor') {
  const sheets = floorParseXlsx(bytes);
  outcome = `${sheets.reduce((n, s) => n + s.rows.length, 0)} rows`;
} else if (kind === 'papaparse') {
  const parsed = Papa.parse<string[]>(new TextDecoder().decode(bytes), { delimiter: ';' });
  outcome = `${parsed.data.length} records`;
} else {
  throw new Error(`unknown kind ${kind}`);
}
const ms = performance.now() - start;
const report: ChildReport = { ms, startRssMb, peakRssMb: mb(), outcome };
if (process.send) process.send(report);
else console.log(JSON.stringify(report));
