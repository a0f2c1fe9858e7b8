/**
 * Offline rendering: the same parse, validate and assemble code as the Lambdas, with
 * files from disk instead of S3 and no table. Files are combined in name order, as
 * the uploads of one period are.
 */
import type { InputIssue, Period, UploadContent } from '../lambdas/core/domain.js';
import { parseClosure } from '../lambdas/core/closure.js';
import { parseCommitteeConfig } from '../lambdas/core/committee.js';
import { parseUpload } from '../lambdas/core/parse/index.js';
import { buildReport } from '../lambdas/core/report.js';
import { checkTemplate, renderReport, TemplateError } from '../lambdas/core/render.js';
import { loadDefaultTemplate } from '../lambdas/runtime/default-template.js';

export interface RenderInput {
  readonly period: Period;
  readonly files: readonly { name: string; bytes: Uint8Array }[];
  readonly template?: Uint8Array;
  readonly configJson?: string;
  readonly closure?: Uint8Array;
}

export type RenderOutput =
  { ok: true; bytes: Uint8Array; warnings: InputIssue[] } | { ok: false; errors: InputIssue[]; warnings: InputIssue[] };

export async function renderFiles(input: RenderInput): Promise<RenderOutput> {
  const errors: InputIssue[] = [];
  const warnings: InputIssue[] = [];
  const uploads: { name: string; content: UploadContent }[] = [];

  const seen = new Set<string>();
  for (const file of [...input.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (seen.has(file.name)) {
      errors.push({
        code: 'duplicate_file',
        message: `Filen "${file.name}" finns med två gånger; i en tertial är varje filnamn en egen uppladdning.`,
        file: file.name,
      });
      continue;
    }
    seen.add(file.name);
    // As the ingest does: a workbook written for another period is read, with an `other_period` warning.
    const parsed = await parseUpload(file.name, file.bytes, { period: input.period });
    warnings.push(...parsed.warnings);
    if (parsed.ok) uploads.push({ name: file.name, content: parsed.content });
    else errors.push(...parsed.errors);
  }

  const config = parseCommitteeConfig(input.period.committee, input.configJson);
  if (config.ok) warnings.push(...config.warnings);
  else errors.push(...config.errors);

  const closure = parseClosure(input.closure ?? new Uint8Array());
  if (!closure.ok) errors.push(...closure.errors);

  const template = input.template ?? loadDefaultTemplate();
  const checked = checkTemplate(template);
  if (!checked.ok) errors.push(...checked.errors);

  if (errors.length > 0 || !config.ok || !closure.ok) return { ok: false, errors, warnings };

  const { view, warnings: reportWarnings } = buildReport({
    period: input.period,
    config: config.config,
    uploads,
    closure: closure.closure,
  });
  warnings.push(...reportWarnings);
  try {
    return { ok: true, bytes: renderReport(template, view), warnings };
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false, errors: [...err.issues], warnings };
    throw err;
  }
}
