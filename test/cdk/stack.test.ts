import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TertialStack } from '../../cdk/stack.js';

/**
 * One synth for the whole file, with the same feature flags as `cdk synth` (read from
 * cdk.json) but without bundling, so no esbuild run and no handler files are needed.
 * Resources are found through the stack's construct fields, never by hashed logical id.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped CloudFormation JSON
type Json = any;

let stack: TertialStack;
let template: Template;
let resources: Record<string, Json>;

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

beforeAll(() => {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  stack = new TertialStack(app, 'TertialStack');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Json>;
});

const logicalId = (construct: IConstruct): string => {
  const child = construct.node.defaultChild;
  if (!child) throw new Error(`${construct.node.path} has no default child`);
  return Stack.of(construct).getLogicalId(child as CfnFunction);
};
const ids = () => ({
  uploads: logicalId(stack.buckets.uploads),
  documents: logicalId(stack.buckets.documents),
  table: logicalId(stack.reportTable.table),
  ingest: logicalId(stack.ingest.lambdaFunction),
  assemble: logicalId(stack.assemble.lambdaFunction),
  ingestRole: logicalId(stack.ingest.lambdaFunction.role!),
  assembleRole: logicalId(stack.assemble.lambdaFunction.role!),
});

/** Renders `{Fn::GetAtt:[X,'Arn']}` / `{Fn::Join:['',[…, '/p/*']]}` as `X:arn/p/*` for readable assertions. */
function renderResource(resource: Json): string {
  if (typeof resource === 'string') return resource;
  if (resource?.['Fn::GetAtt']) return `${resource['Fn::GetAtt'][0]}:${resource['Fn::GetAtt'][1].toLowerCase()}`;
  if (resource?.Ref) return `ref:${resource.Ref}`;
  if (resource?.['Fn::Join']) return (resource['Fn::Join'][1] as Json[]).map(renderResource).join(resource['Fn::Join'][0]);
  return JSON.stringify(resource);
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

interface Grant {
  actions: string[];
  resources: string[];
}

/** Every Allow statement of the identity policies attached to the role with this logical id. */
function grantsOfRole(roleId: string): Grant[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && asArray(r.Properties.Roles).some((role: Json) => role.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[])
    .map((s) => {
      expect(s.Effect).toBe('Allow');
      return { actions: asArray<string>(s.Action), resources: asArray(s.Resource).map(renderResource) };
    });
}

/** Resources (rendered) on which the role may perform `action` (exact action name as granted). */
const resourcesFor = (grants: Grant[], action: string): string[] =>
  grants.filter((g) => g.actions.includes(action)).flatMap((g) => g.resources).sort();

/** Every resource any s3 action of these grants applies to, however the actions are spelled. */
const s3Resources = (grants: Grant[]): string[] => [
  ...new Set(grants.filter((g) => g.actions.some((a) => a.startsWith('s3:'))).flatMap((g) => g.resources)),
].sort();

describe('buckets', () => {
  it('has exactly the uploads and documents buckets', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
  });

  it.each(['uploads', 'documents'] as const)('%s bucket is encrypted, private, versioned and retained', (name) => {
    const bucket = resources[ids()[name]];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
  });

  it.each(['uploads', 'documents'] as const)('%s bucket denies requests without TLS', (name) => {
    const id = ids()[name];
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });
});

