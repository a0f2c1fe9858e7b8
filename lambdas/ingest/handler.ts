/** Lambda entry point for upload events (ObjectCreated / ObjectRemoved under uploads/). */
import type { S3Event } from 'aws-lambda';
import { dispatchS3Event } from '../core/dispatch.js';
import type { ObjectEvent } from '../core/events.js';
import { parseUploadKey } from '../core/keys.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../core/powertools-log.js';
import { createRuntime, type Runtime } from '../storage/runtime.js';
import { viewDeps, type ViewDeps } from '../views/deps.js';
import { refreshPeriodViews } from '../views/refresh.js';
import { ingestUpload, type IngestDeps, type IngestOutcome } from './ingest.js';

export function ingestDeps(runtime: Runtime, log: Log, clock: () => Date = () => new Date()): IngestDeps {
  return { objects: runtime.objects, repo: runtime.repo, log, clock, documentsBucket: runtime.config.documentsBucket };
}

/**
 * Outcomes after which the period's draft and status page may be out of date: something
 * was committed or a receipt was written. A duplicate is included so that a redelivered
 * event also repairs views a failed refresh left behind.
 */
const REFRESHES_VIEWS: ReadonlySet<IngestOutcome> = new Set(['accepted', 'rejected', 'removed', 'refused_closed', 'duplicate']);

/** Ingests one upload event, then regenerates its period's views (which never throws). */
export async function ingestAndRefreshViews(deps: IngestDeps, views: ViewDeps, event: ObjectEvent): Promise<IngestOutcome> {
  const outcome = await ingestUpload(deps, event);
  const upload = parseUploadKey(event.key);
  if (upload && REFRESHES_VIEWS.has(outcome)) await refreshPeriodViews(views, upload.period);
  return outcome;
}

export function makeIngestHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date()) {
  const deps = ingestDeps(runtime, log, clock);
  const views = viewDeps(runtime, log, clock);
  return (event: S3Event): Promise<IngestOutcome[]> => dispatchS3Event(event, 'ingest', log, (e) => ingestAndRefreshViews(deps, views, e));
}

let cached: ReturnType<typeof makeIngestHandler> | undefined;

export const handler = (event: S3Event): Promise<IngestOutcome[]> => {
  cached ??= makeIngestHandler(createRuntime(), powertoolsLog('tertial-ingest'));
  return cached(event);
};
