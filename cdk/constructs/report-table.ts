import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

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
      // No TTL. Staged rows become the version in force where they lie (the commit only
      // points the period item at their generation), so an expiry written when they are
      // staged would have to be removed from every chunk at the commit, or in-force rows
      // would expire: an irreversible, silent loss. Garbage is deleted by the pipeline
      // instead: a superseded or removed version at its commit, a failed attempt's rows
      // by that attempt, a crashed one's by the sweep at the close.
      deletionProtection: !props.destroyOnRemoval,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
