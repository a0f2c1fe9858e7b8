/**
 * What the period's views (the draft document and the status page) need. `AssembleDeps`
 * has every field, so the close can pass its own deps; the ingest and template-check
 * handlers build these from their runtime with {@link viewDeps}.
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
