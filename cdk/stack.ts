import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { NOTIFICATION_RULES, type NotificationTarget } from '../lambdas/core/keys.js';
import { AssembleFunction } from './constructs/assemble-function.js';
import { IngestFunction } from './constructs/ingest-function.js';
import { ReportBuckets } from './constructs/report-buckets.js';
import { ReportTable } from './constructs/report-table.js';

/**
 * uploads bucket --(uploads/*.xlsx|.csv)--> ingest   --> table (+ receipts/ in documents bucket)
 * uploads bucket --(closures/…)-----------> assemble --> documents bucket (documents/, receipts/)
 */
export class TertialStack extends Stack {
  readonly buckets: ReportBuckets;
  readonly reportTable: ReportTable;
  readonly ingest: IngestFunction;
  readonly assemble: AssembleFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.buckets = new ReportBuckets(this, 'Buckets');
    this.reportTable = new ReportTable(this, 'ReportTable');

    const wiring = {
      uploadsBucket: this.buckets.uploads,
      documentsBucket: this.buckets.documents,
      table: this.reportTable.table,
    };
    this.ingest = new IngestFunction(this, 'Ingest', wiring);
    this.assemble = new AssembleFunction(this, 'Assemble', wiring);

    // Event routing comes from the table the handlers and the local stack also use
    // (NOTIFICATION_RULES in lambdas/core/keys.ts), so deployed and local routing cannot drift.
    // uploads/*.xlsx|.csv created or removed -> ingest; closures/* created -> assemble.
    const targets: Record<NotificationTarget, lambda.IFunction> = {
      ingest: this.ingest.lambdaFunction,
      assemble: this.assemble.lambdaFunction,
    };
    const eventTypes = { created: s3.EventType.OBJECT_CREATED, removed: s3.EventType.OBJECT_REMOVED } as const;
    for (const rule of NOTIFICATION_RULES) {
      const filter: s3.NotificationKeyFilter = rule.suffix ? { prefix: rule.prefix, suffix: rule.suffix } : { prefix: rule.prefix };
      for (const kind of rule.events) {
        this.buckets.uploads.addEventNotification(eventTypes[kind], new s3n.LambdaDestination(targets[rule.target]), filter);
      }
    }

    new CfnOutput(this, 'UploadsBucketName', {
      description: 'Input bucket: uploads/, closures/, templates/, config/',
      value: this.buckets.uploads.bucketName,
    });
    new CfnOutput(this, 'DocumentsBucketName', {
      description: 'Output bucket: documents/, receipts/',
      value: this.buckets.documents.bucketName,
    });
    new CfnOutput(this, 'TableName', {
      description: 'Report entries table',
      value: this.reportTable.table.tableName,
    });
  }
}
