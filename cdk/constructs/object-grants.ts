/**
 * S3 grants scoped to key prefixes, with exact actions. CDK's `bucket.grantRead` would
 * add `s3:GetBucket*` and `s3:List*` on the whole bucket; these grant only what is used.
 *
 * An object ARN with a prefix wildcard (`…/uploads/*`) is the narrowest resource IAM can
 * express for keys that are only known at run time (committee, year, tertial, file
 * name); each one is acknowledged to cdk-nag here, where it is created.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { KEY_PREFIXES } from '../../lambdas/core/keys.js';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeWildcardResource } from '../nag.js';

/** A role (the functions) or a customer managed policy (staff access). */
export type GrantTarget = iam.Role | iam.ManagedPolicy;

function addStatement(target: GrantTarget, statement: iam.PolicyStatement): void {
  if (target instanceof iam.ManagedPolicy) target.addStatements(statement);
  else target.addToPrincipalPolicy(statement);
}

const acknowledged = new WeakMap<GrantTarget, Set<string>>();

/**
 * Object ARNs for key patterns: `uploads/ks/*` every key under a prefix, a pattern with
 * a wildcard inside (the close receipts, `receipts/` + `*` + `/stangning.json`) every
 * key of that shape (each wildcard acknowledged to cdk-nag once per target),
 * `templates/ks.docx` one exact key.
 */
function keyArns(target: GrantTarget, bucket: s3.IBucket, patterns: readonly string[]): string[] {
  const done = acknowledged.get(target) ?? new Set<string>();
  acknowledged.set(target, done);
  return patterns.map((pattern) => {
    const arn = bucket.arnForObjects(pattern);
    const name = `${bucket.node.path}/${pattern}`;
    if (pattern.includes('*') && !done.has(name)) {
      done.add(name);
      const prefix = pattern.slice(0, -1);
      acknowledgeWildcardResource(
        target,
        arn,
        pattern === '*'
          ? 'Every object of one bucket: the administrator role repairs and re-indexes any committee and period.'
          : pattern.indexOf('*') === pattern.length - 1
            ? `Only the objects under the ${prefix} key prefix of one bucket: the keys name a committee, period or file known only at run time.`
            : `Only the keys of one bucket matching ${pattern}: one kind of object, for a committee and period known only at run time.`,
      );
    }
    return arn;
  });
}

function objectArns(target: GrantTarget, bucket: s3.IBucket, prefixes: readonly string[]): string[] {
  return keyArns(
    target,
    bucket,
    prefixes.map((prefix) => `${prefix}*`),
  );
}

/** Object actions on the objects under each prefix. */
export function grantObjectActions(
  target: GrantTarget,
  bucket: s3.IBucket,
  actions: string[],
  prefixes: readonly string[],
): void {
  addStatement(target, new iam.PolicyStatement({ actions, resources: objectArns(target, bucket, prefixes) }));
}

/** Object actions on keys given as patterns: `uploads/ks/*` (a prefix) or `templates/ks.docx` (one key). */
export function grantKeyActions(
  target: GrantTarget,
  bucket: s3.IBucket,
  actions: string[],
  patterns: readonly string[],
): void {
  addStatement(target, new iam.PolicyStatement({ actions, resources: keyArns(target, bucket, patterns) }));
}

/**
 * ListBucket limited to listings whose `s3:prefix` matches one of the patterns, so a
 * person lists their own committee's folders and no other's (nor the whole bucket).
 */
export function grantListKeys(target: GrantTarget, bucket: s3.IBucket, patterns: readonly string[]): void {
  addStatement(
    target,
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [...patterns] } },
    }),
  );
}

/**
 * GetObject (the current version, and a given version: events carry a version id) on
 * each prefix, and ListBucket limited to the same prefixes. The handlers treat a missing
 * object as absent (404); S3 answers 403 instead unless the caller may list the bucket,
 * evaluating `s3:prefix` against the requested key.
 */
export function grantReadObjects(target: GrantTarget, bucket: s3.IBucket, prefixes: readonly string[]): void {
  grantObjectActions(target, bucket, ['s3:GetObject', 's3:GetObjectVersion'], prefixes);
  addStatement(
    target,
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
    }),
  );
}

/** PutObject on each prefix. No delete: the functions never remove what they wrote. */
export function grantWriteObjects(target: GrantTarget, bucket: s3.IBucket, prefixes: readonly string[]): void {
  grantObjectActions(target, bucket, ['s3:PutObject'], prefixes);
}

/**
 * What regenerating a period's draft and status page takes (lambdas/views): the
 * committee's settings, its accepted template, the period's receipts and documents to
 * link to, and writing the two views.
 */
export function grantPeriodViews(target: GrantTarget, uploadsBucket: s3.IBucket, documentsBucket: s3.IBucket): void {
  grantReadObjects(target, uploadsBucket, [KEY_PREFIXES.config]);
  grantReadObjects(target, documentsBucket, [
    KEY_PREFIXES.templates,
    KEY_PREFIXES.receipts,
    KEY_PREFIXES.documents,
    KEY_PREFIXES.drafts,
    KEY_PREFIXES.status,
  ]);
  grantWriteObjects(target, documentsBucket, [KEY_PREFIXES.drafts, KEY_PREFIXES.status]);
}
