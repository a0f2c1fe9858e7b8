/**
 * The measuring end of a peak-RSS child (bench/parse-child.ts, bench/template-check-child.ts):
 * bundled into the child, so it imports nothing the Lambda would not load.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface ChildReport {
  readonly ms: number;
  /** MiB (maxRSS is reported in KiB). */
  readonly startRssMb: number;
  readonly peakRssMb: number;
  readonly outcome: string;
}

/**
 * Peak RSS of this process in MiB. On Linux from /proc/self/status (VmHWM):
 * `process.resourceUsage().maxRSS` carries the parent's RSS over into a forked child
 * (Linux keeps the old address space's high-water mark across exec), so in a child of the
 * benchmark process it reads several hundred MB before anything has run.
 */
function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Times `work`, taking the peak RSS before it (modules loaded, input read) and after, and
 * sends the report over IPC (printed as JSON when the child runs on its own).
 */
export async function reportChild(work: () => string | Promise<string>): Promise<void> {
  const startRssMb = peakRssMb();
  const start = performance.now();
  const outcome = await work();
  const ms = performance.now() - start;
  const report: ChildReport = { ms, startRssMb, peakRssMb: peakRssMb(), outcome };
  if (process.send) process.send(report);
  else console.log(JSON.stringify(report));
}
