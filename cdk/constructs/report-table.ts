import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The attribute DynamoDB's TTL reads: epoch seconds after which a garbage row may be deleted. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface ReportTableProps {
  /** Test deployments only: no deletion protection, and the table is deleted with the stack. */
  readonly destroyOnRemoval: boolean;
}

/** Single table holding every period's parsed entries (generic `pk`/`sk` string keys). */
export class ReportTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ReportTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      // A few uploads three times a year: on-demand costs nothing when idle.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Garbage rows (e.g. staged under a generation that was superseded or never
      // committed) carry an expiry, and DynamoDB deletes them free of charge.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: !props.destroyOnRemoval,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
