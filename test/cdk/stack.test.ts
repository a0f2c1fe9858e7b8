import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  acceptedCopyKey,
  acceptedTemplateKey,
  closeRecordKey,
  closureKey,
  closureReceiptKey,
  configKey,
  documentKey,
  KEY_PREFIXES,
  NOTIFICATION_RULES,
  OUTPUT_NOTIFICATION_RULES,
  removalMarkKey,
  reopenRecordKey,
  templateKey,
  templateReceiptKey,
  uploadKey,
  uploadReceiptKey,
} from '../../lambdas/core/keys.js';
import type { Period } from '../../lambdas/core/domain.js';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CfnResource } from 'aws-cdk-lib';
import { TertialStack } from '../../cdk/stack.js';
import { ASSEMBLE_RECEIPT_KEYS } from '../../cdk/constructs/assemble-function.js';
import {
  OUTPUT_DELETE_ACTIONS,
  OUTPUT_WRITE_ACTIONS,
  type CommitteeAccess,
} from '../../cdk/constructs/staff-access.js';
import { TABLE_ITEM_KINDS, TABLE_KEY_PREFIXES, type TableItemKind } from '../../lambdas/storage/table-keys.js';
import {
  actionsOf,
  asArray,
  grantsOfManagedPolicy,
  grantsOfRole,
  logicalId,
  newApp,
  resourcesFor,
  synth,
  type Grant,
  type Json,
} from './synth.js';

/**
 * Assertions on the intent of the stack, on one synth (beforeAll). Resources are found
 * through the stack's construct fields, never by hashed logical id.
 */

let stack: TertialStack;
let template: Template;
let resources: Record<string, Json>;

const EMAIL = 'sekreterare@example.se';

beforeAll(() => {
  ({ stack, template, resources } = synth({ notificationEmail: EMAIL }));
});

const FUNCTIONS = ['ingest', 'assemble', 'templateCheck', 'views'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

const ids = () => ({
  uploads: logicalId(stack.buckets.uploads),
  documents: logicalId(stack.buckets.documents),
  accessLogs: logicalId(stack.buckets.accessLogs),
  table: logicalId(stack.reportTable.table),
  queue: logicalId(stack.failurePath.queue),
  documentTopic: logicalId(stack.documentTopic.topic),
  receiptTopic: logicalId(stack.receiptTopic.topic),
  alarmTopic: logicalId(stack.alarms.topic),
  ingest: logicalId(stack.ingest.lambdaFunction),
  assemble: logicalId(stack.assemble.lambdaFunction),
  templateCheck: logicalId(stack.templateCheck.lambdaFunction),
  views: logicalId(stack.views.lambdaFunction),
});
const fn = (name: FunctionName) => stack[name];

describe('buckets', () => {
  it('has the uploads, documents and access-log buckets', () => {
    template.resourceCountIs('AWS::S3::Bucket', 3);
  });

  it.each(['uploads', 'documents', 'accessLogs'] as const)(
    '%s bucket is encrypted, private, ACL-free and retained',
    (name) => {
      expect(resources[ids()[name]]).toMatchObject({
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    },
  );

  it.each(['uploads', 'documents', 'accessLogs'] as const)('%s bucket denies requests without TLS', (name) => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids()[name] },
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

  it.each([
    ['uploads', 365, 'uploads-bucket/'],
    ['documents', 90, 'documents-bucket/'],
  ] as const)(
    '%s bucket is versioned, logs access, and expires noncurrent versions after %i days',
    (name, days, logPrefix) => {
      const bucket = resources[ids()[name]].Properties;
      expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.LoggingConfiguration).toEqual({
        DestinationBucketName: { Ref: ids().accessLogs },
        LogFilePrefix: logPrefix,
      });
      expect(bucket.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: days } }),
      ]);
    },
  );

  it('access logs expire after a year and are delivered by the logging service', () => {
    const { accessLogs } = ids();
    expect(resources[accessLogs].Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 365 }),
    ]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
          }),
        ]),
      },
    });
  });
});

