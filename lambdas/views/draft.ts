/**
 * The draft: the committee document as it would look if the tertial closed now, written
 * to `drafts/…-UTKAST.docx` after every accepted upload or removal, so staff see the
 * report before anyone closes the tertial.
 *
 * It is rendered through the close's own function (`renderPeriodDocument`) from the same
 * inputs (settings, accepted template, uploads in force, the previous closed tertial),
 * with `draft: true`, which adds only the draft marks.
 */
import { stockholmDate } from '../core/time.js';
import { renderPeriodDocument } from '../core/document.js';
import type { InputIssue } from '../core/domain.js';
import { draftKey, templateKey } from '../core/keys.js';
import { CONTENT_TYPES } from '../storage/objects.js';
import type { ViewDeps } from './deps.js';
import type { PeriodSnapshot } from './snapshot.js';

export type DraftResult =
  | {
      readonly status: 'written';
      readonly key: string;
      readonly goals: number;
      readonly activities: number;
      readonly warnings: readonly InputIssue[];
    }
  /** No period item yet, or the period is closed (its document is final; the draft stays as it was). */
  | { readonly status: 'skipped'; readonly reason: 'no_period' | 'closed' }
  /** The settings or the template cannot be used; the previous draft, if any, stays. */
  | { readonly status: 'failed'; readonly errors: readonly InputIssue[] };

/**
 * Renders the draft's bytes from a snapshot. Pure. `today` (Stockholm, `yyyy-mm-dd`) is
 * the date a close today would give the document, so the draft shows it as well.
 */
export function renderDraft(
  snapshot: PeriodSnapshot,
  today?: string,
):
  | { ok: true; bytes: Uint8Array; goals: number; activities: number; warnings: readonly InputIssue[] }
  | { ok: false; errors: readonly InputIssue[] } {
  const { settings } = snapshot;
  if (!settings.ok) return { ok: false, errors: settings.errors };
  const rendered = renderPeriodDocument({
    period: snapshot.period,
    config: settings.config,
    template: settings.template,
    ...(settings.templateId === 'default' ? {} : { templateFile: templateKey(snapshot.period.committee) }),
    uploads: snapshot.uploads.map((u) => ({ name: u.name, content: u.content })),
    ...(snapshot.previous ? { previous: snapshot.previous } : {}),
    closure: today ? { documentDate: today } : {},
    draft: true,
  });
  if (!rendered.ok) return { ok: false, errors: rendered.errors };
  return {
    ok: true,
    bytes: rendered.bytes,
    ...rendered.counts,
    warnings: [...settings.warnings, ...rendered.warnings],
  };
}

/** Writes the draft of the snapshot's period, unless the period is closed or absent. */
export async function writeDraft(deps: ViewDeps, snapshot: PeriodSnapshot): Promise<DraftResult> {
  const { record, period } = snapshot;
  if (!record) return { status: 'skipped', reason: 'no_period' };
  if (record.state === 'CLOSED') return { status: 'skipped', reason: 'closed' };
  const rendered = renderDraft(snapshot, stockholmDate(deps.clock()));
  if (!rendered.ok) {
    deps.log.warn('draft not written: the settings or template cannot be used', {
      codes: rendered.errors.map((e) => e.code),
    });
    return { status: 'failed', errors: rendered.errors };
  }
  const key = draftKey(period);
  await deps.objects.put(deps.documentsBucket, key, rendered.bytes, CONTENT_TYPES.docx);
  deps.log.info('draft written', { draft: key, version: record.version, bytes: rendered.bytes.length });
  return {
    status: 'written',
    key,
    goals: rendered.goals,
    activities: rendered.activities,
    warnings: rendered.warnings,
  };
}
