import { CfnOutput, CfnParameter, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { NOTIFICATION_RULES, OUTPUT_NOTIFICATION_RULES, type NotificationTarget } from '../lambdas/core/keys.js';
import {
  DEFAULT_COMMITTEES,
  DEFAULT_NAME_PREFIX,
  EMAIL_PARAMETER_PATTERN,
  validateConfig,
  type TertialConfig,
} from './config.js';
import { Alarms } from './constructs/alarms.js';
import { AssembleFunction } from './constructs/assemble-function.js';
import { DocumentTopic } from './constructs/document-topic.js';
import { ReceiptTopic, subscribeByCommittee } from './constructs/receipt-topic.js';
import { FailurePath } from './constructs/failure-path.js';
import { IngestFunction } from './constructs/ingest-function.js';
import { ReportBuckets } from './constructs/report-buckets.js';
import { ReportTable } from './constructs/report-table.js';
import { StaffAccess } from './constructs/staff-access.js';
import { TemplateCheckFunction } from './constructs/template-check-function.js';
import { ViewsFunction } from './constructs/views-function.js';
import { WebAccess } from './constructs/web-access.js';

export interface TertialStackProps extends StackProps, Partial<TertialConfig> {}

/**
 *  staff ──▶ uploads bucket ──uploads/…──────────▶ ingest ─────────▶ table, receipts/ ──▶ receipt topic
 *                            ──closures/…─────────▶ assemble ───────▶ documents/, receipts/ ──▶ document and receipt topics
 *                            ──templates/…────────▶ template check ─▶ templates/ (accepted copy), receipts/templates/ ──▶ receipt topic
 *  every function ──(retries used up)──▶ failure queue ──▶ alarm ──▶ alarm topic ──▶ e-mail
 *
 * All output goes to the documents bucket, which has no notifications: no function can
 * trigger on its own output.
 */
export class TertialStack extends Stack {
  readonly config: TertialConfig;
  readonly buckets: ReportBuckets;
  readonly reportTable: ReportTable;
  readonly failurePath: FailurePath;
  readonly documentTopic: DocumentTopic;
  readonly receiptTopic: ReceiptTopic;
  readonly ingest: IngestFunction;
  readonly assemble: AssembleFunction;
  readonly templateCheck: TemplateCheckFunction;
  readonly views: ViewsFunction;
  readonly alarms: Alarms;
  readonly staffAccess: StaffAccess;
  readonly webAccess: WebAccess;

  constructor(scope: Construct, id: string, props: TertialStackProps = {}) {
    super(scope, id, props);
    const config = validateConfig({
      namePrefix: props.namePrefix ?? DEFAULT_NAME_PREFIX,
      notificationEmail: props.notificationEmail ?? '',
      destroyOnRemoval: props.destroyOnRemoval ?? false,
      committees: props.committees ?? DEFAULT_COMMITTEES,
      samlProviderArn: props.samlProviderArn ?? '',
      pdf: props.pdf ?? true,
      receiptSubscribers: props.receiptSubscribers ?? {},
      documentSubscribers: props.documentSubscribers ?? {},
    });
    this.config = config;
    const { namePrefix, destroyOnRemoval } = config;

    // A parameter, so the address can change with `cdk deploy --parameters` and no
    // code; the context value `notificationEmail` is its default.
    const notificationEmail = new CfnParameter(this, 'NotificationEmail', {
      type: 'String',
      default: config.notificationEmail,
      allowedPattern: EMAIL_PARAMETER_PATTERN,
      constraintDescription: 'must be an e-mail address, or empty for no e-mail',
      description:
        'Who gets an e-mail when an event fails or a function errors (the committee secretary); empty: nobody.',
    });

    this.buckets = new ReportBuckets(this, 'Buckets', { destroyOnRemoval });
    this.reportTable = new ReportTable(this, 'ReportTable', { destroyOnRemoval });
    this.failurePath = new FailurePath(this, 'FailurePath', { namePrefix });
    this.documentTopic = new DocumentTopic(this, 'DocumentTopic', { namePrefix });
    subscribeByCommittee(this.documentTopic.topic, config.documentSubscribers);
    this.receiptTopic = new ReceiptTopic(this, 'ReceiptTopic', { namePrefix, subscribers: config.receiptSubscribers });

    const wiring = {
      namePrefix,
      destroyOnRemoval,
      uploadsBucket: this.buckets.uploads,
      documentsBucket: this.buckets.documents,
      table: this.reportTable.table,
      failureQueue: this.failurePath.queue,
    };
    this.ingest = new IngestFunction(this, 'Ingest', wiring);
    this.assemble = new AssembleFunction(this, 'Assemble', {
      ...wiring,
      documentTopic: this.documentTopic.topic,
      pdf: config.pdf,
    });
    this.templateCheck = new TemplateCheckFunction(this, 'TemplateCheck', wiring);
    this.views = new ViewsFunction(this, 'Views', wiring);
    // Every function that issues receipts publishes them (the views function issues none).
    for (const fn of [this.ingest, this.assemble, this.templateCheck]) this.receiptTopic.allowPublishFrom(fn);

    // Event routing comes from the table the handlers and the local stack also use
    // (NOTIFICATION_RULES in lambdas/core/keys.ts), so deployed and local routing cannot drift.
    const targets: Record<NotificationTarget, lambda.IFunction> = {
      ingest: this.ingest.lambdaFunction,
      assemble: this.assemble.lambdaFunction,
      templateCheck: this.templateCheck.lambdaFunction,
      views: this.views.lambdaFunction,
    };
    const eventTypes = { created: s3.EventType.OBJECT_CREATED, removed: s3.EventType.OBJECT_REMOVED } as const;
    const notify = (
      bucket: s3.Bucket,
      rules: readonly {
        target: NotificationTarget;
        prefix: string;
        suffix: string;
        events: readonly ('created' | 'removed')[];
      }[],
    ) => {
      for (const rule of rules) {
        const filter: s3.NotificationKeyFilter = rule.suffix
          ? { prefix: rule.prefix, suffix: rule.suffix }
          : { prefix: rule.prefix };
        for (const kind of rule.events)
          bucket.addEventNotification(eventTypes[kind], new s3n.LambdaDestination(targets[rule.target]), filter);
      }
    };
    notify(this.buckets.uploads, NOTIFICATION_RULES);
    // The documents bucket notifies only on receipts/*.json; the views function writes
    // drafts/, status/ and workbooks/, so no function can trigger on its own output.
    notify(this.buckets.documents, OUTPUT_NOTIFICATION_RULES);
    this.acknowledgeNotificationsHandler();

    // The pages in a browser, signed in through Cognito (the municipality's sign-in federated).
    this.webAccess = new WebAccess(this, 'WebAccess', { ...wiring, committees: config.committees });

    this.alarms = new Alarms(this, 'Alarms', {
      namePrefix,
      notificationEmail: notificationEmail.valueAsString,
      failureQueue: this.failurePath.queue,
      functions: {
        ingest: this.ingest.lambdaFunction,
        assemble: this.assemble.lambdaFunction,
        'template-check': this.templateCheck.lambdaFunction,
        views: this.views.lambdaFunction,
      },
      requestFunctions: { web: this.webAccess.web.lambdaFunction },
      logGroups: {
        ingest: this.ingest.logGroup,
        assemble: this.assemble.logGroup,
        'template-check': this.templateCheck.logGroup,
        views: this.views.logGroup,
        web: this.webAccess.web.logGroup,
      },
    });

    this.staffAccess = new StaffAccess(this, 'StaffAccess', {
      namePrefix,
      committees: config.committees,
      samlProviderArn: config.samlProviderArn,
      uploadsBucket: this.buckets.uploads,
      documentsBucket: this.buckets.documents,
      table: this.reportTable.table,
      topics: [this.documentTopic.topic, this.receiptTopic.topic],
      functionRoles: [this.ingest.role, this.assemble.role, this.templateCheck.role, this.views.role],
      ...(this.buckets.emptierRoleArn ? { bucketEmptierRoleArn: this.buckets.emptierRoleArn } : {}),
    });

    const outputs: Record<string, [string, string]> = {
      UploadsBucketName: [this.buckets.uploads.bucketName, 'Input bucket: uploads/, closures/, templates/, config/'],
      DocumentsBucketName: [this.buckets.documents.bucketName, 'Output bucket: documents/, receipts/'],
      AccessLogsBucketName: [this.buckets.accessLogs.bucketName, 'Server access logs of both buckets'],
      TableName: [this.reportTable.table.tableName, 'Report entries table'],
      FailedEventsQueueUrl: [this.failurePath.queue.queueUrl, 'Events that failed after their retries'],
      DocumentTopicArn: [
        this.documentTopic.topic.topicArn,
        'Announces each finished document (subscribe a meeting system here)',
      ],
      ReceiptTopicArn: [
        this.receiptTopic.topic.topicArn,
        'One message per receipt, with committee and period attributes (subscribe staff here)',
      ],
      AlarmTopicArn: [this.alarms.topic.topicArn, 'Alarm notifications'],
      IngestLogGroup: [this.ingest.logGroup.logGroupName, 'Logs of the ingest function'],
      AssembleLogGroup: [this.assemble.logGroup.logGroupName, 'Logs of the assemble function'],
      TemplateCheckLogGroup: [this.templateCheck.logGroup.logGroupName, 'Logs of the template check function'],
      ViewsLogGroup: [this.views.logGroup.logGroupName, 'Logs of the views function (drafts and status pages)'],
      WebLogGroup: [this.webAccess.web.logGroup.logGroupName, 'Logs of the web function (the signed-in pages)'],
      AdminRoleArn: [
        this.staffAccess.adminRole.roleArn,
        'IAM role of the IT administrator (tertial reindex); the admin group may assume it with MFA',
      ],
    };
    for (const [outputId, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, outputId, { value, description });
    }
  }

  /**
   * `addEventNotification` brings CDK's own bucket-notifications handler (a singleton
   * function at stack level). Its role is CDK's to write; acknowledge what it needs.
   */
  private acknowledgeNotificationsHandler(): void {
    const handler = this.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) throw new Error(`${this.node.path}: CDK's bucket notifications handler not found`);
    // Its policy is scoped to the uploads bucket (s3:PutBucketNotification on that ARN).
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's bucket-notifications handler (a deploy-time custom resource, not part of the pipeline) writes its logs with this AWS managed policy; CDK creates that role and offers no way to replace it.",
    });
  }
}