describe('report table', () => {
  it('is keyed on pk/sk strings, on-demand, recoverable, protected, retained, and has no TTL: garbage rows are deleted by the pipeline, never expired', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: Match.absent(),
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('functions', () => {
  it('are the four handlers, the web function of the pages (and CDK’s notifications handler)', () => {
    template.resourceCountIs('AWS::Lambda::Function', 6);
  });

  it.each([
    ['ingest', 'tertial-ingest', 1024, 120],
    ['templateCheck', 'tertial-template-check', 1024, 120],
    ['views', 'tertial-views', 1024, 300],
  ] as const)(
    '%s is %s on arm64, Node.js 22+, %i MB, %i s, no reserved concurrency',
    (name, functionName, memory, timeout) => {
      const props = resources[ids()[name]].Properties;
      expect(props.FunctionName).toBe(functionName);
      expect(props.Architectures).toEqual(['arm64']);
      expect(Number(/^nodejs(\d+)\.x$/.exec(props.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
      expect(props.MemorySize).toBe(memory);
      expect(props.Timeout).toBe(timeout);
      // Ordering comes from the S3 sequencer in a conditional write, not from serialising invocations.
      expect(props.ReservedConcurrentExecutions).toBeUndefined();
    },
  );

  it('assemble is tertial-assemble, a container image (LibreOffice) on x86_64, 2048 MB, 300 s, no reserved concurrency', () => {
    const props = resources[ids().assemble].Properties;
    expect(props.FunctionName).toBe('tertial-assemble');
    expect(props.PackageType).toBe('Image');
    expect(props.Architectures).toEqual(['x86_64']);
    expect(props.MemorySize).toBe(2048);
    expect(props.Timeout).toBe(300);
    expect(props.ReservedConcurrentExecutions).toBeUndefined();
  });

  it.each(FUNCTIONS)('%s reads its configuration from the environment', (name) => {
    const { uploads, documents, table } = ids();
    expect(resources[ids()[name]].Properties.Environment.Variables).toMatchObject({
      UPLOADS_BUCKET: { Ref: uploads },
      DOCUMENTS_BUCKET: { Ref: documents },
      TABLE_NAME: { Ref: table },
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_SERVICE_NAME: `tertial-${name === 'templateCheck' ? 'template-check' : name}`,
    });
    // No source-map reading at import: it was the largest share of a cold start.
    expect(resources[ids()[name]].Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
  });

  it('assemble and views render documents: they get the bundled default template; assemble also the document topic', () => {
    const { assemble, views, documentTopic } = ids();
    expect(resources[assemble].Properties.Environment.Variables).toMatchObject({
      DEFAULT_TEMPLATE_PATH: '/var/task/default.docx',
      DOCUMENT_TOPIC_ARN: { Ref: documentTopic },
    });
    expect(resources[views].Properties.Environment.Variables).toMatchObject({
      DEFAULT_TEMPLATE_PATH: '/var/task/default.docx',
    });
    // The ingest and template check never render, so they do not carry the template.
    expect(resources[ids().ingest].Properties.Environment.Variables.DEFAULT_TEMPLATE_PATH).toBeUndefined();
    expect(resources[ids().templateCheck].Properties.Environment.Variables.DEFAULT_TEMPLATE_PATH).toBeUndefined();
  });

  it.each(FUNCTIONS)('%s logs to its own log group, kept six months and retained', (name) => {
    const logGroup = logicalId(fn(name).logGroup);
    expect(resources[ids()[name]].Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroup } });
    expect(resources[logGroup]).toMatchObject({ Properties: { RetentionInDays: 180 }, DeletionPolicy: 'Retain' });
  });

  it.each(FUNCTIONS)('%s retries twice, for at most 6 hours, then sends the event to the failure queue', (name) => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids()[name] },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids().queue, 'Arn'] } } },
    });
  });

  it.each(FUNCTIONS)('%s has its own role with no AWS managed policy', (name) => {
    const role = resources[logicalId(fn(name).role)];
    expect(resources[ids()[name]].Properties.Role).toEqual({ 'Fn::GetAtt': [logicalId(fn(name).role), 'Arn'] });
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }),
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('failure path', () => {
  it('is one encrypted, TLS-only queue that keeps failed events for 14 days', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'tertial-failed-events',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids().queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it.each(FUNCTIONS)('%s may send to the failure queue', (name) => {
    const grants = grantsOfRole(resources, logicalId(fn(name).role));
    expect(resourcesFor(grants, 'sqs:SendMessage')).toEqual([`${ids().queue}:arn`]);
  });
});

describe('alarms', () => {
  const alarmTo = (topicId: string) => ({ AlarmActions: [{ Ref: topicId }] });

  it('alarms when the failure queue holds an event', () => {
    const { queue, alarmTopic } = ids();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
      ...alarmTo(alarmTopic),
    });
  });

  it.each(FUNCTIONS)('alarms on any error of %s', (name) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids()[name] } }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      ...alarmTo(ids().alarmTopic),
    });
  });

  it('alarms on any error of the web function (the signed-in pages)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'tertial-web-errors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.webAccess.web.lambdaFunction) } }],
      Threshold: 0,
      ...alarmTo(ids().alarmTopic),
    });
  });

  it.each(['ingest', 'assemble', 'template-check', 'views', 'web'])(
    'alarms on any ERROR line in the %s log group',
    (name) => {
      const alarm = Object.values(resources).find(
        (r: Json) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName === `tertial-${name}-error-logs`,
      ) as Json;
      expect(alarm?.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        MetricName: `${name}-error-log-lines`,
      });
      const filter = Object.values(resources).find(
        (r: Json) =>
          r.Type === 'AWS::Logs::MetricFilter' &&
          r.Properties.MetricTransformations[0].MetricName === `${name}-error-log-lines`,
      ) as Json;
      expect(filter?.Properties.FilterPattern).toBe('{ $.level = "ERROR" }');
    },
  );

  it('has no other alarms', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 11);
  });

  it('mails the alarm topic to the NotificationEmail parameter, if one is given', () => {
    template.hasParameter('NotificationEmail', { Type: 'String', Default: EMAIL });
    const subscriptions = template.findResources('AWS::SNS::Subscription');
    expect(Object.values(subscriptions)).toEqual([
      expect.objectContaining({
        Properties: { TopicArn: { Ref: ids().alarmTopic }, Protocol: 'email', Endpoint: { Ref: 'NotificationEmail' } },
      }),
    ]);
    const condition = (Object.values(subscriptions)[0] as Json).Condition as string;
    expect(template.toJSON().Conditions[condition]).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NotificationEmail' }, ''] }],
    });
  });

  it('lets CloudWatch alarms of this account publish to the TLS-only alarm topic', () => {
    const { alarmTopic } = ids();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: alarmTopic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
  });
});

