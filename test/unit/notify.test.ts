import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { periodAttributes } from '../../lambdas/core/receipt-message.js';
import { snsNotifier } from '../../lambdas/runtime/notify.js';

const RECEIPTS_ARN = 'arn:aws:sns:eu-north-1:111111111111:tertial-receipts';
const DOCUMENTS_ARN = 'arn:aws:sns:eu-north-1:111111111111:tertial-documents';

/** Every command the SNS clients were asked to send (nothing reaches AWS). */
function spyOnSend() {
  return vi.spyOn(SNSClient.prototype, 'send').mockImplementation(() => Promise.resolve({ MessageId: 'm-1' }));
}

function publishedInputs(send: ReturnType<typeof spyOnSend>): PublishCommand['input'][] {
  return send.mock.calls.map(([command]) => {
    expect(command).toBeInstanceOf(PublishCommand);
    return (command as PublishCommand).input;
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('snsNotifier', () => {
  it('publishes to the topic’s ARN with the subject, the text and the committee and period as String attributes', async () => {
    const send = spyOnSend();
    const notifier = snsNotifier('eu-north-1', { receipts: RECEIPTS_ARN, documents: DOCUMENTS_ARN });
    await notifier.publish('receipts', {
      subject: 'Kvitto: aktiviteter.xlsx',
      text: 'Filen är mottagen.\n',
      attributes: periodAttributes({ committee: 'ks', year: 2023, tertial: 3 }),
    });
    expect(publishedInputs(send)).toEqual([
      {
        TopicArn: RECEIPTS_ARN,
        Subject: 'Kvitto: aktiviteter.xlsx',
        Message: 'Filen är mottagen.\n',
        MessageAttributes: {
          committee: { DataType: 'String', StringValue: 'ks' },
          period: { DataType: 'String', StringValue: '2023-T3' },
        },
      },
    ]);
    // The client is made for the region it was given.
    const client = send.mock.contexts[0] as SNSClient;
    expect(await client.config.region()).toBe('eu-north-1');
  });

  it('drops an attribute without a value: a template receipt has no period, and SNS refuses an empty StringValue', async () => {
    const send = spyOnSend();
    const notifier = snsNotifier('eu-north-1', { receipts: RECEIPTS_ARN });
    await notifier.publish('receipts', {
      subject: 'Mall ks',
      text: 'Mallen är godkänd.\n',
      attributes: { committee: 'ks' },
    });
    await notifier.publish('receipts', {
      subject: 'Mall ks',
      text: 'Mallen är godkänd.\n',
      attributes: { committee: 'ks', period: '' },
    });
    expect(publishedInputs(send).map((input) => input.MessageAttributes)).toEqual([
      { committee: { DataType: 'String', StringValue: 'ks' } },
      { committee: { DataType: 'String', StringValue: 'ks' } },
    ]);
  });

  it('sends to each topic its own ARN, and nothing to a topic without one', async () => {
    const send = spyOnSend();
    const notifier = snsNotifier('eu-north-1', { documents: DOCUMENTS_ARN });
    const message = {
      subject: 'Måluppföljning ks 2023-T3 klar',
      text: '{}',
      attributes: periodAttributes({ committee: 'ks', year: 2023, tertial: 3 }),
    };
    await notifier.publish('receipts', message);
    await notifier.publish('documents', message);
    expect(publishedInputs(send).map((input) => input.TopicArn)).toEqual([DOCUMENTS_ARN]);
  });
});
