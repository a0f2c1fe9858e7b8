/**
 * reindexPeriod: rebuilds a period's state in the table from what is in S3. A lost or
 * corrupted table is never a lost report, and never a rewritten one.
 *
 * The period history (`storage/history.ts`) says what took effect: per file the newest
 * accepted copy or removal, and the newest close unless a reopening undid it. A closed
 * period is rebuilt as it was at its close (the files the close record names, from
 * their accepted copies, then the closure), whatever was refused after it; an open one
 * from each file's newest event that took effect, so a refused upload on top of an
 * accepted one leaves the accepted one in force. Rows are parsed again from the copies
 * and committed under the sequencers of the events that brought them, so against an
 * intact table every replay is stale and changes nothing. Receipts are not rewritten,
 * and `documents/` is written only for a closed period whose document is missing (as a
 * retry of its close would), never announced again otherwise.
 *
 * Files with no history (uploaded before the history was kept) are replayed from the
 * current object under `uploads/`, with a sequencer from its LastModified time; for a
 * closed period only those older than the closure object.
 */
import { formatPeriod, type Period } from '../core/domain.js';
import type { ObjectEvent } from '../runtime/events.js';
import {
  acceptedCopyKey,
  closureKey,
  documentKey,
  normalizeSequencer,
  parseUploadKey,
  uploadsPrefix,
} from '../core/keys.js';
import { parseClosure } from '../core/closure.js';
import { parseUpload } from '../core/parse/index.js';
import { closeTertial, type AssembleDeps, type AssembleOutcome } from '../assemble/assemble.js';
import { readHistory, type PeriodHistory } from '../storage/history.js';
import { countsOf, newGeneration, type ClosureRecord } from '../storage/repository.js';
import { ingestUpload, type IngestDeps, type IngestOutcome } from './ingest.js';

export type ReindexUploadOutcome = IngestOutcome | 'restored' | 'unreadable';

export interface ReindexResult {
  readonly uploads: readonly { name: string; outcome: ReindexUploadOutcome }[];
  /** `restored`: the close recorded again from S3, with no document written; `already_closed`: the table had it. */
  readonly closure?: AssembleOutcome | 'restored';
}

type Deps = IngestDeps & AssembleDeps;

function replaySequencer(lastModified: Date): string {
  return normalizeSequencer((BigInt(lastModified.getTime()) * 4096n).toString(16));
}

function replayEvent(bucket: string, key: string, lastModified: Date): ObjectEvent {
  return {
    bucket,
    key,
    kind: 'created',
    sequencer: replaySequencer(lastModified),
    eventTime: lastModified.toISOString(),
    eventName: 'ObjectCreated:Replay',
  };
}

export async function reindexPeriod(deps: Deps, period: Period): Promise<ReindexResult> {
  deps.log.info('reindexing period from S3', { period: formatPeriod(period) });
  const history = await readHistory(deps, period);
  if (history.close) return reindexClosed(deps, period, history);
  return reindexOpen(deps, period, history);
}

/** Restores one accepted copy as the file's version in force, committed under its own event's sequencer. */
async function restoreCopy(
  deps: Deps,
  period: Period,
  name: string,
  sequencer: string,
  copyKey: string,
  acceptedAt: Date,
): Promise<ReindexUploadOutcome> {
  const known = (await deps.repo.getPeriod(period))?.files[name];
  if (known && known.sequencer >= sequencer) return 'stale';
  const object = await deps.objects.get(deps.documentsBucket, copyKey);
  if (!object) throw new Error(`accepted copy ${copyKey} vanished while the period was reindexed`);
  const parsed = await parseUpload(name, object.bytes);
  if (!parsed.ok) {
    // Accepted once, refused by today's parser: reported, never silently dropped.
    deps.log.error('an accepted copy no longer parses; the file is left out of the rebuilt period', {
      key: copyKey,
      codes: [...new Set(parsed.errors.map((e) => e.code))],
    });
    return 'unreadable';
  }
  const now = deps.clock();
  const generation = newGeneration(now);
  const chunks = await deps.repo.stageUpload(period, generation, name, parsed.content);
  const result = await deps.repo.acceptUpload(
    period,
    name,
    { sequencer, eventTime: acceptedAt.toISOString() },
    { generation, chunks, counts: countsOf(parsed.content), acceptedAt: acceptedAt.toISOString() },
    now,
  );
  if (result.outcome !== 'committed') {
    await deps.repo.deleteGeneration(period, generation, chunks);
    return result.outcome === 'stale' ? 'stale' : result.outcome === 'full' ? 'refused_full' : 'refused_closed';
  }
  if (result.previous?.generation)
    await deps.repo.deleteGeneration(period, result.previous.generation, result.previous.chunks ?? 1);
  return 'restored';
}