describe('document topic', () => {
  it('is encrypted, TLS-only, and published to by assemble alone (receipts go to the receipt topic)', () => {
    const { documentTopic } = ids();
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'tertial-documents',
      KmsMasterKeyId: 'alias/aws/sns',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: documentTopic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    for (const name of FUNCTIONS) {
      const grants = grantsOfRole(resources, logicalId(fn(name).role));
      const receipts = name === 'views' ? [] : [`ref:${ids().receiptTopic}`];
      expect(resourcesFor(grants, 'sns:Publish')).toEqual(
        [...(name === 'assemble' ? [`ref:${documentTopic}`] : []), ...receipts].sort(),
      );
      // The AWS managed key needs no KMS grant, and none is given.
      expect(actionsOf(grants, 'kms')).toEqual([]);
    }
  });
});

describe('notifications', () => {
  const configurations = (bucketId: string) => {
    const notifications = Object.values(resources).filter(
      (r) => r.Type === 'Custom::S3BucketNotifications' && r.Properties.BucketName.Ref === bucketId,
    );
    return notifications.flatMap((n) =>
      ((n.Properties.NotificationConfiguration.LambdaFunctionConfigurations ?? []) as Json[]).map((c) => ({
        target: c.LambdaFunctionArn['Fn::GetAtt'][0] as string,
        events: c.Events as string[],
        filter: Object.fromEntries((c.Filter.Key.FilterRules as Json[]).map((rule) => [rule.Name, rule.Value])),
      })),
    );
  };

  it('sends every created and removed object under uploads/ to ingest, whatever its name (no suffix filter)', () => {
    const { uploads, ingest } = ids();
    const expected = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'].map((event) => ({
      target: ingest,
      events: [event],
      filter: { prefix: 'uploads/' },
    }));
    const actual = configurations(uploads).filter((c) => c.target === ingest);
    expect(actual).toEqual(expect.arrayContaining(expected));
    expect(actual).toHaveLength(expected.length);
  });

  it('sends created objects under closures/ and reopenings/ to assemble', () => {
    const { uploads, assemble } = ids();
    expect(configurations(uploads).filter((c) => c.target === assemble)).toEqual([
      { target: assemble, events: ['s3:ObjectCreated:*'], filter: { prefix: 'closures/' } },
      { target: assemble, events: ['s3:ObjectCreated:*'], filter: { prefix: 'reopenings/' } },
    ]);
  });

  it('sends everything created under templates/ to the template check (a misnamed template is answered too)', () => {
    const { uploads, templateCheck } = ids();
    expect(configurations(uploads).filter((c) => c.target === templateCheck)).toEqual([
      { target: templateCheck, events: ['s3:ObjectCreated:*'], filter: { prefix: 'templates/' } },
    ]);
  });

  it('has one notification per rule and event of NOTIFICATION_RULES and OUTPUT_NOTIFICATION_RULES, and no other', () => {
    const count = (rules: readonly { events: readonly string[] }[]) =>
      rules.reduce((n, rule) => n + rule.events.length, 0);
    expect(configurations(ids().uploads)).toHaveLength(count(NOTIFICATION_RULES));
    expect(configurations(ids().documents)).toHaveLength(count(OUTPUT_NOTIFICATION_RULES));
    template.resourceCountIs('Custom::S3BucketNotifications', 2);
  });

  it('never triggers a function on its own output: the documents bucket notifies only the views function, on receipts', () => {
    const { documents, views } = ids();
    expect(configurations(documents)).toEqual([
      { target: views, events: ['s3:ObjectCreated:*'], filter: { prefix: 'receipts/', suffix: '.json' } },
    ]);
    // The views function writes only drafts/, status/ and workbooks/, never receipts/.
    const written = resourcesFor(grantsOfRole(resources, logicalId(stack.views.role)), 's3:PutObject');
    expect(written.sort()).toEqual([
      `${documents}:arn/drafts/*`,
      `${documents}:arn/status/*`,
      `${documents}:arn/workbooks/*`,
    ]);
    expect(configurations(ids().accessLogs)).toEqual([]);
  });

  it.each(['ingest', 'assemble', 'templateCheck'] as const)(
    'S3 may invoke %s, from this account and the uploads bucket only',
    (name) => {
      const { uploads } = ids();
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [ids()[name], 'Arn'] },
        Principal: 's3.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: { 'Fn::GetAtt': [uploads, 'Arn'] },
      });
    },
  );

  it('S3 may invoke the views function from this account and the documents bucket only', () => {
    const { documents, views } = ids();
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [views, 'Arn'] },
      Principal: 's3.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { 'Fn::GetAtt': [documents, 'Arn'] },
    });
  });
});

