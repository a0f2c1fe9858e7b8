/** Lambda entry point for closure events (ObjectCreated under closures/). */
import type { Context, S3Event } from 'aws-lambda';
import { invocationLogger, type InvocationContext } from '../runtime/invocation.js';
import { dispatchS3Event } from '../runtime/dispatch.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../runtime/powertools-log.js';
import { createRuntime, type Runtime } from '../storage/runtime.js';
import { viewDeps } from '../views/deps.js';
import { reopenTertial, type ReopenOutcome } from './reopen.js';
import { KEY_PREFIXES } from '../core/keys.js';
import { closeTertial, type AssembleDeps, type AssembleOutcome, type DocumentAnnouncement } from './assemble.js';
import { installedLibreOffice, type PdfConverter } from './pdf.js';
import type { Tertial } from '../core/domain.js';
import { periodAttributes } from '../core/receipt-message.js';
import type { Notifier } from '../runtime/notify.js';

/**
 * Each finished document to the document topic a meeting system (or a secretary)
 * subscribes to: the JSON announcement, with the same `committee` and `period`
 * attributes as the receipts.
 */
function documentAnnouncer(notify: Notifier): (doc: DocumentAnnouncement) => Promise<void> {
  return (doc) =>
    notify.publish('documents', {
      subject: `Måluppföljning ${doc.committee} ${doc.year}-T${doc.tertial} klar`,
      text: JSON.stringify(doc),
      attributes: periodAttributes({ committee: doc.committee, year: doc.year, tertial: doc.tertial as Tertial }),
    });
}

export interface AssembleOptions {
  /** Makes the PDF beside each document; without it none is made. */
  readonly convertToPdf?: PdfConverter;
}

export function assembleDeps(
  runtime: Runtime,
  log: Log,
  clock: () => Date = () => new Date(),
  options: AssembleOptions = {},
): AssembleDeps {
  return {
    // The close renders like a draft does, with the same settings and template loading.
    ...viewDeps(runtime, log, clock),
    ...(options.convertToPdf ? { convertToPdf: options.convertToPdf } : {}),
    announce: documentAnnouncer(runtime.notify),
    notify: runtime.notify,
  };
}

export function makeAssembleHandler(
  runtime: Runtime,
  log: Log,
  clock: () => Date = () => new Date(),
  options: AssembleOptions = {},
) {
  const deps = assembleDeps(runtime, log, clock, options);
  const logFor = invocationLogger(log);
  // One function for both ends of a tertial's life: closures/ closes it, reopenings/ opens it again.
  return (event: S3Event, context?: InvocationContext): Promise<(AssembleOutcome | ReopenOutcome)[]> => {
    const invocationLog = logFor(context);
    const invocationDeps = { ...deps, log: invocationLog };
    return dispatchS3Event(event, 'assemble', invocationLog, (e) =>
      e.key.startsWith(KEY_PREFIXES.reopenings) ? reopenTertial(invocationDeps, e) : closeTertial(invocationDeps, e),
    );
  };
}

let cached: ReturnType<typeof makeAssembleHandler> | undefined;

export const handler = (event: S3Event, context: Context): Promise<(AssembleOutcome | ReopenOutcome)[]> => {
  if (!cached) {
    // The container image has LibreOffice at /usr/bin/soffice; a zip-deployed function has
    // none, and then makes the Word document only (README: "The committee document and its PDF").
    const pdf = installedLibreOffice();
    // LibreOffice starts while the first close reads its inputs and renders; it then stays
    // running, frozen with the execution environment between invocations, for later closes.
    pdf?.warm();
    cached = makeAssembleHandler(
      createRuntime(),
      powertoolsLog('tertial-assemble'),
      undefined,
      pdf ? { convertToPdf: pdf } : {},
    );
  }
  return cached(event, context);
};
