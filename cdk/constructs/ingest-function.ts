import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { KEY_PREFIXES } from './report-buckets.js';
import { tertialFunction } from './tertial-function.js';

export interface IngestFunctionProps {
  readonly uploadsBucket: s3.IBucket;
  readonly documentsBucket: s3.IBucket;
  readonly table: dynamodb.ITable;
}

/**
 * Parses a spreadsheet when it is uploaded to (or removed from) `uploads/…` and
 * stores its entries in the table; writes a receipt per file. Triggered by the
 * notifications the stack derives from `NOTIFICATION_RULES`.
 */
export class IngestFunction extends Construct {
  readonly lambdaFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: IngestFunctionProps) {
    super(scope, id);
    const { uploadsBucket, documentsBucket, table } = props;

    const fn = tertialFunction(this, 'Function', {
      entry: 'lambdas/ingest/handler.ts',
      description: 'Parses uploaded spreadsheets (uploads/) into the report table',
      // One spreadsheet per invocation takes seconds; the margin covers a large workbook
      // plus DynamoDB batch-write retries under throttling.
      timeout: Duration.minutes(2),
    });
    this.lambdaFunction = fn;

    fn.addEnvironment('UPLOADS_BUCKET', uploadsBucket.bucketName);
    uploadsBucket.grantRead(fn, `${KEY_PREFIXES.uploads}*`);

    fn.addEnvironment('DOCUMENTS_BUCKET', documentsBucket.bucketName);
    documentsBucket.grantPut(fn, `${KEY_PREFIXES.receipts}*`);

    fn.addEnvironment('TABLE_NAME', table.tableName);
    table.grantReadWriteData(fn);
  }
}