describe('key layout', () => {
  const period: Period = { committee: 'ks', year: 2023, tertial: 3 };

  it('the grant prefixes cover every key the handlers format', () => {
    expect(uploadKey(period, 'a.xlsx').startsWith(KEY_PREFIXES.uploads)).toBe(true);
    expect(closureKey(period).startsWith(KEY_PREFIXES.closures)).toBe(true);
    expect(templateKey('ks').startsWith(KEY_PREFIXES.templates)).toBe(true);
    expect(configKey('ks').startsWith(KEY_PREFIXES.config)).toBe(true);
    expect(documentKey(period).startsWith(KEY_PREFIXES.documents)).toBe(true);
    expect(uploadReceiptKey(period, 'a.xlsx').startsWith(KEY_PREFIXES.receipts)).toBe(true);
    expect(closureReceiptKey(period).startsWith(KEY_PREFIXES.receipts)).toBe(true);
    expect(acceptedTemplateKey('ks', '0'.repeat(40)).startsWith(KEY_PREFIXES.templates)).toBe(true);
    expect(templateReceiptKey('ks').startsWith(KEY_PREFIXES.templateReceipts)).toBe(true);
    for (const key of [
      acceptedCopyKey(period, 'a.xlsx', '1'),
      removalMarkKey(period, 'a.xlsx', '1'),
      closeRecordKey(period, 3),
      reopenRecordKey(period, 3),
    ]) {
      expect(key.startsWith(KEY_PREFIXES.history)).toBe(true);
    }
  });

  it('every notification prefix is a granted prefix', () => {
    for (const rule of NOTIFICATION_RULES) expect(Object.values(KEY_PREFIXES)).toContain(rule.prefix);
  });
});

