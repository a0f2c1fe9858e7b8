/**
 * checkCommitteeTemplate: a committee uploads its own `templates/{committee}.docx`.
 * A template that does not compile, or uses tags the report does not provide, is
 * refused with a receipt and the previous one stays in force. An accepted one is
 * copied, immutably, to the output bucket and the table points at that copy, so a
 * close renders with exactly one known version even while a new one is uploaded. One
 * that lost what the default has for accessibility (table captions, header rows, heading
 * styles) is accepted with warnings on its receipt, so the secretary can fix it before
 * the close.
 */
import { ignoreOutsideLayout, type ObjectEvent } from '../runtime/events.js';
import { acceptedTemplateKey, routeTemplateKey, templateReceiptKey } from '../core/keys.js';
import { withFields } from '../core/log.js';
import { templateReceipt } from '../core/receipt.js';
import type { InputIssue } from '../core/domain.js';
import { issueReceipt } from '../runtime/issue-receipt.js';
import { answerMisplaced } from '../runtime/misplaced.js';
import { checkTemplate } from '../core/render.js';
import { CONTENT_TYPES } from '../storage/objects.js';
import type { StepDeps } from '../storage/runtime.js';

export type TemplateCheckDeps = StepDeps;

export type TemplateCheckOutcome = 'accepted' | 'rejected' | 'stale' | 'missing' | 'ignored' | 'misplaced';

export async function checkCommitteeTemplate(
  deps: TemplateCheckDeps,
  event: ObjectEvent,
): Promise<TemplateCheckOutcome> {
  if (event.kind !== 'created') return ignoreOutsideLayout(deps.log, event, 'templates');
  const route = routeTemplateKey(event.key);
  if (route.action === 'ignore') return ignoreOutsideLayout(deps.log, event, 'templates');
  // `templates/ks.DOCX`, `templates/KS.docx`: told what the name should be, not dropped.
  if (route.action === 'misplaced') return answerMisplaced(deps, event, route, 'templates');
  const { committee } = route;
  const log = withFields(deps.log, { bucket: event.bucket, key: event.key, committee, sequencer: event.sequencer });
  const current = await deps.repo.getAcceptedTemplate(committee);
  if (current && current.sequencer > event.sequencer) return 'stale';

  const object = await deps.objects.get(event.bucket, event.key, event.versionId);
  if (!object) {
    log.warn('template no longer exists; a later event will account for it');
    return 'missing';
  }
  const receipt = (errors: readonly InputIssue[], warnings: readonly InputIssue[]): Promise<void> =>
    writeReceipt(
      deps,
      committee,
      templateReceipt({
        committee,
        key: event.key,
        receivedAt: new Date(event.eventTime),
        errors,
        warnings,
        hasPrevious: current !== undefined,
      }),
    );
  const checked = checkTemplate(object.bytes, event.key);
  if (!checked.ok) {
    log.info('template refused', { codes: checked.errors.map((e) => e.code) });
    await receipt(checked.errors, []);
    return 'rejected';
  }
  const copyKey = acceptedTemplateKey(committee, event.sequencer);
  await deps.objects.put(deps.documentsBucket, copyKey, object.bytes, CONTENT_TYPES.docx);
  const outcome = await deps.repo.acceptTemplate(committee, {
    sequencer: event.sequencer,
    key: copyKey,
    acceptedAt: deps.clock().toISOString(),
  });
  if (outcome === 'stale') return 'stale';
  log.info('template accepted', { copy: copyKey, warnings: checked.warnings.map((w) => w.code) });
  await receipt([], checked.warnings);
  return 'accepted';
}

async function writeReceipt(
  deps: TemplateCheckDeps,
  committee: string,
  receipt: ReturnType<typeof templateReceipt>,
): Promise<void> {
  await issueReceipt(deps, { receipt, key: templateReceiptKey(committee), about: { committee } });
}
