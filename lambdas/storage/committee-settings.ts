/**
 * What rendering a committee's document needs besides the period's rows: its settings
 * (`config/{committee}.json` over the built-in defaults) and its template (the last one
 * the template check accepted, else the built-in default). Read the same way for the
 * close (lambdas/assemble) and for the draft (lambdas/views), so a draft looks like the
 * document the close will write.
 */
import { parseCommitteeConfig, type CommitteeConfig } from '../core/committee.js';
import type { InputIssue } from '../core/domain.js';
import { configKey, templateKey } from '../core/keys.js';
import { checkTemplate } from '../core/render.js';
import type { ObjectStore } from './objects.js';
import type { PeriodRepository } from './repository.js';

export interface CommitteeSettingsDeps {
  readonly objects: ObjectStore;
  readonly repo: PeriodRepository;
  readonly uploadsBucket: string;
  readonly documentsBucket: string;
  /** The built-in template, used when the committee has none of its own. */
  readonly defaultTemplate: () => Uint8Array;
}

export type CommitteeSettings =
  | {
      readonly ok: true;
      readonly config: CommitteeConfig;
      readonly template: Uint8Array;
      /** The accepted copy's key, or `default`. */
      readonly templateId: string;
      /** When the committee's own template was accepted; absent for the default. */
      readonly templateAcceptedAt?: string;
      readonly warnings: readonly InputIssue[];
    }
  | {
      readonly ok: false;
      readonly errors: readonly InputIssue[];
      readonly warnings: readonly InputIssue[];
      /** The settings, when they are not what is wrong (the template is). */
      readonly config?: CommitteeConfig;
    };

/**
 * Reads and checks the committee's settings and template. Bad settings or a template
 * that no longer passes the check are data (`ok: false`, with Swedish messages); a
 * storage fault, or an accepted template whose copy is gone, throws.
 */
export async function loadCommitteeSettings(
  deps: CommitteeSettingsDeps,
  committee: string,
): Promise<CommitteeSettings> {
  const errors: InputIssue[] = [];
  const warnings: InputIssue[] = [];

  const configObject = await deps.objects.get(deps.uploadsBucket, configKey(committee));
  const config = parseCommitteeConfig(
    committee,
    configObject ? new TextDecoder().decode(configObject.bytes) : undefined,
  );
  if (config.ok) warnings.push(...config.warnings);
  else errors.push(...config.errors);

  const accepted = await deps.repo.getAcceptedTemplate(committee);
  const acceptedObject = accepted ? await deps.objects.get(deps.documentsBucket, accepted.key) : undefined;
  if (accepted && !acceptedObject)
    throw new Error(`accepted template ${accepted.key} is missing from ${deps.documentsBucket}`);
  const template = acceptedObject ? acceptedObject.bytes : deps.defaultTemplate();
  const checked = checkTemplate(template, templateKey(committee));
  if (!checked.ok) errors.push(...checked.errors);

  if (!config.ok) return { ok: false, errors, warnings };
  if (errors.length > 0) return { ok: false, errors, warnings, config: config.config };
  return {
    ok: true,
    config: config.config,
    template,
    templateId: accepted ? accepted.key : 'default',
    ...(accepted ? { templateAcceptedAt: accepted.acceptedAt } : {}),
    warnings,
  };
}
