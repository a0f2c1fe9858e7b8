import { CustomResourceProviderBase, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/*
 * What the two buckets hold (the key layout and its prefixes, `KEY_PREFIXES`, are
 * `lambdas/core/keys.ts`'s; the IAM grants are scoped with those prefixes).
 *
 * Uploads (input) bucket:
 *   uploads/{committee}/{year}/T{n}/*.xlsx|.csv   staff spreadsheets  -> ingest
 *   closures/{committee}/{year}/T{n}              "period closed"     -> assemble
 *   templates/{committee}.docx                    a template upload   -> template check
 *   config/{committee}.json                       optional config     (read by assemble)
 *
 * Documents (output) bucket:
 *   documents/...docx                             assembled reports   (assemble)
 *   receipts/...json                              processing receipts (all three)
 *   templates/{committee}/{sequencer}.docx        accepted templates  (template check; read by assemble)
 *   receipts/templates/{committee}.docx.json      template receipts   (template check)
 *   history/{committee}/{year}/T{n}/...           period history      (ingest, assemble; read by reindex)
 */

/**
 * Replaced and deleted versions of staff input are kept for a year: every file behind
 * the three tertials of a reporting year can be recovered until the next year's
 * reports are out.
 */
export const UPLOADS_NONCURRENT_DAYS = 365;
/**
 * The output bucket holds derived objects: receipts are rewritten on every upload, and
 * documents and accepted templates are written once under a key of their own and stay
 * current. Old receipt versions only matter while someone looks into a recent upload.
 */
export const DOCUMENTS_NONCURRENT_DAYS = 90;
/** Server access logs (who put or deleted what, and when) are kept for a reporting year. */
export const ACCESS_LOG_DAYS = 365;

/**
 * The construct id CDK gives its (stack-wide) provider of `autoDeleteObjects`, whose role
 * empties a bucket when the stack is deleted. Not a public constant of aws-cdk-lib: a
 * change in a CDK upgrade fails the synth of a test deployment, not its teardown.
 */
const AUTO_DELETE_PROVIDER_ID = 'Custom::S3AutoDeleteObjectsCustomResourceProvider';

export interface ReportBucketsProps {
  /** Test deployments only: delete the buckets and their objects with the stack. */
  readonly destroyOnRemoval: boolean;
}

/** The bucket staff upload to, the bucket documents and receipts land in, and their access logs. */
export class ReportBuckets extends Construct {
  /** Input: uploads/, closures/, templates/, config/. */
  readonly uploads: s3.Bucket;
  /** Output: documents/, receipts/, templates/ (accepted copies). */
  readonly documents: s3.Bucket;
  /** Server access logs of both buckets. */
  readonly accessLogs: s3.Bucket;
  /**
   * With `destroyOnRemoval` only: the role that empties the buckets (every object
   * version) when the stack is deleted; the documents bucket's Deny of deletes lets it through.
   */
  readonly emptierRoleArn?: string;

  constructor(scope: Construct, id: string, props: ReportBucketsProps) {
    super(scope, id);
    // Staff input and issued documents outlive any one deployment of this stack.
    const removal = props.destroyOnRemoval
      ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }
      : { removalPolicy: RemovalPolicy.RETAIN };
    const secure = {
      // SSE-S3: server access logging can only deliver to SSE-S3 buckets, and no function
      // or person then needs KMS permissions.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      ...removal,
    };
    const abortUploads = { abortIncompleteMultipartUploadAfter: Duration.days(7) };

    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_DAYS), ...abortUploads }],
    });
    // Not logged itself (that would log its own log deliveries); cdk-nag's S1 knows a log
    // destination needs no logging.

    const versioned = (id: string, noncurrentDays: number, logPrefix: string) =>
      new s3.Bucket(this, id, {
        ...secure,
        // Versioning: S3 can coalesce the notifications of simultaneous writes to an
        // unversioned key, and an overwritten or deleted file can be recovered.
        versioned: true,
        lifecycleRules: [
          {
            id: 'expire-noncurrent-versions',
            noncurrentVersionExpiration: Duration.days(noncurrentDays),
            // A delete marker left with no versions behind it is noise; drop it.
            expiredObjectDeleteMarker: true,
            ...abortUploads,
          },
        ],
        serverAccessLogsBucket: this.accessLogs,
        serverAccessLogsPrefix: logPrefix,
      });
    this.uploads = versioned('Uploads', UPLOADS_NONCURRENT_DAYS, 'uploads-bucket/');
    this.documents = versioned('Documents', DOCUMENTS_NONCURRENT_DAYS, 'documents-bucket/');

    if (props.destroyOnRemoval) {
      const provider = Stack.of(this).node.tryFindChild(AUTO_DELETE_PROVIDER_ID);
      if (!(provider instanceof CustomResourceProviderBase)) {
        throw new Error(
          `destroyOnRemoval: no ${AUTO_DELETE_PROVIDER_ID} in the stack, so the role that empties the buckets cannot be exempted from the documents bucket's Deny of deletes`,
        );
      }
      this.emptierRoleArn = provider.roleArn;
    }
  }
}
