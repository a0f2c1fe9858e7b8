/** Lambda entry point for closure events (ObjectCreated under closures/). */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { S3Event } from 'aws-lambda';
import { dispatchS3Event } from '../runtime/dispatch.js';
import type { Log } from '../core/log.js';
import { powertoolsLog } from '../runtime/powertools-log.js';
import { createRuntime, type Runtime } from '../storage/runtime.js';
import { viewDeps } from '../views/deps.js';
import { reopenTertial, type ReopenOutcome } from './reopen.js';
import { parseReopeningKey } from '../core/keys.js';
import { closeTertial, type AssembleDeps, type AssembleOutcome, type DocumentAnnouncement } from './assemble.js';
import { installedLibreOffice, type PdfConverter } from './pdf.js';

/** Publishes each finished document to the topic a meeting system can subscribe to. */
function snsAnnouncer(region: string, topicArn: string | undefined): (doc: DocumentAnnouncement) => Promise<void> {
  if (!topicArn) return async () => {};
  const sns = new SNSClient({ region });
  return async (doc) => {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: `Måluppföljning ${doc.committee} ${doc.year}-T${doc.tertial} klar`,
        Message: JSON.stringify(doc),
        MessageAttributes: {
          committee: { DataType: 'String', StringValue: doc.committee },
          period: { DataType: 'String', StringValue: `${doc.year}-T${doc.tertial}` },
        },
      }),
    );
  };
}

export interface AssembleOptions {
  /** Makes the PDF beside each document; without it none is made. */
  readonly convertToPdf?: PdfConverter;
}

export function assembleDeps(runtime: Runtime, log: Log, clock: () => Date = () => new Date(), options: AssembleOptions = {}): AssembleDeps {
  return {
    // The close renders like a draft does, with the same settings and template loading.
    ...viewDeps(runtime, log, clock),
    ...(options.convertToPdf ? { convertToPdf: options.convertToPdf } : {}),
    announce: snsAnnouncer(runtime.config.region, runtime.config.documentTopicArn),
  };
}

export function makeAssembleHandler(runtime: Runtime, log: Log, clock: () => Date = () => new Date(), options: AssembleOptions = {}) {
  const deps = assembleDeps(runtime, log, clock, options);
  // One function for both ends of a tertial's life: closures/ closes it, reopenings/ opens it again.
  return (event: S3Event): Promise<(AssembleOutcome | ReopenOutcome)[]> =>
    dispatchS3Event(event, 'assemble', log, (e) => (parseReopeningKey(e.key) ? reopenTertial(deps, e) : closeTertial(deps, e)));
}

let cached: ReturnType<typeof makeAssembleHandler> | undefined;

export const handler = (event: S3Event): Promise<(AssembleOutcome | ReopenOutcome)[]> => {
  if (!cached) {
    // The container image has LibreOffice at /usr/bin/soffice; a zip-deployed function has
    // none, and then makes the Word document only (README: "The committee document and its PDF").
    const pdf = installedLibreOffice();
    cached = makeAssembleHandler(createRuntime(), powertoolsLog('tertial-assemble'), undefined, pdf ? { convertToPdf: pdf } : {});
  }
  return cached(event);
};