describe('least privilege', () => {
  const identityStatements = (): Json[] =>
    Object.values(resources).flatMap((r) => {
      if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
        return r.Properties.PolicyDocument.Statement as Json[];
      if (r.Type === 'AWS::IAM::Role')
        return ((r.Properties.Policies ?? []) as Json[]).flatMap((p) => p.PolicyDocument.Statement as Json[]);
      return [];
    });

  it('no identity policy in the stack has a "*" resource or a wildcard action', () => {
    const statements = identityStatements();
    expect(statements.length).toBeGreaterThan(10);
    for (const s of statements) {
      expect(asArray(s.Resource)).not.toContain('*');
      for (const action of asArray<string>(s.Action)) expect(action).not.toContain('*');
    }
  });

  /** s3 grants of a role or policy, rendered as `Action resource [s3:prefix …]`. */
  const s3Grants = (grants: Grant[]): string[] =>
    grants
      .filter((g) => g.actions.some((a) => a.startsWith('s3:')))
      .flatMap((g) =>
        g.actions.flatMap((action) =>
          g.resources.map((resource) => {
            const prefixes = g.condition?.StringLike?.['s3:prefix'];
            return `${action} ${resource}${prefixes ? ` [${asArray<string>(prefixes).join(' ')}]` : ''}`;
          }),
        ),
      )
      .sort();

  const read = (bucket: string, ...prefixes: string[]) => [
    ...prefixes.flatMap((p) => [`s3:GetObject ${bucket}:arn/${p}*`, `s3:GetObjectVersion ${bucket}:arn/${p}*`]),
    `s3:ListBucket ${bucket}:arn [${prefixes.map((p) => `${p}*`).join(' ')}]`,
  ];
  const write = (bucket: string, ...prefixes: string[]) => prefixes.map((p) => `s3:PutObject ${bucket}:arn/${p}*`);

  it('ingest reads uploads/, reads and writes receipts/ and history/', () => {
    const { uploads, documents } = ids();
    expect(s3Grants(grantsOfRole(resources, logicalId(stack.ingest.role)))).toEqual(
      [
        ...read(uploads, 'uploads/'),
        ...read(documents, 'receipts/', 'history/'),
        ...write(documents, 'receipts/', 'history/'),
      ].sort(),
    );
  });

  it('assemble reads closures/, reopenings/ and config/, reads and writes documents/ and history/, writes only close and reopening receipts, reads accepted templates', () => {
    const { uploads, documents } = ids();
    expect(s3Grants(grantsOfRole(resources, logicalId(stack.assemble.role)))).toEqual(
      [
        ...read(uploads, 'closures/', 'reopenings/', 'config/'),
        ...read(documents, 'documents/', 'receipts/', 'templates/', 'history/'),
        ...write(documents, 'documents/', 'history/'),
        ...ASSEMBLE_RECEIPT_KEYS.map((key) => `s3:PutObject ${documents}:arn/${key}`),
      ].sort(),
    );
  });

  it('the template check reads templates/ uploads and writes accepted copies and template receipts, of misnamed ones too', () => {
    const { uploads, documents } = ids();
    expect(s3Grants(grantsOfRole(resources, logicalId(stack.templateCheck.role)))).toEqual(
      [
        ...read(uploads, 'templates/'),
        ...write(documents, 'templates/', 'receipts/templates/', 'receipts/_misplaced/templates/'),
      ].sort(),
    );
  });

  it('the views function reads config/, templates, receipts and documents, and writes only drafts/, status/ and workbooks/', () => {
    const { uploads, documents } = ids();
    expect(s3Grants(grantsOfRole(resources, logicalId(stack.views.role)))).toEqual(
      [
        ...read(uploads, 'config/'),
        ...read(documents, 'templates/', 'receipts/', 'documents/', 'drafts/', 'status/'),
        ...write(documents, 'drafts/', 'status/', 'workbooks/'),
      ].sort(),
    );
  });

  /** Each function's table grants as `Action [pattern …]`: each statement's LeadingKeys, and the guard against requests without a key. */
  const tableGrants = (name: FunctionName): string[] =>
    grantsOfRole(resources, logicalId(fn(name).role))
      .filter((g) => g.actions.some((a) => a.startsWith('dynamodb:')))
      .flatMap((g) => {
        expect(g.resources).toEqual([`${ids().table}:arn`]);
        expect(g.condition?.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
        const patterns = asArray<string>(g.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).sort();
        return g.actions.map((action) => `${action} [${patterns.join(' ')}]`);
      })
      .sort();

  const onKinds = (actions: readonly string[], kinds: readonly TableItemKind[]) => {
    const patterns = kinds.map((kind) => `${TABLE_KEY_PREFIXES[kind]}*`).sort();
    return actions.map((action) => `dynamodb:${action} [${patterns.join(' ')}]`);
  };

  it.each([
    ['ingest', ['GetItem', 'Query', 'UpdateItem'], TABLE_ITEM_KINDS.ingest, true],
    ['assemble', ['GetItem', 'Query', 'UpdateItem'], TABLE_ITEM_KINDS.assemble, true],
    ['templateCheck', ['GetItem', 'UpdateItem'], TABLE_ITEM_KINDS.templateCheck, false],
    ['views', ['GetItem', 'Query'], TABLE_ITEM_KINDS.views, false],
  ] as const)(
    '%s may %j on the items of its kinds only (dynamodb:LeadingKeys), BatchWriteItem (if at all) on PERIOD# only, never Scan, PutItem or DeleteItem',
    (name, actions, kinds, batchWrites) => {
      expect(tableGrants(name)).toEqual(
        [...onKinds(actions, kinds), ...(batchWrites ? onKinds(['BatchWriteItem'], ['period']) : [])].sort(),
      );
    },
  );

  it.each(FUNCTIONS)('%s writes only its own log group', (name) => {
    const grants = grantsOfRole(resources, logicalId(fn(name).role));
    expect(actionsOf(grants, 'logs')).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(resourcesFor(grants, 'logs:PutLogEvents')).toEqual([`${logicalId(fn(name).logGroup)}:arn`]);
  });
});

describe('staff access', () => {
  const access = () => stack.staffAccess.committees.get('ks') as CommitteeAccess;

  it('the default stack serves kommunstyrelsen (ks)', () => {
    expect([...stack.staffAccess.committees.keys()]).toEqual(['ks']);
  });

  it('staff of a committee put, read back and delete its uploads, and read its receipts, drafts, status pages, documents and workbooks', () => {
    const { uploads, documents } = ids();
    const policy = logicalId(access().staffPolicy);
    expect(resources[policy].Properties.ManagedPolicyName).toBe('tertial-ks-staff');
    const grants = grantsOfManagedPolicy(resources, policy);
    expect(resourcesFor(grants, 's3:PutObject')).toEqual([`${uploads}:arn/uploads/ks/*`]);
    expect(resourcesFor(grants, 's3:DeleteObject')).toEqual([`${uploads}:arn/uploads/ks/*`]);
    expect(resourcesFor(grants, 's3:GetObject')).toEqual(
      [
        `${uploads}:arn/uploads/ks/*`,
        `${documents}:arn/receipts/ks/*`,
        `${documents}:arn/receipts/templates/ks.docx.json`,
        `${documents}:arn/drafts/ks/*`,
        `${documents}:arn/status/ks/*`,
        `${documents}:arn/documents/ks/*`,
        `${documents}:arn/workbooks/ks/*`,
        `${documents}:arn/receipts/_misplaced/uploads/ks/*`,
      ].sort(),
    );
    // Listing only under its own prefixes: no unconditioned ListBucket.
    expect(resourcesFor(grants, 's3:ListBucket')).toEqual([]);
    expect(actionsOf(grants, 's3')).toEqual([
      's3:DeleteObject',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
  });

  it('the secretary also closes and reopens its tertials and uploads its template and settings', () => {
    const { uploads } = ids();
    const grants = grantsOfManagedPolicy(resources, logicalId(access().secretaryPolicy));
    const keys = [
      `${uploads}:arn/closures/ks/*`,
      `${uploads}:arn/config/ks.json`,
      `${uploads}:arn/reopenings/ks/*`,
      `${uploads}:arn/templates/ks.*`,
    ];
    expect(resourcesFor(grants, 's3:PutObject')).toEqual(keys);
    expect(resourcesFor(grants, 's3:GetObject')).toEqual(
      [
        ...keys,
        `${ids().documents}:arn/receipts/_misplaced/closures/ks/*`,
        `${ids().documents}:arn/receipts/_misplaced/reopenings/ks/*`,
        `${ids().documents}:arn/receipts/_misplaced/templates/ks.*`,
      ].sort(),
    );
    expect(actionsOf(grants, 's3')).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  it('the groups carry the policies, named as the web sign-in groups are ({committee}-staff, {committee}-secretary, admin)', () => {
    const staff = logicalId(access().staffPolicy);
    const secretary = logicalId(access().secretaryPolicy);
    template.hasResourceProperties('AWS::IAM::Group', {
      GroupName: 'tertial-ks-staff',
      ManagedPolicyArns: [{ Ref: staff }],
    });
    template.hasResourceProperties('AWS::IAM::Group', {
      GroupName: 'tertial-ks-secretary',
      ManagedPolicyArns: Match.arrayEquals([{ Ref: staff }, { Ref: secretary }]),
    });
    template.hasResourceProperties('AWS::IAM::Group', { GroupName: 'tertial-admin' });
    template.resourceCountIs('AWS::IAM::Group', 3);
  });

  it('without a SAML provider there are no sign-in roles; with one, each committee role trusts only that provider, for the console', () => {
    expect(access().staffRole).toBeUndefined();
    const saml = 'arn:aws:iam::111122223333:saml-provider/ange-entra';
    const other = synth({ committees: ['ks', 'bun'], samlProviderArn: saml });
    for (const committee of ['ks', 'bun']) {
      const entry = other.stack.staffAccess.committees.get(committee) as CommitteeAccess;
      for (const [role, policies] of [
        [entry.staffRole, [entry.staffPolicy]],
        [entry.secretaryRole, [entry.staffPolicy, entry.secretaryPolicy]],
      ] as const) {
        expect(role).toBeDefined();
        const properties = other.resources[logicalId(role as iam.Role)].Properties;
        expect(properties.AssumeRolePolicyDocument.Statement).toEqual([
          {
            Action: 'sts:AssumeRoleWithSAML',
            Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
            Effect: 'Allow',
            Principal: { Federated: saml },
          },
        ]);
        expect(properties.ManagedPolicyArns).toEqual(policies.map((p) => ({ Ref: logicalId(p) })));
      }
    }
  });

  it('the administrator is a role that the admin group may assume with MFA, and the account itself trusts', () => {
    const role = resources[logicalId(stack.staffAccess.adminRole)].Properties;
    expect(role.RoleName).toBe('tertial-admin');
    expect(role.AssumeRolePolicyDocument.Statement).toHaveLength(1);
    expect(JSON.stringify(role.AssumeRolePolicyDocument.Statement[0].Principal)).toContain(':root');
    const assume = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        asArray(r.Properties.Groups ?? []).some((g: Json) => g.Ref === logicalId(stack.staffAccess.adminGroup)),
    );
    expect(assume.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalId(stack.staffAccess.adminRole), 'Arn'] },
      },
    ]);
  });

  it('the administrator may publish on the document and receipt topics (reindex announces as the functions do)', () => {
    const grants = grantsOfManagedPolicy(resources, logicalId(stack.staffAccess.adminPolicy));
    expect(resourcesFor(grants, 'sns:Publish')).toEqual(
      [`ref:${logicalId(stack.documentTopic.topic)}`, `ref:${logicalId(stack.receiptTopic.topic)}`].sort(),
    );
  });

  const documentsStatement = (within: Record<string, Json>, documentsId: string, sid: string): Json => {
    const policy = Object.values(within).find(
      (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === documentsId,
    );
    return (policy.Properties.PolicyDocument.Statement as Json[]).find((s) => s.Sid === sid);
  };

  it('the documents bucket denies PutObject, object ACLs and replication into it to everyone but the four pipeline function roles and the administrator role', () => {
    const deny = documentsStatement(resources, ids().documents, 'OnlyThePipelineWrites');
    expect(OUTPUT_WRITE_ACTIONS).toContain('s3:PutObject');
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: [...OUTPUT_WRITE_ACTIONS] });
    const writers = asArray<Json>(deny.Condition.ArnNotEquals['aws:PrincipalArn'])
      .map((arn) => arn['Fn::GetAtt'][0])
      .sort();
    expect(writers).toEqual(
      [...FUNCTIONS.map((name) => logicalId(fn(name).role)), logicalId(stack.staffAccess.adminRole)].sort(),
    );
  });

  it('the documents bucket denies deleting an object or a version to everyone, the pipeline and the administrator included', () => {
    const deny = documentsStatement(resources, ids().documents, 'NothingIssuedIsDeleted');
    expect(deny).toEqual({
      Sid: 'NothingIssuedIsDeleted',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ReplicateDelete'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids().documents, 'Arn'] }, '/*']] },
    });
    expect(deny.Action).toEqual([...OUTPUT_DELETE_ACTIONS]);
  });

  it('a test deployment (destroyOnRemoval) lets only the role that empties the buckets at teardown delete from the documents bucket', () => {
    const test = synth({ destroyOnRemoval: true });
    const deny = documentsStatement(test.resources, logicalId(test.stack.buckets.documents), 'NothingIssuedIsDeleted');
    const emptier = test.stack.buckets.emptierRoleArn;
    expect(emptier).toBeDefined();
    expect(deny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': test.stack.resolve(emptier) } });
    // It is the principal CDK's own statement lets delete every object version.
    const allow = (
      Object.values(test.resources).find(
        (r) =>
          r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === logicalId(test.stack.buckets.documents),
      ).Properties.PolicyDocument.Statement as Json[]
    ).find((st) => st.Effect === 'Allow' && asArray<string>(st.Action).includes('s3:DeleteObject*'));
    expect(allow.Principal).toEqual({ AWS: test.stack.resolve(emptier) });
  });

  it('another of the stack’s roles may be let through the documents bucket’s Deny (addOutputWriter)', () => {
    const app = newApp();
    const other = new TertialStack(app, 'tertial');
    const role = new iam.Role(other, 'WebRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    other.staffAccess.addOutputWriter(role);
    const policies = Template.fromStack(other).findResources('AWS::S3::BucketPolicy');
    const documents = Object.values(policies).find(
      (r: Json) =>
        r.Properties.Bucket.Ref === other.getLogicalId(other.buckets.documents.node.defaultChild as CfnResource),
    );
    const deny = (documents?.Properties.PolicyDocument.Statement as Json[]).find(
      (st) => st.Sid === 'OnlyThePipelineWrites',
    );
    const writers = asArray<Json>(deny.Condition.ArnNotEquals['aws:PrincipalArn']).map((arn) => arn['Fn::GetAtt'][0]);
    expect(writers).toContain(other.getLogicalId(role.node.defaultChild as CfnResource));
    expect(writers).toHaveLength(6);
    // Writing is all it may: nobody is let through the Deny of deletes.
    const noDelete = (documents?.Properties.PolicyDocument.Statement as Json[]).find(
      (st) => st.Sid === 'NothingIssuedIsDeleted',
    );
    expect(noDelete.Condition).toBeUndefined();
  });

  it('nobody can delete an object version, and no person’s policy writes the documents bucket', () => {
    for (const r of Object.values(resources).filter((x) => x.Type === 'AWS::IAM::ManagedPolicy')) {
      const isAdmin = r.Properties.ManagedPolicyName === 'tertial-admin';
      for (const s of r.Properties.PolicyDocument.Statement as Json[]) {
        expect(asArray<string>(s.Action)).not.toContain('s3:DeleteObjectVersion');
        if (!isAdmin && asArray<string>(s.Action).some((a) => a === 's3:PutObject' || a === 's3:DeleteObject')) {
          expect(JSON.stringify(s.Resource)).not.toContain(ids().documents);
        }
      }
    }
  });
});

describe('stack', () => {
  it('outputs what an operator needs', () => {
    const { uploads, documents, table, documentTopic, alarmTopic } = ids();
    const outputs = Object.values(template.toJSON().Outputs as Record<string, Json>).map((o) => o.Value);
    expect(outputs).toEqual(
      expect.arrayContaining([
        { Ref: uploads },
        { Ref: documents },
        { Ref: table },
        { Ref: ids().queue },
        { Ref: documentTopic },
        { Ref: alarmTopic },
        ...FUNCTIONS.map((name) => ({ Ref: logicalId(fn(name).logGroup) })),
        { Ref: logicalId(stack.webAccess.web.logGroup) },
      ]),
    );
  });

  it('synthesizes without errors or warnings', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});
