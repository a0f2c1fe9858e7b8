/**
 * One path from a period to its document: the draft (after every upload) and the close
 * build the report from the same inputs, the previous closed tertial included, through
 * this function. They differ only in the draft marks: `isDraft`/`draftNotice` for
 * templates that show them, and "UTKAST – " before the title, so that a committee's own
 * template without `{#isDraft}` still marks the draft (in the text and in the file's
 * title property).
 */
import type { Closure } from './closure.js';
import type { CommitteeConfig } from './committee.js';
import type { InputIssue, Period } from './domain.js';
import { renderReport, TemplateError } from './render.js';
import { buildReport, type PreviousTertial, type ReportUpload, type ReportView } from './report.js';

export const DRAFT_TITLE_PREFIX = 'UTKAST – ';

export interface PeriodDocumentInputs {
  readonly period: Period;
  readonly config: CommitteeConfig;
  /** The accepted template (or the default one). */
  readonly template: Uint8Array;
  /** How messages name the template, e.g. `templates/ks.docx`; the default template's own name when absent. */
  readonly templateFile?: string;
  /** The period's accepted uploads, sorted by name. */
  readonly uploads: readonly ReportUpload[];
  /** The previous tertial of the same year when it is closed: its frozen uploads. */
  readonly previous?: PreviousTertial;
  /** The closure's details; `{}` for a draft. */
  readonly closure: Closure;
  /** A draft of the open period rather than the closed document. */
  readonly draft: boolean;
}

export type PeriodDocument =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      readonly view: ReportView;
      readonly counts: { readonly goals: number; readonly activities: number };
      /** Conflicts and loose ends across uploads. */
      readonly warnings: readonly InputIssue[];
    }
  | { readonly ok: false; readonly errors: readonly InputIssue[]; readonly warnings: readonly InputIssue[] };

/** Builds the report and renders it. A template that cannot be filled is data; anything else throws. */
export function renderPeriodDocument(inputs: PeriodDocumentInputs): PeriodDocument {
  const { view: built, warnings } = buildReport({
    period: inputs.period,
    config: inputs.config,
    uploads: inputs.uploads,
    closure: inputs.closure,
    draft: inputs.draft,
    ...(inputs.previous ? { previous: inputs.previous } : {}),
  });
  const view = inputs.draft ? { ...built, reportTitle: `${DRAFT_TITLE_PREFIX}${built.reportTitle}` } : built;
  try {
    const bytes = renderReport(inputs.template, view, inputs.templateFile);
    return {
      ok: true,
      bytes,
      view,
      counts: { goals: view.goals.length, activities: view.goals.reduce((n, g) => n + g.activities.length, 0) },
      warnings,
    };
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false, errors: err.issues, warnings };
    throw err;
  }
}
