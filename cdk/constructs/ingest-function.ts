import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { grantReadObjects, grantWriteObjects } from './object-grants.js';
import { BATCH_WRITTEN_KINDS, TABLE_ITEM_KINDS } from '../../lambdas/storage/table-keys.js';
import { PipelineFunction, wiredProps, type PipelineWiring } from './pipeline-function.js';
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
      description: 'Parses uploaded spreadsheets (uploads/) into the report table',
      // Chosen for the largest workbook the parser accepts (MAX_DATA_ROWS, 20,000 rows):
      // measured, about 1.5 s to parse and 2 s to stage its rows. Parsing is CPU-bound
      // (unzip and XML) and Lambda gives CPU in proportion to memory; memory itself stays
      // well under 1024 MB. The timeout leaves room for throttled batch-write retries.
      memorySize: 1024,
      timeout: Duration.minutes(2),
      ...wiredProps('ingest', props),
    });
    const { uploadsBucket, documentsBucket, table } = props;

    this.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    grantReadObjects(this.role, uploadsBucket, [KEY_PREFIXES.uploads]);

    this.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    // history/: the immutable copy of each accepted upload and each removal's mark (written once, so read first).
    grantReadObjects(this.role, documentsBucket, [KEY_PREFIXES.receipts, KEY_PREFIXES.history]);
    grantWriteObjects(this.role, documentsBucket, [KEY_PREFIXES.receipts, KEY_PREFIXES.history]);

    // Reads the period, commits with a conditional UpdateItem; stages the rows of an
    // upload and deletes a superseded version's rows (BatchWriteItem, a period's rows
    // only). No PutItem, DeleteItem or Scan: none of its code sends them.
    this.bindTable(
      table,
      { actions: ['GetItem', 'Query', 'UpdateItem'], kinds: TABLE_ITEM_KINDS.ingest },
      { actions: ['BatchWriteItem'], kinds: BATCH_WRITTEN_KINDS },
    );
  }
}
