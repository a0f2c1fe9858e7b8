/** Lambda entry point for committee templates (ObjectCreated under templates/, .docx). */
import type { S3Event } from 'aws-lambda';
import { dispatchS3Event } from '../runtime/dispatch.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../runtime/powertools-log.js';
import { createRuntime, type Runtime } from '../storage/runtime.js';
import { checkCommitteeTemplate, type TemplateCheckOutcome } from './check.js';

export function makeTemplateCheckHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date()) {
  const deps = { objects: runtime.objects, repo: runtime.repo, log, clock, documentsBucket: runtime.config.documentsBucket };
  // Open periods' drafts follow from the template receipt it writes (lambdas/views).
  return (event: S3Event): Promise<TemplateCheckOutcome[]> => dispatchS3Event(event, 'templateCheck', log, (e) => checkCommitteeTemplate(deps, e));
}

let cached: ReturnType<typeof makeTemplateCheckHandler> | undefined;

export const handler = (event: S3Event): Promise<TemplateCheckOutcome[]> => {
  cached ??= makeTemplateCheckHandler(createRuntime(), powertoolsLog('tertial-template-check'));
  return cached(event);
};
