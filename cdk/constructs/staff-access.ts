import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { grantKeyActions, grantListKeys } from './object-grants.js';
import { KEY_PREFIXES, MISPLACED_RECEIPTS_PREFIX } from '../../lambdas/core/keys.js';

export interface StaffAccessProps {
  readonly namePrefix: string;
  /** The committees the stack serves; each gets its own policies, groups and roles. */
  readonly committees: readonly string[];
  /** An IAM SAML provider (the municipality's sign-in); empty: IAM users only. */
  readonly samlProviderArn: string;
  readonly uploadsBucket: s3.IBucket;
  readonly documentsBucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  /** The topics the pipeline announces on: a re-indexed close or upload is announced as the functions would. */
  readonly topics: readonly sns.ITopic[];
  /** The pipeline's function roles: with the administrator role, the only writers of the documents bucket. */
  readonly functionRoles: readonly iam.IRole[];
  /** A test deployment's role that empties the buckets when the stack is deleted: the one deleter of the documents bucket. */
  readonly bucketEmptierRoleArn?: string;
}

/** What the documents bucket denies to every principal but the pipeline's roles and the administrator's. */
export const OUTPUT_WRITE_ACTIONS = [
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:ReplicateObject',
] as const;

/** What the documents bucket denies to every principal (but a test deployment's emptier). */
export const OUTPUT_DELETE_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ReplicateDelete'] as const;

/** What one committee's staff and secretary get. */
export interface CommitteeAccess {
  readonly committee: string;
  readonly staffPolicy: iam.ManagedPolicy;
  readonly secretaryPolicy: iam.ManagedPolicy;
  /** IAM users: `{prefix}-{committee}-staff`. */
  readonly staffGroup: iam.Group;
  /** IAM users: `{prefix}-{committee}-secretary`, with the staff policy too. */
  readonly secretaryGroup: iam.Group;
  /** The municipality's sign-in (SAML): roles of the same names as the groups. */
  readonly staffRole?: iam.Role;
  readonly secretaryRole?: iam.Role;
}

/** Key patterns (`…/*` a prefix, else one key) a committee's staff may read and write. */
export function staffKeys(committee: string) {
  return {
    /** Uploads bucket: put, read back and delete. */
    uploads: [`${KEY_PREFIXES.uploads}${committee}/*`],
    /** Documents bucket: read. */
    outputs: [
      `${KEY_PREFIXES.receipts}${committee}/*`,
      `${KEY_PREFIXES.templateReceipts}${committee}.docx.json`,
      `${KEY_PREFIXES.drafts}${committee}/*`,
      `${KEY_PREFIXES.status}${committee}/*`,
      `${KEY_PREFIXES.documents}${committee}/*`,
      `${KEY_PREFIXES.workbooks}${committee}/*`,
      // The receipt of an upload outside the layout (`uploads/ks/2024/T4/…`, a sub-folder).
      `${MISPLACED_RECEIPTS_PREFIX}${KEY_PREFIXES.uploads}${committee}/*`,
    ],
  };
}

/** Documents-bucket key patterns a committee's secretary may also read: receipts of a misplaced close, reopening or template. */
export function secretaryReceiptKeys(committee: string): string[] {
  return [
    `${MISPLACED_RECEIPTS_PREFIX}${KEY_PREFIXES.closures}${committee}/*`,
    `${MISPLACED_RECEIPTS_PREFIX}${KEY_PREFIXES.reopenings}${committee}/*`,
    `${MISPLACED_RECEIPTS_PREFIX}${KEY_PREFIXES.templates}${committee}.*`,
  ];
}

/** Uploads-bucket key patterns a committee's secretary may also put and read. */
export function secretaryKeys(committee: string): string[] {
  return [
    `${KEY_PREFIXES.closures}${committee}/*`,
    `${KEY_PREFIXES.reopenings}${committee}/*`,
    // `templates/ks.docx`, and a misnamed `templates/ks.DOCX` or `ks.dotx` too, so that the
    // template check can answer it with a receipt instead of S3 refusing it without a word.
    `${KEY_PREFIXES.templates}${committee}.*`,
    `${KEY_PREFIXES.config}${committee}.json`,
  ];
}

