import { Duration, Size } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { repoPath } from '../paths.js';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  closureReceiptHtmlKey,
  closureReceiptKey,
  KEY_PREFIXES,
  keyFileName,
  MISPLACED_RECEIPTS_PREFIX,
  reopeningReceiptHtmlKey,
  reopeningReceiptKey,
} from '../../lambdas/core/keys.js';
import { grantKeyActions, grantReadObjects, grantWriteObjects } from './object-grants.js';
import { BATCH_WRITTEN_KINDS, TABLE_ITEM_KINDS } from '../../lambdas/storage/table-keys.js';
import { PipelineFunction, wiredProps, type PipelineWiring } from './pipeline-function.js';

const SAMPLE_PERIOD = { committee: 'ks', year: 2024, tertial: 1 } as const;

/** The receipt keys the assemble function writes, as IAM key patterns. */
export const ASSEMBLE_RECEIPT_KEYS = [
  `${KEY_PREFIXES.receipts}*/${keyFileName(closureReceiptKey(SAMPLE_PERIOD))}`,
  `${KEY_PREFIXES.receipts}*/${keyFileName(closureReceiptHtmlKey(SAMPLE_PERIOD))}`,
  `${KEY_PREFIXES.receipts}*/${keyFileName(reopeningReceiptKey(SAMPLE_PERIOD))}`,
  `${KEY_PREFIXES.receipts}*/${keyFileName(reopeningReceiptHtmlKey(SAMPLE_PERIOD))}`,
  `${MISPLACED_RECEIPTS_PREFIX}${KEY_PREFIXES.closures}*`,
  `${MISPLACED_RECEIPTS_PREFIX}${KEY_PREFIXES.reopenings}*`,
] as const;

export interface AssembleFunctionProps extends PipelineWiring {
  /** Announces each finished document. */
  readonly documentTopic: sns.ITopic;
  /** The container image with LibreOffice (the PDF beside each document); false: the zip function, Word only. */
  readonly pdf: boolean;
}

/** The image's Dockerfile, at the repository root; its build context is the root, filtered by `.dockerignore`. */
export const ASSEMBLE_DOCKERFILE = 'Dockerfile';

/**
 * x86_64 for the image: it is built on the deployer's machine, which is usually x86_64,
 * and building an arm64 LibreOffice image there means emulating a whole Debian install.
 * (The zip functions are arm64: their bundle is plain JavaScript.)
 */
export const ASSEMBLE_IMAGE_ARCHITECTURE = lambda.Architecture.X86_64;

/**
 * Memory of the assemble function, zip or image. Measured (README, "Deploy to AWS"):
 * LibreOffice's soffice.bin peaks at about 210 MiB converting the example report or a
 * 2,000-activity one, and the render itself stays under 200 MiB; conversion is CPU-bound,
 * and Lambda gives a full vCPU from 1,769 MB, so 2,048 MB buys speed, not headroom.
 */
export const ASSEMBLE_MEMORY_MB = 2048;

/**
 * When `closures/{committee}/{year}/T{n}` appears, renders the period's entries into
 * `documents/…docx` (the committee's accepted template if there is one, else the bundled
 * default), writes a receipt and announces the document. Triggered by the notifications
 * the stack derives from `NOTIFICATION_RULES`.
 */
export class AssembleFunction extends PipelineFunction {
  constructor(scope: Construct, id: string, props: AssembleFunctionProps) {
    super(scope, id, {
      handler: 'assemble',
      description: 'Assembles the period report (documents/) when a closure marker (closures/) is written',
      // Reads a whole period's entries, renders the .docx (CPU-bound: zip and XML) and
      // uploads it: seconds, once per period, so a generous ceiling costs nothing.
      memorySize: ASSEMBLE_MEMORY_MB,
      // The PDF conversion is bounded at 120 s (lambdas/assemble/pdf.ts), the render at
      // seconds; five minutes leaves room for both and for S3 and DynamoDB retries.
      timeout: Duration.minutes(5),
      ...wiredProps('assemble', props),
      bundleDefaultTemplate: true,
      ...(props.pdf
        ? {
            containerImage: {
              // Staged into cdk.out at synth (no Docker needed); built by `cdk deploy`.
              code: lambda.DockerImageCode.fromImageAsset(repoPath(), {
                file: ASSEMBLE_DOCKERFILE,
                platform: ecrAssets.Platform.LINUX_AMD64,
              }),
              architecture: ASSEMBLE_IMAGE_ARCHITECTURE,
              // The default 512 MiB holds a conversion's profile (under 1 MiB), the .docx and the PDF many times over.
              ephemeralStorageSize: Size.mebibytes(512),
            },
          }
        : {}),
    });
    const { uploadsBucket, documentsBucket, table, documentTopic } = props;

    this.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    grantReadObjects(this.role, uploadsBucket, [KEY_PREFIXES.closures, KEY_PREFIXES.reopenings, KEY_PREFIXES.config]);

    // Reads: a re-delivered closure checks (HeadObject) whether its document exists;
    // receipts; the committee's accepted template copy (written by the template check).
    this.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    grantReadObjects(this.role, documentsBucket, [
      KEY_PREFIXES.documents,
      KEY_PREFIXES.receipts,
      KEY_PREFIXES.templates,
      KEY_PREFIXES.history,
    ]);
    // history/: the record of each close and reopening, written once.
    grantWriteObjects(this.role, documentsBucket, [KEY_PREFIXES.documents, KEY_PREFIXES.history]);
    // Of receipts/, only the receipts of a close and of a reopening and their pages (and
    // of a misplaced one): the names the layout reserves for them, which no upload's receipt can have.
    grantKeyActions(this.role, documentsBucket, ['s3:PutObject'], ASSEMBLE_RECEIPT_KEYS);

    // Reads the period and its staged rows and the committee's template in force, closes
    // or reopens with a conditional UpdateItem, sweeps orphaned rows (BatchWriteItem, a
    // period's rows only).
    this.bindTable(
      table,
      { actions: ['GetItem', 'Query', 'UpdateItem'], kinds: TABLE_ITEM_KINDS.assemble },
      { actions: ['BatchWriteItem'], kinds: BATCH_WRITTEN_KINDS },
    );

    this.addEnvironment('DOCUMENT_TOPIC_ARN', documentTopic.topicArn);
    documentTopic.grantPublish(this.role);
  }
}
