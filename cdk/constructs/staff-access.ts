import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantObjectActions } from './object-grants.js';
import { KEY_PREFIXES } from './report-buckets.js';

export interface StaffAccessProps {
  readonly namePrefix: string;
  readonly uploadsBucket: s3.IBucket;
  readonly documentsBucket: s3.IBucket;
}

/**
 * What people may do, as two customer managed policies and two IAM groups:
 *
 * - staff (`{prefix}-staff`): upload, replace and delete spreadsheets under `uploads/`,
 *   read them back, and read `documents/` and `receipts/`;
 * - secretaries (`{prefix}-secretaries`, who also get the staff policy): close a
 *   tertial (`closures/`), and upload a committee's template (`templates/`) and
 *   settings (`config/`).
 *
 * Both may list the two buckets (the S3 console and `aws s3 ls` need it); nobody may
 * delete an object version, so every replaced or deleted upload stays recoverable. Add
 * IAM users to a group, or attach the policy (by name) to an IAM Identity Center
 * permission set or a role of your own.
 */
export class StaffAccess extends Construct {
  readonly staffPolicy: iam.ManagedPolicy;
  readonly secretaryPolicy: iam.ManagedPolicy;
  readonly staffGroup: iam.Group;
  readonly secretaryGroup: iam.Group;

  constructor(scope: Construct, id: string, props: StaffAccessProps) {
    super(scope, id);
    const { namePrefix, uploadsBucket, documentsBucket } = props;

    this.staffPolicy = new iam.ManagedPolicy(this, 'StaffPolicy', {
      managedPolicyName: `${namePrefix}-staff`,
      description: 'tertial: upload spreadsheets (uploads/), read documents, drafts, status pages and receipts',
    });
    grantObjectActions(this.staffPolicy, uploadsBucket, ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], [KEY_PREFIXES.uploads]);
    grantObjectActions(
      this.staffPolicy,
      documentsBucket,
      ['s3:GetObject'],
      [KEY_PREFIXES.documents, KEY_PREFIXES.receipts, KEY_PREFIXES.drafts, KEY_PREFIXES.status, KEY_PREFIXES.workbooks],
    );
    this.staffPolicy.addStatements(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [uploadsBucket.bucketArn, documentsBucket.bucketArn],
      }),
    );

    this.secretaryPolicy = new iam.ManagedPolicy(this, 'SecretaryPolicy', {
      managedPolicyName: `${namePrefix}-secretary`,
      description: 'tertial: close and reopen a tertial (closures/, reopenings/), upload templates (templates/) and committee settings (config/)',
    });
    grantObjectActions(
      this.secretaryPolicy,
      uploadsBucket,
      ['s3:PutObject', 's3:GetObject'],
      [KEY_PREFIXES.closures, KEY_PREFIXES.reopenings, KEY_PREFIXES.templates, KEY_PREFIXES.config],
    );

    this.staffGroup = new iam.Group(this, 'StaffGroup', {
      groupName: `${namePrefix}-staff`,
      managedPolicies: [this.staffPolicy],
    });
    this.secretaryGroup = new iam.Group(this, 'SecretaryGroup', {
      groupName: `${namePrefix}-secretaries`,
      managedPolicies: [this.staffPolicy, this.secretaryPolicy],
    });
  }
}