async function reindexOpen(deps: Deps, period: Period, history: PeriodHistory): Promise<ReindexResult> {
  const uploads: { name: string; outcome: ReindexUploadOutcome }[] = [];
  for (const [name, file] of [...history.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (file.kind === 'accepted') {
      uploads.push({
        name,
        outcome: await restoreCopy(deps, period, name, file.sequencer, file.key, file.lastModified),
      });
    } else {
      const result = await deps.repo.removeUpload(
        period,
        name,
        { sequencer: file.sequencer, eventTime: file.lastModified.toISOString() },
        deps.clock(),
      );
      if (result.outcome === 'committed' && result.previous?.generation) {
        await deps.repo.deleteGeneration(period, result.previous.generation, result.previous.chunks ?? 1);
      }
      uploads.push({
        name,
        outcome:
          result.outcome === 'committed'
            ? 'removed'
            : result.outcome === 'stale'
              ? 'stale'
              : result.outcome === 'full'
                ? 'refused_full'
                : 'refused_closed',
      });
    }
  }
  uploads.push(...(await replayWithoutHistory(deps, period, history)));
  const closure = await replayLegacyClosure(deps, period, history);
  return { uploads, ...(closure ? { closure } : {}) };
}

async function reindexClosed(deps: Deps, period: Period, history: PeriodHistory): Promise<ReindexResult> {
  const close = history.close;
  if (!close) throw new Error('reindexClosed needs a close record');
  const before = await deps.repo.getPeriod(period);
  if (before?.state === 'CLOSED') {
    return { uploads: Object.keys(close.files).map((name) => ({ name, outcome: 'stale' })), closure: 'already_closed' };
  }
  const uploads: { name: string; outcome: ReindexUploadOutcome }[] = [];
  for (const [name, file] of Object.entries(close.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const copy = history.files.get(name);
    const key = copy && copy.kind === 'accepted' && copy.sequencer === file.sequencer ? copy.key : undefined;
    const copyKey = key ?? acceptedCopyKey(period, name, file.sequencer);
    uploads.push({
      name,
      outcome: await restoreCopy(
        deps,
        period,
        name,
        file.sequencer,
        copyKey,
        new Date(file.acceptedAt ?? close.closure.closedAt),
      ),
    });
  }
  return { uploads, closure: await restoreClose(deps, period, close.closure) };
}

/**
 * Locks the rebuilt period with the closure it had. The document is written only if it
 * is missing (a close that died before writing it): by the close's own retry path.
 */
async function restoreClose(deps: Deps, period: Period, closure: ClosureRecord): Promise<AssembleOutcome | 'restored'> {
  const record = await deps.repo.ensurePeriod(period, deps.clock());
  const outcome =
    record.state === 'CLOSED' ? 'already_closed' : await deps.repo.closePeriod(period, record.version, closure);
  if (outcome === 'changed') throw new Error(`period ${formatPeriod(period)} changed while its close was restored`);
  if (await deps.objects.exists(deps.documentsBucket, closure.documentKey)) return 'restored';
  const [object] = await deps.objects.list(deps.uploadsBucket, closureKey(period));
  if (!object || object.key !== closureKey(period)) return 'restored';
  return closeTertial(deps, replayEvent(deps.uploadsBucket, object.key, object.lastModified));
}

/** The current objects of files the history does not know, replayed through the ingest as S3 events. */
async function replayWithoutHistory(
  deps: Deps,
  period: Period,
  history: PeriodHistory,
): Promise<{ name: string; outcome: ReindexUploadOutcome }[]> {
  const [closure] = await deps.objects.list(deps.uploadsBucket, closureKey(period));
  const closedAt = closure?.key === closureKey(period) && history.empty ? closure.lastModified : undefined;
  const uploads: { name: string; outcome: ReindexUploadOutcome }[] = [];
  for (const object of await deps.objects.list(deps.uploadsBucket, uploadsPrefix(period))) {
    const upload = parseUploadKey(object.key);
    if (!upload || history.files.has(upload.name)) continue;
    // Without a history, an object newer than the closure came after the close and was refused.
    if (closedAt && object.lastModified > closedAt) continue;
    uploads.push({
      name: upload.name,
      outcome: await ingestUpload(deps, replayEvent(deps.uploadsBucket, object.key, object.lastModified)),
    });
  }
  return uploads;
}

/**
 * A period closed before the history was kept: locked again with the closure object's
 * body, its document written only if it is missing.
 */
async function replayLegacyClosure(
  deps: Deps,
  period: Period,
  history: PeriodHistory,
): Promise<AssembleOutcome | 'restored' | undefined> {
  if (!history.empty) return undefined;
  const [object] = await deps.objects.list(deps.uploadsBucket, closureKey(period));
  if (!object || object.key !== closureKey(period)) return undefined;
  const record = await deps.repo.getPeriod(period);
  if (record?.state === 'CLOSED') return 'already_closed';
  const body = await deps.objects.get(deps.uploadsBucket, object.key);
  const parsed = body ? parseClosure(body.bytes) : undefined;
  if (!parsed?.ok || !(await deps.objects.exists(deps.documentsBucket, documentKey(period)))) {
    return closeTertial(deps, replayEvent(deps.uploadsBucket, object.key, object.lastModified));
  }
  return restoreClose(deps, period, {
    closedAt: object.lastModified.toISOString(),
    documentKey: documentKey(period),
    closure: parsed.closure,
  });
}
