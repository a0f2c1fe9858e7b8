/** Lambda entry point for committee templates (ObjectCreated under templates/, .docx). */
import type { S3Event } from 'aws-lambda';
import { dispatchS3Event } from '../core/dispatch.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../core/powertools-log.js';
import { parseTemplateKey } from '../core/keys.js';
import { createRuntime, type Runtime } from '../storage/runtime.js';
import { viewDeps } from '../views/deps.js';
import { refreshCommitteeViews } from '../views/refresh.js';
import { checkCommitteeTemplate, type TemplateCheckOutcome } from './check.js';

export function makeTemplateCheckHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date()) {
  const deps = { objects: runtime.objects, repo: runtime.repo, log, clock, documentsBucket: runtime.config.documentsBucket };
  const views = viewDeps(runtime, log, clock);
  return (event: S3Event): Promise<TemplateCheckOutcome[]> =>
    dispatchS3Event(event, 'templateCheck', log, async (e) => {
      const outcome = await checkCommitteeTemplate(deps, e);
      // Open periods' drafts now render with the accepted template; pages show the latest template receipt.
      const committee = parseTemplateKey(e.key);
      if (committee && (outcome === 'accepted' || outcome === 'rejected')) await refreshCommitteeViews(views, committee);
      return outcome;
    });
}

let cached: ReturnType<typeof makeTemplateCheckHandler> | undefined;

export const handler = (event: S3Event): Promise<TemplateCheckOutcome[]> => {
  cached ??= makeTemplateCheckHandler(createRuntime(), powertoolsLog('tertial-template-check'));
  return cached(event);
};
