import { Duration } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { grantReadObjects, grantWriteObjects } from './object-grants.js';
import { grantTableItems } from './table-grants.js';
import { TABLE_ITEM_KINDS } from '../../lambdas/storage/table-keys.js';
import { PipelineFunction, type PipelineWiring } from './pipeline-function.js';
import { KEY_PREFIXES } from './report-buckets.js';

export interface AssembleFunctionProps extends PipelineWiring {
  /** Announces each finished document. */
  readonly documentTopic: sns.ITopic;
}

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
      functionName: `${props.namePrefix}-assemble`,
      serviceName: 'tertial-assemble',
      description: 'Assembles the period report (documents/) when a closure marker (closures/) is written',
      // Reads a whole period's entries, renders the .docx (CPU-bound: zip and XML) and
      // uploads it: seconds, once per period, so a generous ceiling costs nothing.
      memorySize: 1024,
      timeout: Duration.minutes(5),
      failureQueue: props.failureQueue,
      destroyOnRemoval: props.destroyOnRemoval,
      bundleDefaultTemplate: true,
    });
    const { uploadsBucket, documentsBucket, table, documentTopic } = props;

    this.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    grantReadObjects(this.role, uploadsBucket, [KEY_PREFIXES.closures, KEY_PREFIXES.reopenings, KEY_PREFIXES.config]);

    // Reads: a re-delivered closure checks (HeadObject) whether its document exists;
    // receipts; the committee's accepted template copy (written by the template check).
    this.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    // history/: the record of each close and reopening, written once.
    grantReadObjects(this.role, documentsBucket, [KEY_PREFIXES.documents, KEY_PREFIXES.receipts, KEY_PREFIXES.templates, KEY_PREFIXES.history]);
    grantWriteObjects(this.role, documentsBucket, [KEY_PREFIXES.documents, KEY_PREFIXES.receipts, KEY_PREFIXES.history]);

    this.addEnvironment('TABLE_NAME', table.tableName);
    // Reads the period and its staged rows and the committee's template in force, closes
    // or reopens with a conditional UpdateItem, sweeps orphaned rows (BatchWriteItem).
    grantTableItems(this.role, table, ['GetItem', 'Query', 'UpdateItem', 'BatchWriteItem'], TABLE_ITEM_KINDS.assemble);

    this.addEnvironment('DOCUMENT_TOPIC_ARN', documentTopic.topicArn);
    documentTopic.grantPublish(this.role);
  }
}
