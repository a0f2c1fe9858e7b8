import { Aws, CfnCondition, Duration, Fn } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  readonly namePrefix: string;
  /** The committee secretary's (or operator's) address; empty: no subscription. */
  readonly notificationEmail: string;
  readonly failureQueue: sqs.IQueue;
  /** Functions whose errors raise an alarm, by the short name used in alarm names. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Functions that answer a person's request (nothing retries them), by short name. */
  readonly requestFunctions?: Readonly<Record<string, lambda.IFunction>>;
  /**
   * Log groups whose ERROR lines raise an alarm, by the same short names: what the
   * pipeline cannot tell anyone through a receipt (a malformed S3 record, an upload no
   * receipt key can be formed for) is logged at ERROR without the invocation failing.
   */
  readonly logGroups?: Readonly<Record<string, logs.ILogGroup>>;
}

/**
 * Someone hears about every failure: an alarm when the failure queue holds an event,
 * and one per function on any error (an error is retried, but a retry that keeps
 * failing should not wait for the queue), all sent to one topic with an e-mail
 * subscription.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly failedEvents: cloudwatch.Alarm;
  readonly functionErrors: Readonly<Record<string, cloudwatch.Alarm>>;
  readonly errorLogs: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);

    // Not encrypted at rest: CloudWatch cannot publish to a topic encrypted with the AWS
    // managed key, and an alarm message (alarm name, metric, state) carries nothing a
    // customer managed key (a yearly cost and a key policy to maintain) would protect.
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.namePrefix}-alarms`,
      displayName: 'tertial: larm',
      enforceSSL: true,
    });
    // The topic policy written for enforceSSL replaces SNS's default policy, which is what
    // lets CloudWatch publish; allow this account's alarms explicitly.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${props.namePrefix}-*`,
          },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );

    // A CloudFormation parameter may be empty (synth, tests, a first deploy before anyone
    // is named): then there is no subscription. SNS asks the address to confirm first.
    const hasEmail = new CfnCondition(this, 'HasNotificationEmail', {
      expression: Fn.conditionNot(Fn.conditionEquals(props.notificationEmail, '')),
    });
    const subscription = new sns.CfnSubscription(this, 'EmailSubscription', {
      topicArn: this.topic.topicArn,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: props.notificationEmail,
    });
    subscription.cfnOptions.condition = hasEmail;

    const notify = new actions.SnsAction(this.topic);
    const period = Duration.minutes(5);

    // Every alarm fires on the first occurrence in one period and tells the topic.
    const alarmOnAny = (
      id: string,
      name: string,
      alarmDescription: string,
      metric: cloudwatch.IMetric,
    ): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmName: `${props.namePrefix}-${name}`,
        alarmDescription,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
      return alarm;
    };

    this.failedEvents = alarmOnAny(
      'FailedEvents',
      'failed-events',
      'An S3 event could not be processed after its retries and is waiting in the failure queue. See README, "Deploy to AWS": reading the failure queue.',
      props.failureQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
    );

    const functionErrors: Record<string, cloudwatch.Alarm> = {};
    for (const [name, fn] of Object.entries(props.functions)) {
      functionErrors[name] = alarmOnAny(
        `${name}Errors`,
        `${name}-errors`,
        `The ${name} function failed (it will be retried). Its log group has the error, with the bucket, key and period.`,
        fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      );
    }
    for (const [name, fn] of Object.entries(props.requestFunctions ?? {})) {
      functionErrors[name] = alarmOnAny(
        `${name}Errors`,
        `${name}-errors`,
        `The ${name} function failed to answer a request (the person saw an error page). Its log group has the error, with the path.`,
        fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      );
    }
    this.functionErrors = functionErrors;

    const errorLogs: Record<string, cloudwatch.Alarm> = {};
    for (const [name, logGroup] of Object.entries(props.logGroups ?? {})) {
      // Powertools writes one JSON object per line with the level in `level`.
      const filter = new logs.MetricFilter(this, `${name}ErrorLogFilter`, {
        logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace: `tertial/${props.namePrefix}`,
        metricName: `${name}-error-log-lines`,
        metricValue: '1',
      });
      errorLogs[name] = alarmOnAny(
        `${name}ErrorLogs`,
        `${name}-error-logs`,
        `The ${name} function logged an ERROR line: something nobody was told through a receipt. Its log group has the line, with the key.`,
        filter.metric({ period, statistic: cloudwatch.Stats.SUM }),
      );
    }
    this.errorLogs = errorLogs;
  }
}
