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
import Papa from 'papaparse';
import { annotateWorkbook } from '../lambdas/core/annotate.js';
import { parseUpload } from '../lambdas/core/parse/index.js';
import { floorParseXlsx } from './parse-floor.js';
import { reportChild } from './lib/child-report.js';

const [kind, file] = process.argv.slice(2);
if (!kind || !file) throw new Error('usage: parse-child tertial|refuse|floor|papaparse FILE');
// A Buffer is a Uint8Array: no copy, as the ingest holds one copy of the downloaded object.
const bytes: Uint8Array = readFileSync(file);
await reportChild(async () => {
  if (kind === 'tertial') {
    const result = await parseUpload(basename(file), bytes);
    return result.ok
      ? `accepted: ${result.content.activities.length} activities, ${result.content.goals.length} goals`
      : `refused: ${[...new Set(result.errors.map((e) => e.code))].join(', ')}`;
  } else if (kind === 'refuse') {
    const result = await parseUpload(basename(file), bytes);
    const copy = result.ok ? undefined : await annotateWorkbook(bytes, result.errors);
    return result.ok
      ? 'accepted'
      : `refused: ${[...new Set(result.errors.map((e) => e.code))].join(', ')}${copy ? ', marked up' : ''}`;
  } else if (kind === 'floor') {
    const sheets = floorParseXlsx(bytes);
    return `${sheets.reduce((n, s) => n + s.rows.length, 0)} rows`;
  } else if (kind === 'papaparse') {
    const parsed = Papa.parse<string[]>(new TextDecoder().decode(bytes), { delimiter: ';' });
    return `${parsed.data.length} records`;
  }
  throw new Error(`unknown kind ${kind}`);
});
