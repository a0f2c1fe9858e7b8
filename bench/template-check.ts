/**
 * Template check: refusing the oversized template (650 KB whose document.xml inflates to
 * 640 MiB of spaces) against checking the default template, which is accepted. The
 * refusal reads the central directory only, so it should cost less than the accepted
 * check, and its peak RSS should stay within a few MB of the process's start.
 *
 * Times are medians of warm runs in this process, interleaved with the baseline (each a
 * compile of the default, as for a newly uploaded template, not a hit in the process's cache). Peak RSS
 * comes from a fresh process per run (bench/template-check-child.ts, bundled, plain node).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTemplate } from '../lambdas/core/render.js';
import { loadDefaultTemplate } from '../lambdas/runtime/default-template.js';
import { oversizedDocumentTemplate } from '../test/fixtures/crafted-templates.js';
import { bundleChild, runChild } from './lib/child.js';
import { interleave, median, medianRatio } from './lib/measure.js';
import type { ChildReport } from './lib/child-report.js';

export interface TemplateCheckResult {
  readonly file_bytes: number;
  readonly outcome: string;
  /** Warm, in-process medians: the refusal and the default template's (accepted) check. */
  readonly refuse_ms: number;
  readonly default_check_ms: number;
  readonly refuse_vs_default_check: number;
  /** Fresh processes. */
  readonly refuse_peak_rss_mb: number;
  readonly refuse_start_rss_mb: number;
  readonly default_check_peak_rss_mb: number;
}

export async function benchTemplateCheck(rounds: number, processes: number): Promise<TemplateCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tertial-bench-template-'));
  try {
    const oversized = oversizedDocumentTemplate(640);
    const standard = loadDefaultTemplate();
    const oversizedFile = join(dir, 'oversized.docx');
    const defaultFile = join(dir, 'default.docx');
    await writeFile(oversizedFile, oversized);
    await writeFile(defaultFile, standard);
    const outcome = checkTemplate(oversized).ok ? 'accepted' : 'refused';

    // Each check of the default under a name of its own: a process keeps compiled templates
    // by content and name, and a template upload is always a template not seen before, so
    // the baseline is a compile, not a cache hit.
    let upload = 0;
    const samples = await interleave(
      {
        refuse: () => void checkTemplate(oversized),
        standard: () => void checkTemplate(standard, `default-${(upload += 1)}.docx`),
      },
      { rounds },
    );
    const child = await bundleChild('bench/template-check-child.ts', dir);
    const fresh: ChildReport[] = [];
    const freshDefault: ChildReport[] = [];
    for (let i = 0; i < processes; i++) {
      fresh.push(await runChild<ChildReport>(child, [oversizedFile]));
      freshDefault.push(await runChild<ChildReport>(child, [defaultFile]));
    }
    return {
      file_bytes: oversized.byteLength,
      outcome,
      refuse_ms: median(samples.refuse ?? []),
      default_check_ms: median(samples.standard ?? []),
      refuse_vs_default_check: medianRatio(samples.refuse ?? [], samples.standard ?? []),
      refuse_peak_rss_mb: Math.max(...fresh.map((r) => r.peakRssMb)),
      refuse_start_rss_mb: Math.max(...fresh.map((r) => r.startRssMb)),
      default_check_peak_rss_mb: Math.max(...freshDefault.map((r) => r.peakRssMb)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
