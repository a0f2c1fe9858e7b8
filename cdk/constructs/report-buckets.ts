import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * Key prefixes of the two buckets, used to scope IAM grants. The handlers' key layout
 * lives in `lambdas/core/keys.ts`; keep the two in step.
 *
 * Uploads (input) bucket:
 *   uploads/{committee}/{year}/T{n}/*.xlsx|.csv   staff spreadsheets  -> ingest
 *   closures/{committee}/{year}/T{n}              "period closed"     -> assemble
 *   templates/{committee}.docx                    optional template   (read by assemble)
 *   config/{committee}.json                       optional config     (read by assemble)
 *
 * Documents (output) bucket:
 *   documents/...docx                             assembled reports   (written by assemble)
 *   receipts/...json                              processing receipts (written by ingest and assemble)
 */
export const KEY_PREFIXES = {
  uploads: 'uploads/',
  closures: 'closures/',
  templates: 'templates/',
  config: 'config/',
  documents: 'documents/',
  receipts: 'receipts/',
} as const;

/** Private, encrypted, versioned, TLS-only, and kept when the stack is deleted. */
function privateBucket(scope: Construct, id: string): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    // Versioning: an overwritten or deleted spreadsheet/report can be recovered.
    versioned: true,
    // Staff input and issued reports outlive any one deployment of this stack.
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** The bucket staff upload to and the bucket assembled documents and receipts land in. */
export class ReportBuckets extends Construct {
  /** Input: uploads/, closures/, templates/, config/. */
  readonly uploads: s3.Bucket;
  /** Output: documents/, receipts/. */
  readonly documents: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.uploads = privateBucket(this, 'Uploads');
    this.documents = privateBucket(this, 'Documents');
  }
}
