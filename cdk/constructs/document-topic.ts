import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface DocumentTopicProps {
  readonly namePrefix: string;
}

/**
 * Announces each finished committee document, for a meeting system (or a person) to
 * subscribe to. The assemble function publishes a JSON message
 * `{committee, year, tertial, bucket, key}` with `committee` and `period` message
 * attributes, so a subscription can filter on them.
 */
export class DocumentTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: DocumentTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.namePrefix}-documents`,
      displayName: 'tertial: måluppföljning klar',
      enforceSSL: true,
    });
    // Encrypted at rest with the AWS managed key: free, and its key policy already lets
    // any principal of this account that may publish use it through SNS, so the publisher
    // needs no KMS grant. Set on the L1 resource: given to the L2 as an imported alias,
    // grantPublish would add kms:Decrypt and kms:GenerateDataKey* on `key/*` (every key of
    // the account, with an alias condition), which is neither needed nor least privilege.
    (this.topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = 'alias/aws/sns';
  }
}