describe('report table', () => {
  it('is keyed on pk/sk strings, on-demand, recoverable, protected and retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const table = resources[ids().table];
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    );
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('functions', () => {
  it.each(['ingest', 'assemble'] as const)('%s runs on arm64 with Node.js 22 or newer', (name) => {
    const fn = resources[ids()[name]].Properties;
    expect(fn.Architectures).toEqual(['arm64']);
    const major = Number(/^nodejs(\d+)\.x$/.exec(fn.Runtime)?.[1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(fn.MemorySize).toBe(1024);
    expect(fn.Timeout).toBeGreaterThanOrEqual(120);
    expect(fn.Timeout).toBeLessThanOrEqual(300);
    expect(fn.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('ingest gets the bucket and table names', () => {
    const { uploads, documents, table, ingest } = ids();
    expect(resources[ingest].Properties.Environment.Variables).toMatchObject({
      UPLOADS_BUCKET: { Ref: uploads },
      DOCUMENTS_BUCKET: { Ref: documents },
      TABLE_NAME: { Ref: table },
    });
  });

  it('assemble gets the bucket and table names and the bundled default template path', () => {
    const { uploads, documents, table, assemble } = ids();
    expect(resources[assemble].Properties.Environment.Variables).toMatchObject({
      UPLOADS_BUCKET: { Ref: uploads },
      DOCUMENTS_BUCKET: { Ref: documents },
      TABLE_NAME: { Ref: table },
      DEFAULT_TEMPLATE_PATH: '/var/task/default.docx',
    });
  });
});

describe('notifications', () => {
  const configurations = () => {
    const notifications = Object.values(resources).filter(
      (r) => r.Type === 'Custom::S3BucketNotifications' && r.Properties.BucketName.Ref === ids().uploads,
    );
    expect(notifications).toHaveLength(1);
    return (notifications[0].Properties.NotificationConfiguration.LambdaFunctionConfigurations as Json[]).map((c) => ({
      target: c.LambdaFunctionArn['Fn::GetAtt'][0] as string,
      events: c.Events as string[],
      filter: Object.fromEntries((c.Filter.Key.FilterRules as Json[]).map((rule) => [rule.Name, rule.Value])),
    }));
  };

  it('sends created and removed .xlsx/.csv under uploads/ to ingest', () => {
    const { ingest } = ids();
    expect(configurations().filter((c) => c.target === ingest)).toEqual(
      expect.arrayContaining(
        ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'].flatMap((event) =>
          ['.xlsx', '.csv'].map((suffix) => ({
            target: ingest,
            events: [event],
            filter: { prefix: 'uploads/', suffix },
          })),
        ),
      ),
    );
    expect(configurations().filter((c) => c.target === ingest)).toHaveLength(4);
  });

  it('sends created objects under closures/ to assemble', () => {
    const { assemble } = ids();
    expect(configurations().filter((c) => c.target === assemble)).toEqual([
      { target: assemble, events: ['s3:ObjectCreated:*'], filter: { prefix: 'closures/' } },
    ]);
  });

  it('has no other notifications', () => {
    expect(configurations()).toHaveLength(5);
    template.resourceCountIs('Custom::S3BucketNotifications', 1);
  });
});

describe('least privilege', () => {
  it('no policy grants an s3 action on "*"', () => {
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      if (asArray<string>(s.Action).some((a) => a.startsWith('s3:'))) {
        expect(asArray(s.Resource)).not.toContain('*');
      }
    }
  });

  it('ingest reads uploads/*, writes only receipts/*, and reads/writes the table', () => {
    const { uploads, documents, table, ingestRole } = ids();
    const grants = grantsOfRole(ingestRole);
    expect(resourcesFor(grants, 's3:GetObject*')).toEqual([`${uploads}:arn`, `${uploads}:arn/uploads/*`]);
    expect(resourcesFor(grants, 's3:PutObject')).toEqual([`${documents}:arn/receipts/*`]);
    expect(s3Resources(grants)).toEqual([`${uploads}:arn`, `${uploads}:arn/uploads/*`, `${documents}:arn/receipts/*`].sort());
    expect(grants.flatMap((g) => g.actions).filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
    for (const action of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem']) {
      expect(resourcesFor(grants, action)).toEqual([`${table}:arn`]);
    }
  });

  it('assemble reads closures/, templates/, config/ (and documents/), writes documents/ and receipts/, and reads/writes the table', () => {
    const { uploads, documents, table, assembleRole } = ids();
    const grants = grantsOfRole(assembleRole);
    expect(resourcesFor(grants, 's3:GetObject*')).toEqual(
      [
        `${uploads}:arn`,
        `${uploads}:arn/closures/*`,
        `${uploads}:arn/config/*`,
        `${uploads}:arn/templates/*`,
        // HeadObject: is the period's document already there (re-delivered closure)?
        `${documents}:arn`,
        `${documents}:arn/documents/*`,
      ].sort(),
    );
    expect(resourcesFor(grants, 's3:PutObject')).toEqual(
      [`${documents}:arn/documents/*`, `${documents}:arn/receipts/*`].sort(),
    );
    expect(s3Resources(grants)).toEqual(
      [
        `${uploads}:arn`,
        `${uploads}:arn/closures/*`,
        `${uploads}:arn/config/*`,
        `${uploads}:arn/templates/*`,
        `${documents}:arn`,
        `${documents}:arn/documents/*`,
        `${documents}:arn/receipts/*`,
      ].sort(),
    );
    expect(grants.flatMap((g) => g.actions).filter((a) => a.startsWith('s3:Delete'))).toEqual([]);
    for (const action of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem']) {
      expect(resourcesFor(grants, action)).toEqual([`${table}:arn`]);
    }
  });
});

describe('stack', () => {
  it('outputs the bucket and table names', () => {
    const { uploads, documents, table } = ids();
    const outputs = Object.values(template.toJSON().Outputs as Record<string, Json>).map((o) => o.Value);
    expect(outputs).toEqual(expect.arrayContaining([{ Ref: uploads }, { Ref: documents }, { Ref: table }]));
  });

  it('synthesizes without errors or warnings', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});