/**
 * Who may do what, per committee, defined once from the stack's list of committees
 * (`-c committees=ks,bun,…`; README "Access" says why groups from a list and not tags):
 *
 * - staff of a committee (`{prefix}-{c}-staff`): put, read back and delete spreadsheets
 *   under `uploads/{c}/`; read that committee's receipts, drafts, status pages,
 *   documents and workbooks; list only those folders. Nothing of another committee.
 * - the secretary (`{prefix}-{c}-secretary`): the same, plus `closures/{c}/`,
 *   `reopenings/{c}/`, `templates/{c}.docx` (and `templates/{c}.*`, which is answered)
 *   and `config/{c}.json`.
 * - the administrator (`{prefix}-admin`, a role): every object of both buckets, every
 *   item of the table, publish on the document and receipt topics: what `tertial reindex --env`
 *   and repairs take. Members of the `{prefix}-admin` group may assume it with MFA.
 *
 * A person acting for several committees is in several groups (or, signed in through
 * SAML, is offered several roles). Nobody may delete an object version, and only the
 * pipeline's functions and the administrator role may write the documents bucket: a
 * bucket-policy deny, so no grant elsewhere in the account (an `AdministratorAccess`
 * user included) can add a document, receipt, draft or status page. Nobody at all may
 * delete one, or one of its versions: another deny, which the functions and the
 * administrator are not exempt from either (none of their code deletes an output).
 */
export class StaffAccess extends Construct {
  readonly committees: ReadonlyMap<string, CommitteeAccess>;
  readonly adminPolicy: iam.ManagedPolicy;
  readonly adminRole: iam.Role;
  readonly adminGroup: iam.Group;
  private readonly outputWriters: iam.IRole[];

  constructor(scope: Construct, id: string, props: StaffAccessProps) {
    super(scope, id);
    const { namePrefix, uploadsBucket, documentsBucket } = props;
    this.outputWriters = [...props.functionRoles];
    const saml = props.samlProviderArn
      ? iam.SamlProvider.fromSamlProviderArn(this, 'SignIn', props.samlProviderArn)
      : undefined;
    const signInRole = (roleId: string, roleName: string, policies: iam.IManagedPolicy[]): iam.Role | undefined =>
      saml &&
      new iam.Role(this, roleId, {
        roleName,
        assumedBy: new iam.SamlConsolePrincipal(saml),
        managedPolicies: policies,
        description: `tertial: ${roleName}, signed in through the municipality's identity provider`,
      });

    const committees = new Map<string, CommitteeAccess>();
    for (const committee of props.committees) {
      const scopeOf = new Construct(this, `Committee-${committee}`);
      const keys = staffKeys(committee);

      const staffPolicy = new iam.ManagedPolicy(scopeOf, 'StaffPolicy', {
        managedPolicyName: `${namePrefix}-${committee}-staff`,
        description: `tertial, committee ${committee}: upload spreadsheets; read its receipts, drafts, status pages, documents and workbooks`,
      });
      grantKeyActions(staffPolicy, uploadsBucket, ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'], keys.uploads);
      grantKeyActions(staffPolicy, documentsBucket, ['s3:GetObject'], keys.outputs);
      grantListKeys(staffPolicy, uploadsBucket, keys.uploads);
      grantListKeys(staffPolicy, documentsBucket, keys.outputs);
      // The S3 console and `aws s3` ask where a bucket is before anything else.
      staffPolicy.addStatements(
        new iam.PolicyStatement({
          actions: ['s3:GetBucketLocation'],
          resources: [uploadsBucket.bucketArn, documentsBucket.bucketArn],
        }),
      );

      const secretaryPolicy = new iam.ManagedPolicy(scopeOf, 'SecretaryPolicy', {
        managedPolicyName: `${namePrefix}-${committee}-secretary`,
        description: `tertial, committee ${committee}: close and reopen a tertial, upload its template and settings`,
      });
      grantKeyActions(secretaryPolicy, uploadsBucket, ['s3:PutObject', 's3:GetObject'], secretaryKeys(committee));
      grantListKeys(secretaryPolicy, uploadsBucket, secretaryKeys(committee));
      grantKeyActions(secretaryPolicy, documentsBucket, ['s3:GetObject'], secretaryReceiptKeys(committee));

      const staffName = `${namePrefix}-${committee}-staff`;
      const secretaryName = `${namePrefix}-${committee}-secretary`;
      const staffRole = signInRole(`Committee-${committee}-StaffRole`, staffName, [staffPolicy]);
      const secretaryRole = signInRole(`Committee-${committee}-SecretaryRole`, secretaryName, [
        staffPolicy,
        secretaryPolicy,
      ]);
      committees.set(committee, {
        committee,
        staffPolicy,
        secretaryPolicy,
        staffGroup: new iam.Group(scopeOf, 'StaffGroup', { groupName: staffName, managedPolicies: [staffPolicy] }),
        secretaryGroup: new iam.Group(scopeOf, 'SecretaryGroup', {
          groupName: secretaryName,
          managedPolicies: [staffPolicy, secretaryPolicy],
        }),
        ...(staffRole ? { staffRole } : {}),
        ...(secretaryRole ? { secretaryRole } : {}),
      });
    }
    this.committees = committees;

    this.adminPolicy = new iam.ManagedPolicy(this, 'AdminPolicy', {
      managedPolicyName: `${namePrefix}-admin`,
      description: 'tertial: every object of both buckets and every item of the table (tertial reindex, repairs)',
    });
    grantKeyActions(
      this.adminPolicy,
      uploadsBucket,
      ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject'],
      ['*'],
    );
    grantKeyActions(this.adminPolicy, documentsBucket, ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], ['*']);
    this.adminPolicy.addStatements(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
        resources: [uploadsBucket.bucketArn, documentsBucket.bucketArn],
      }),
      new iam.PolicyStatement({
        actions: [
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [props.table.tableArn],
      }),
      // A re-indexed close or upload is announced as the functions would announce it.
      new iam.PolicyStatement({ actions: ['sns:Publish'], resources: props.topics.map((topic) => topic.topicArn) }),
    );

