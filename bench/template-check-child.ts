/**
 * One template check in a fresh process, for its peak RSS: bundled by bench/lib/child.ts
 * and run with plain `node`, as bench/parse-child.ts does for workbooks.
 *
 *   node template-check-child.mjs FILE
 *
 * Reports over IPC: the check's wall time, the peak RSS after start-up (modules loaded,
 * file read) and at the end, and the outcome.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { checkTemplate } from '../lambdas/core/render.js';

export interface TemplateChildReport {
  readonly ms: number;
  /** MiB. */
  readonly startRssMb: number;
  readonly peakRssMb: number;
  readonly outcome: string;
}

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: template-check-child FILE');
const bytes: Uint8Array = readFileSync(file);

/** Peak RSS in MiB from VmHWM (see bench/parse-child.ts for why not `maxRSS`). */
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
const result = checkTemplate(bytes, 'templates/ks.docx');
const ms = performance.now() - start;
const report: TemplateChildReport = { ms, startRssMb, peakRssMb: mb(), outcome: result.ok ? 'accepted' : 'refused' };
if (process.send) process.send(report);
else console.log(JSON.stringify(report));
