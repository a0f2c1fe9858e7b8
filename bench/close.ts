/**
 * Close → document: on the running local stack, the example report's workbooks uploaded
 * (examples/*.xlsx) and ingested, then the time from the closure object's PUT to the
 * moment the document can be read from the output bucket (a GET every 5 ms).
 *
 * The first close is ks 2023-T3, the example's own period, in a stack that has ingested
 * but not yet closed anything (a cold assemble path). The same example is then closed
 * again as other years' tertials (a close is once per period), and the median of those
 * is the stack's steady state. The assemble handler's log lines are timed too, to show
 * where in the close the time goes.
 *
 * Close → PDF: the same closes, until the PDF beside the document can be read, made by
 * the stack's warm LibreOffice (lambdas/assemble/pdf.ts). The first close starts the
 * instance (a cold LibreOffice); the later ones find it running. Without LibreOffice
 * installed the PDF figures are absent.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Period } from '../lambdas/core/domain.js';
import { closureKey, documentKey, isUploadName, pdfKey, uploadKey } from '../lambdas/core/keys.js';
import type { Log } from '../lambdas/core/log.js';
import { repoPath } from '../cdk/paths.js';
import { installedLibreOffice } from '../lambdas/assemble/pdf.js';
import { median } from './lib/measure.js';
import { startBenchStack } from './lib/stack.js';

export interface CloseResult {
  /** ks 2023-T3: the first close the stack runs. */
  readonly first_ms: number;
  /** Median over the later closes (same example, other years). */
  readonly median_ms: number;
  readonly samples: readonly number[];
  readonly uploads: readonly string[];
  /** ks 2023-T3 until its PDF can be read (LibreOffice started by this close), if LibreOffice is installed. */
  readonly pdf_first_ms?: number;
  /** Median over the later closes until the PDF can be read (the warm instance). */
  readonly pdf_median_ms?: number;
  readonly pdf_samples?: readonly number[];
  /** Median milliseconds from the PUT to each log line of the close (assemble's own messages). */
  readonly phases_ms: Readonly<Record<string, number>>;
}

/** A log that remembers when each message was written. */
function timingLog(): { log: Log; marks: { at: number; message: string }[] } {
  const marks: { at: number; message: string }[] = [];
  const mark = (message: string) => void marks.push({ at: performance.now(), message });
  return { log: { debug: mark, info: mark, warn: mark, error: mark }, marks };
}

export async function benchClose(repeats: number): Promise<CloseResult> {
  const examplesDir = repoPath('examples');
  const names = (await readdir(examplesDir)).filter(isUploadName).sort();
  const files = await Promise.all(
    names.map(async (name) => ({ name, bytes: await readFile(join(examplesDir, name)) })),
  );
  const { log, marks } = timingLog();
  const stack = await startBenchStack(log);
  try {
    const times: number[] = [];
    const pdfTimes: number[] = [];
    const withPdf = installedLibreOffice() !== undefined;
    const phases: Record<string, number[]> = {};
    for (let i = 0; i <= repeats; i++) {
      const period: Period = { committee: 'ks', year: 2023 + i, tertial: 3 };
      for (const f of files) await stack.put(uploadKey(period, f.name), f.bytes);
      await stack.idle();
      if (stack.failedEvents.length > 0) throw new Error('an example upload failed');
      marks.length = 0;
      const key = documentKey(period);
      const start = performance.now();
      await stack.put(closureKey(period), '');
      while (!(await stack.readable(key))) {
        if (performance.now() - start > 60_000) throw new Error(`no document at ${key} after 60 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
      times.push(performance.now() - start);
      if (withPdf) {
        const pdf = pdfKey(period);
        while (!(await stack.readable(pdf))) {
          if (performance.now() - start > 180_000) throw new Error(`no PDF at ${pdf} after 180 s`);
          await new Promise((r) => setTimeout(r, 5));
        }
        pdfTimes.push(performance.now() - start);
      }
      await stack.idle();
      if (i > 0) {
        for (const m of marks) (phases[m.message] ??= []).push(m.at - start);
      }
    }
    const [first, ...rest] = times;
    const [pdfFirst, ...pdfRest] = pdfTimes;
    return {
      first_ms: first as number,
      median_ms: median(rest),
      samples: times,
      ...(pdfFirst !== undefined
        ? { pdf_first_ms: pdfFirst, pdf_median_ms: median(pdfRest), pdf_samples: pdfTimes }
        : {}),
      uploads: names,
      phases_ms: Object.fromEntries(Object.entries(phases).map(([m, ts]) => [m, median(ts)])),
    };
  } finally {
    await stack.dispose();
  }
}
