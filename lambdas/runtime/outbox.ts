/**
 * The local stack's topics: each message SNS would deliver is written to
 * `{data}/outbox/` as one JSON file, so people and tests read what e-mail subscribers
 * on AWS would get. File names sort in the order the messages were sent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stockholmIso } from '../core/time.js';
import type { Notifier } from './notify.js';

export interface OutboxFile {
  readonly topic: string;
  readonly subject: string;
  readonly attributes: Record<string, string>;
  readonly message: string;
  readonly sentAt: string;
}

export function outboxNotifier(dir: string, clock: () => Date = () => new Date()): Notifier {
  let sequence = 0;
  return {
    async publish(topic, message) {
      await mkdir(dir, { recursive: true });
      const now = clock();
      // The name in UTC, so names sort in the order sent across a change of offset; the field in Swedish time, for people.
      const name = `${now.toISOString().replace(/[:.]/g, '-')}-${String(++sequence).padStart(6, '0')}-${topic}.json`;
      const sentAt = stockholmIso(now);
      const file: OutboxFile = {
        topic,
        subject: message.subject,
        attributes: { ...message.attributes },
        message: message.text,
        sentAt,
      };
      await writeFile(join(dir, name), `${JSON.stringify(file, null, 2)}\n`);
    },
  };
}
