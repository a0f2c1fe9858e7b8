/**
 * What the period's views (the draft document and the status page) need. The views
 * handler builds these from its runtime with {@link viewDeps}; the assemble handler
 * starts its own deps from them, so a close renders with the same settings and
 * template loading as a draft.
 */
import type { Log } from '../core/log.js';
import { loadDefaultTemplate } from '../runtime/default-template.js';
import type { CommitteeSettingsDeps } from '../storage/committee-settings.js';
import type { Runtime } from '../storage/runtime.js';

export interface ViewDeps extends CommitteeSettingsDeps {
  readonly log: Log;
  readonly clock: () => Date;
}

export function viewDeps(runtime: Runtime, log: Log, clock: () => Date = () => new Date()): ViewDeps {
  let template: Uint8Array | undefined;
  return {
    objects: runtime.objects,
    repo: runtime.repo,
    log,
    clock,
    uploadsBucket: runtime.config.uploadsBucket,
    documentsBucket: runtime.config.documentsBucket,
    defaultTemplate: () => (template ??= loadDefaultTemplate(runtime.config.defaultTemplatePath)),
  };
}
