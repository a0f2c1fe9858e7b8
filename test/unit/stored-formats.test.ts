/**
 * Data written by every earlier version of the pipeline stays readable. Each folder
 * under test/fixtures/stored/ holds what one version wrote (table items and receipts,
 * captured from a real run by test/fixtures/stored/capture.ts) and is never rewritten;
 * a change that can no longer read one of them fails here, so a migration is written
 * on purpose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Period, Tertial } from '../../lambdas/core/domain.js';
import { parseReceipt, RECEIPT_SCHEMA_VERSION } from '../../lambdas/core/receipt-schema.js';
import {
  chunkItem,
  closeRecord,
  parseStored,
  parseStoredJson,
  periodIndexItem,
  StoredFormatError,
  templateItem,
} from '../../lambdas/storage/formats.js';
import { periodRecordFromItem, unchunkContent } from '../../lambdas/storage/repository.js';

const ROOT = 'test/fixtures/stored';
const VERSIONS = readdirSync(ROOT)
  .filter((d) => /^v\d+$/.test(d))
  .sort();

function readJsonFiles(dir: string): { name: string; value: Record<string, unknown> }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, value: JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown> }));
}

function periodOf(pk: string): Period {
  const m = /^PERIOD#([a-z0-9-]+)#(\d{4})#T([123])$/.exec(pk);
  if (!m) throw new Error(`not a period key: ${pk}`);
  return { committee: m[1] as string, year: Number(m[2]), tertial: Number(m[3]) as Tertial };
}

describe('stored formats', () => {
  it('has a fixture folder for the version before the schemas and for the current one', () => {
    expect(VERSIONS).toEqual(expect.arrayContaining(['v0', 'v1', `v${RECEIPT_SCHEMA_VERSION}`]));
  });

  it('reads receipt times written in UTC (v0, v1) and in Swedish time with the offset (v2) as instants', () => {
    for (const version of VERSIONS) {
      const dir = join(ROOT, version, 'receipts');
      for (const name of readdirSync(dir)) {
        const read = parseReceipt(readFileSync(join(dir, name)));
        if (!read.ok) throw new Error(`${version}/${name}: ${read.reason}`);
        const { receivedAt } = read.receipt;
        expect(receivedAt, `${version}/${name}`).toMatch(Number(version.slice(1)) < 2 ? /Z$/ : /[+-]\d\d:\d\d$/);
        expect(Number.isNaN(Date.parse(receivedAt)), `${version}/${name}`).toBe(false);
      }
    }
  });

  describe.each(VERSIONS)('data written by %s', (version) => {
    const items = readJsonFiles(join(ROOT, version, 'table'));

    it('reads every period item into the domain record, closed and open, with the files in force and the closure', () => {
      const periods = items.filter((i) => i.value.sk === 'PERIOD');
      expect(periods.length).toBeGreaterThan(0);
      for (const { value } of periods) {
        const record = periodRecordFromItem(periodOf(String(value.pk)), value);
        expect(['OPEN', 'CLOSED']).toContain(record.state);
        for (const entry of Object.values(record.files)) {
          expect(entry.sequencer).toMatch(/^[0-9A-F]{40}$/);
          // The event that brought the version in force: recorded since v1; for v0 known only when it was the newest event.
          if (entry.generation !== undefined && (version !== 'v0' || entry.lastOutcome === 'accepted'))
            expect(entry.acceptedSequencer).toMatch(/^[0-9A-F]{40}$/);
        }
      }
      const closed = periods
        .map(({ value }) => periodRecordFromItem(periodOf(String(value.pk)), value))
        .filter((r) => r.state === 'CLOSED');
      expect(closed.map((r) => r.closure?.closure.diarienummer).sort()).toEqual(['KS 2023/40', 'KS 2024/12']);
    });

    it('reads the staged rows of every file in force, as many goals, activities and case texts as the period item counted', () => {
      for (const { value } of items.filter((i) => i.value.sk === 'PERIOD')) {
        const record = periodRecordFromItem(periodOf(String(value.pk)), value);
        for (const [name, entry] of Object.entries(record.files)) {
          if (entry.generation === undefined) continue;
          const chunks = items
            .filter((i) => i.value.pk === value.pk && String(i.value.sk).startsWith(`GEN#${entry.generation}#`))
            .map((i) => parseStored(chunkItem, i.value, i.name));
          expect(chunks.length, name).toBe(entry.chunks);
          const content = unchunkContent(chunks.map((c) => c.entries));
          expect(
            {
              goals: content.goals.length,
              activities: content.activities.length,
              caseSections: content.caseSections.length,
            },
            name,
          ).toEqual(entry.counts);
          for (const activity of content.activities)
            expect(['Ej påbörjad', 'Pågående', 'Genomförd', 'Avbruten']).toContain(activity.status);
        }
      }
    });

    it('reads the template item and the period index', () => {
      const template = items.find((i) => i.value.sk === 'TEMPLATE');
      expect(parseStored(templateItem, template?.value, 'template').key).toMatch(/^templates\/ks\/[0-9A-F]{40}\.docx$/);
      for (const index of items.filter(
        (i) => String(i.value.pk).startsWith('COMMITTEE#') && String(i.value.sk).startsWith('PERIOD#'),
      )) {
        expect(parseStored(periodIndexItem, index.value, index.name).year).toBe(2023);
      }
    });

    it('reads every receipt through the receipt schema', () => {
      const receipts = readdirSync(join(ROOT, version, 'receipts')).sort();
      const kinds = new Set<string>();
      for (const name of receipts) {
        const read = parseReceipt(readFileSync(join(ROOT, version, 'receipts', name)));
        expect(read.ok ? '' : read.reason, name).toBe('');
        if (read.ok) kinds.add(`${read.receipt.kind}:${read.receipt.status}`);
      }
      expect([...kinds].sort()).toEqual([
        'closure:closed',
        'reopening:not_closed',
        'reopening:reopened',
        'template:accepted',
        'template:rejected',
        'upload:accepted',
        'upload:failed',
        'upload:rejected',
        'upload:removed',
      ]);
    });
  });

  it('reads the close records of the period history (written since v1)', () => {
    const dir = join(ROOT, 'v1', 'history');
    const records = readJsonFiles(dir).filter((r) => r.value.kind === 'close');
    expect(records.length).toBeGreaterThan(0);
    for (const { name, value } of records) {
      const record = parseStoredJson(closeRecord, JSON.stringify(value), name);
      expect(Object.keys(record.files).length).toBeGreaterThan(0);
    }
  });

  it('refuses an item that does not fit its format, naming the item, instead of passing undefined on', () => {
    const item = readJsonFiles(join(ROOT, 'v0', 'table')).find((i) => i.value.sk === 'PERIOD')?.value as Record<
      string,
      unknown
    >;
    const broken = { ...item, files: { 'a.xlsx': { lastOutcome: 'accepted', lastEventAt: '2024-01-01T00:00:00Z' } } };
    expect(() => periodRecordFromItem(periodOf(String(item.pk)), broken)).toThrow(StoredFormatError);
    expect(() => periodRecordFromItem(periodOf(String(item.pk)), { ...item, schemaVersion: 99 })).toThrow(
      /period item PERIOD#ks#2023/,
    );
    expect(() =>
      unchunkContent([
        '[{"t":"a","goalRef":"KS1","title":"x","status":"Klar","comment":"","source":{"file":"a","sheet":"s","row":2}}]',
      ]),
    ).toThrow(StoredFormatError);
    expect(parseReceipt('{"kind":"upload","status":"accepted"}').ok).toBe(false);
    expect(parseReceipt('not json').ok).toBe(false);
  });
});
