/**
 * reindexPeriod: rebuilds a period's state in the table from what is in S3, by
 * replaying the current objects under `uploads/` (and the closure, if there is one)
 * through the same domain functions the S3 events reach. A lost or corrupted table is
 * never a lost report.
 *
 * Replayed events get a sequencer from the object's LastModified time. Real S3
 * sequencers for later writes are larger, so new uploads still win afterwards; and
 * against an intact table every replayed event is older than the one recorded, so a
 * replay changes nothing there.
 */
import { formatPeriod, type Period } from '../core/domain.js';
import type { ObjectEvent } from '../runtime/events.js';
import { closureKey, normalizeSequencer, parseUploadKey, uploadsPrefix } from '../core/keys.js';
import { closeTertial, type AssembleDeps, type AssembleOutcome } from '../assemble/assemble.js';
import { ingestUpload, type IngestDeps, type IngestOutcome } from './ingest.js';

export interface ReindexResult {
  readonly uploads: readonly { name: string; outcome: IngestOutcome }[];
  readonly closure?: AssembleOutcome;
}

function replayEvent(bucket: string, key: string, lastModified: Date): ObjectEvent {
  return {
    bucket,
    key,
    kind: 'created',
    sequencer: normalizeSequencer((BigInt(lastModified.getTime()) * 4096n).toString(16)),
    eventTime: lastModified.toISOString(),
    eventName: 'ObjectCreated:Replay',
  };
}

export async function reindexPeriod(deps: IngestDeps & AssembleDeps, period: Period): Promise<ReindexResult> {
  deps.log.info('reindexing period from S3', { period: formatPeriod(period) });
  const uploads: { name: string; outcome: IngestOutcome }[] = [];
  for (const object of await deps.objects.list(deps.uploadsBucket, uploadsPrefix(period))) {
    const upload = parseUploadKey(object.key);
    if (!upload) continue;
    uploads.push({ name: upload.name, outcome: await ingestUpload(deps, replayEvent(deps.uploadsBucket, object.key, object.lastModified)) });
  }
  const [closure] = await deps.objects.list(deps.uploadsBucket, closureKey(period));
  if (closure && closure.key === closureKey(period)) {
    return { uploads, closure: await closeTertial(deps, replayEvent(deps.uploadsBucket, closure.key, closure.lastModified)) };
  }
  return { uploads };
}
