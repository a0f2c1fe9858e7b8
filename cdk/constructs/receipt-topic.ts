import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Subscribers } from '../config.js';
import type { PipelineFunction } from './pipeline-function.js';

export interface ReceiptTopicProps {
  readonly namePrefix: string;
  /** Who gets which committee's receipts by e-mail (context `receiptSubscribers`). */
  readonly subscribers: Subscribers;
}

/**
 * One message per receipt (uploads, closes, reopenings, templates, misplaced uploads):
 * the Swedish receipt text, its issues up to a screenful, and the S3 keys of the receipt
 * and of a refused workbook's marked-up copy. Messages carry `committee` and `period`
 * attributes, so each subscription filters on its committee. Written through
 * `lambdas/runtime/issue-receipt.ts`, the one place a receipt is issued.
 */
export class ReceiptTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: ReceiptTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.namePrefix}-receipts`,
      displayName: 'tertial: kvitton',
      enforceSSL: true,
    });
    // As the document topic: the AWS managed key, which needs no KMS grant for publishers.
    (this.topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = 'alias/aws/sns';
    subscribeByCommittee(this.topic, props.subscribers);
  }

  /** Lets a function publish its receipts here (RECEIPT_TOPIC_ARN, sns:Publish on this topic). */
  allowPublishFrom(fn: PipelineFunction): void {
    fn.addEnvironment('RECEIPT_TOPIC_ARN', this.topic.topicArn);
    this.topic.grantPublish(fn.role);
  }
}

/**
 * An e-mail subscription per address, filtered on the message's `committee` attribute.
 * SNS sends each address a confirmation link first; nothing arrives until it is followed.
 */
export function subscribeByCommittee(topic: sns.ITopic, subscribers: Subscribers): void {
  for (const [committee, addresses] of Object.entries(subscribers)) {
    for (const address of addresses) {
      topic.addSubscription(
        new subscriptions.EmailSubscription(address, {
          filterPolicy: { committee: sns.SubscriptionFilter.stringFilter({ allowlist: [committee] }) },
        }),
      );
    }
  }
}
