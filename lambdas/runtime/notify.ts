/**
 * Where messages to people go: the receipts topic (one message per receipt) and the
 * document topic (one per finished document). On AWS these are SNS topics; the local
 * stack writes the same messages as files (`outbox.ts`).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { OutgoingMessage } from '../core/receipt-message.js';

export type Topic = 'receipts' | 'documents';

export interface Notifier {
  publish(topic: Topic, message: OutgoingMessage): Promise<void>;
}

/** Publishes to the topics that are configured; a topic without an ARN is skipped. */
export function snsNotifier(region: string, topicArns: Partial<Record<Topic, string>>): Notifier {
  let sns: SNSClient | undefined;
  return {
    async publish(topic, message) {
      const arn = topicArns[topic];
      if (!arn) return;
      sns ??= new SNSClient({ region });
      const attributes = Object.entries(message.attributes).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
      );
      await sns.send(
        new PublishCommand({
          TopicArn: arn,
          Subject: message.subject,
          Message: message.text,
          MessageAttributes: Object.fromEntries(
            attributes.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
          ),
        }),
      );
    },
  };
}
