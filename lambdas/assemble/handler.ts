/** Lambda entry point for closure events (ObjectCreated under closures/). */
import type { S3Event } from 'aws-lambda';
import { dispatchS3Event } from '../core/dispatch.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../core/powertools-log.js';
import { loadDefaultTemplate } from '../core/render.js';
import { createRuntime, type Runtime } from '../storage/runtime.js';
import { closeTertial, type AssembleOutcome } from './assemble.js';

export function makeAssembleHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date()) {
  let template: Uint8Array | undefined;
  const deps = {
    objects: runtime.objects,
    repo: runtime.repo,
    log,
    clock,
    uploadsBucket: runtime.config.uploadsBucket,
    documentsBucket: runtime.config.documentsBucket,
    defaultTemplate: () => (template ??= loadDefaultTemplate(runtime.config.defaultTemplatePath)),
  };
  return (event: S3Event): Promise<AssembleOutcome[]> => dispatchS3Event(event, 'assemble', log, (e) => closeTertial(deps, e));
}

let cached: ReturnType<typeof makeAssembleHandler> | undefined;

export const handler = (event: S3Event): Promise<AssembleOutcome[]> => {
  cached ??= makeAssembleHandler(createRuntime(), powertoolsLog('tertial-assemble'));
  return cached(event);
};
