import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { grantReadObjects, grantWriteObjects } from './object-grants.js';
import { grantTableItems } from './table-grants.js';
import { TABLE_ITEM_KINDS } from '../../lambdas/storage/table-keys.js';
import { PipelineFunction, type PipelineWiring } from './pipeline-function.js';
import { KEY_PREFIXES } from '../../lambdas/core/keys.js';

export type IngestFunctionProps = PipelineWiring;

/**
 * Parses a spreadsheet when it is uploaded to (or removed from) `uploads/…`, stores its
 * entries in the table and writes a receipt per file. Triggered by the notifications
 * the stack derives from `NOTIFICATION_RULES`.
 */
export class IngestFunction extends PipelineFunction {
  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id, {
      handler: 'ingest',
      functionName: `${props.namePrefix}-ingest`,
      serviceName: 'tertial-ingest',
      description: 'Parses uploaded spreadsheets (uploads/) into the report table',
      // Chosen for the largest workbook the parser accepts (MAX_DATA_ROWS, 20,000 rows):
      // measured, about 1.5 s to parse and 2 s to stage its rows. Parsing is CPU-bound
      // (unzip and XML) and Lambda gives CPU in proportion to memory; memory itself stays
      // well under 1024 MB. The timeout leaves room for throttled batch-write retries.
      memorySize: 1024,
      timeout: Duration.minutes(2),
      failureQueue: props.failureQueue,
      destroyOnRemoval: props.destroyOnRemoval,
    });
    const { uploadsBucket, documentsBucket, table } = props;

    this.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    grantReadObjects(this.role, uploadsBucket, [KEY_PREFIXES.uploads]);

    this.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    // history/: the immutable copy of each accepted upload and each removal's mark (written once, so read first).
    grantReadObjects(this.role, documentsBucket, [KEY_PREFIXES.receipts, KEY_PREFIXES.history]);
    grantWriteObjects(this.role, documentsBucket, [KEY_PREFIXES.receipts, KEY_PREFIXES.history]);

    this.addEnvironment('TABLE_NAME', table.tableName);
    // Reads the period, stages the rows of an upload and deletes a superseded version's
    // rows (BatchWriteItem), commits with a conditional UpdateItem. No PutItem, DeleteItem
    // or Scan: none of its code sends them.
    grantTableItems(this.role, table, ['GetItem', 'Query', 'UpdateItem', 'BatchWriteItem'], TABLE_ITEM_KINDS.ingest);
  }
}