    // A role, not a group policy: the documents bucket's policy can name a role
    // (aws:PrincipalArn) but not the members of a group.
    this.adminRole = new iam.Role(this, 'AdminRole', {
      roleName: `${namePrefix}-admin`,
      assumedBy: new iam.AccountPrincipal(Stack.of(this).account),
      managedPolicies: [this.adminPolicy],
      description: 'tertial: the municipality IT administrator (tertial reindex, repairs)',
    });
    if (saml) {
      this.adminRole.assumeRolePolicy?.addStatements(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRoleWithSAML'],
          principals: [new iam.SamlConsolePrincipal(saml)],
        }),
      );
    }
    this.adminGroup = new iam.Group(this, 'AdminGroup', { groupName: `${namePrefix}-admin` });
    this.adminGroup.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [this.adminRole.roleArn],
        conditions: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
    );

    // Only the pipeline (and the administrator, whose reindex runs the pipeline's code)
    // writes documents/, receipts/, drafts/, status/, workbooks/ and accepted templates:
    // puts (copies and multipart uploads included), replication into the bucket, and
    // object ACLs (disabled by BucketOwnerEnforced; denied should that ever change).
    documentsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyThePipelineWrites',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...OUTPUT_WRITE_ACTIONS],
        resources: [documentsBucket.arnForObjects('*')],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': Lazy.list({
              produce: () => [...this.outputWriters.map((role) => role.roleArn), this.adminRole.roleArn],
            }),
          },
        },
      }),
    );
    // What was issued stays: no delete of an object or a version (replicated deletes
    // included), for anyone. No function's code deletes an output (lambdas/storage/objects.ts
    // has no delete), reindex never removes one, and a replaced version goes by the
    // lifecycle rule, which bucket policies do not apply to. A deliberate removal first
    // changes this policy, which CloudTrail records.
    documentsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NothingIssuedIsDeleted',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: [...OUTPUT_DELETE_ACTIONS],
        resources: [documentsBucket.arnForObjects('*')],
        ...(props.bucketEmptierRoleArn
          ? { conditions: { ArnNotEquals: { 'aws:PrincipalArn': props.bucketEmptierRoleArn } } }
          : {}),
      }),
    );
  }

  /**
   * Lets another of the stack's roles put objects into the documents bucket (it still
   * needs its own identity grant): without this, the bucket policy's Deny refuses it.
   * It does not let anyone delete one.
   */
  addOutputWriter(role: iam.IRole): void {
    this.outputWriters.push(role);
  }
}
