import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { periodStatus } from '../../lambdas/storage/period-status.js';
import { periodRecordFromItem } from '../../lambdas/storage/repository.js';

const period = { committee: 'ks', year: 2023, tertial: 2 } as const;

describe('tertial status --json', () => {
  it('prints the documented shape for a period with nothing in it', () => {
    expect(periodStatus(period, undefined)).toEqual({
      schemaVersion: 2,
      period: 'ks 2023-T2',
      committee: 'ks',
      year: 2023,
      tertial: 2,
      state: 'NONE',
      closure: null,
      files: {},
    });
  });

  it('prints the documented shape for a closed period read from the table: files by name, in force or not, and the closure', () => {
    const item = JSON.parse(
      readFileSync('test/fixtures/stored/v0/table/PERIOD_ks_2023_T2__PERIOD.json', 'utf8'),
    ) as Record<string, unknown>;
    const status = periodStatus(period, periodRecordFromItem(period, item));
    expect(status.state).toBe('CLOSED');
    expect(status.closure).toEqual({
      closedAt: expect.any(String),
      document: 'documents/ks/2023/T2/ks-maluppfoljning-2023-T2.docx',
      diarienummer: 'KS 2023/40',
    });
    expect(Object.entries(status.files).map(([name, f]) => [name, f.lastOutcome, f.inForce])).toEqual([
      ['aktiviteter.xlsx', 'accepted', true],
      ['bort.csv', 'deleted', false],
      ['extra.csv', 'rejected', true],
      ['mal-och-arende.xlsx', 'accepted', true],
      ['trasig.csv', 'rejected', false],
    ]);
    expect(status.files['trasig.csv']).toEqual({
      inForce: false,
      lastOutcome: 'rejected',
      lastEventAt: expect.any(String),
    });
    // The table keeps UTC; what people read is Swedish time with its offset, the same instant.
    const record = periodRecordFromItem(period, item);
    expect(record.closure?.closedAt).toMatch(/Z$/);
    expect(status.closure?.closedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+0[12]:00$/);
    expect(Date.parse(status.closure?.closedAt ?? '')).toBe(Date.parse(record.closure?.closedAt ?? ''));
    for (const [name, f] of Object.entries(status.files)) {
      expect(f.lastEventAt, name).toMatch(/\+0[12]:00$/);
      expect(Date.parse(f.lastEventAt), name).toBe(Date.parse(record.files[name]?.lastEventAt ?? ''));
      if (f.acceptedAt) expect(f.acceptedAt, name).toMatch(/\+0[12]:00$/);
    }
    expect(status.files['aktiviteter.xlsx']?.acceptedAt).toBeDefined();
    expect(Object.keys(status)).toEqual([
      'schemaVersion',
      'period',
      'committee',
      'year',
      'tertial',
      'state',
      'closure',
      'files',
    ]);
  });
});
