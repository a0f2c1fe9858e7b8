/** Lambda entry point for committee templates (ObjectCreated under templates/, .docx). */
import type { Context, S3Event } from 'aws-lambda';
import { invocationLogger, type InvocationContext } from '../runtime/invocation.js';
import { dispatchS3Event } from '../runtime/dispatch.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../runtime/powertools-log.js';
import { createRuntime, stepDeps, type Runtime } from '../storage/runtime.js';
import { checkCommitteeTemplate, type TemplateCheckOutcome } from './check.js';

export function makeTemplateCheckHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date()) {
  const deps = stepDeps(runtime, log, clock);
  const logFor = invocationLogger(log);
  // Open periods' drafts follow from the template receipt it writes (lambdas/views).
  return (event: S3Event, context?: InvocationContext): Promise<TemplateCheckOutcome[]> => {
    const invocationLog = logFor(context);
    return dispatchS3Event(event, 'templateCheck', invocationLog, (e) =>
      checkCommitteeTemplate({ ...deps, log: invocationLog }, e),
    );
  };
}

let cached: ReturnType<typeof makeTemplateCheckHandler> | undefined;

export const handler = (event: S3Event, context: Context): Promise<TemplateCheckOutcome[]> => {
  cached ??= makeTemplateCheckHandler(createRuntime(), powertoolsLog('tertial-template-check'));
  return cached(event, context);
};
