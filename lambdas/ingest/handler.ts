/**
 * Lambda entry point for upload events (ObjectCreated / ObjectRemoved under uploads/).
 * The period's draft and status page follow from the receipt it writes (lambdas/views).
 */
import type { Context, S3Event } from 'aws-lambda';
import { invocationLogger, type InvocationContext } from '../runtime/invocation.js';
import { dispatchS3Event } from '../runtime/dispatch.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../runtime/powertools-log.js';
import { createRuntime, stepDeps, type Runtime } from '../storage/runtime.js';
import { ingestUpload, type IngestDeps, type IngestOutcome } from './ingest.js';

/** The ingest's dependencies from the runtime (the reindex gives the same). */
export const ingestDeps: (runtime: Runtime, log: Log, clock?: () => Date) => IngestDeps = stepDeps;

export function makeIngestHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date()) {
  const deps = ingestDeps(runtime, log, clock);
  const logFor = invocationLogger(log);
  return (event: S3Event, context?: InvocationContext): Promise<IngestOutcome[]> => {
    const invocationLog = logFor(context);
    return dispatchS3Event(event, 'ingest', invocationLog, (e) => ingestUpload({ ...deps, log: invocationLog }, e));
  };
}

let cached: ReturnType<typeof makeIngestHandler> | undefined;

export const handler = (event: S3Event, context: Context): Promise<IngestOutcome[]> => {
  cached ??= makeIngestHandler(createRuntime(), powertoolsLog('tertial-ingest'));
  return cached(event, context);
};
