/**
 * A few hundred seeded mutations of real workbooks and of the default template (see
 * test/fuzz/fuzz.ts): each is refused or read within the limits, none throws. Longer
 * runs: `npm run fuzz -- --seconds 600 --out fuzz-failures`.
 */
import { describe, expect, it } from 'vitest';
import { loadSeeds, makeCase, runCase } from '../fuzz/fuzz.js';

/** Cases per kind in `npm test`: a few hundred, about half a minute on two shared cores. */
const WORKBOOK_CASES = 240;
const TEMPLATE_CASES = 60;

describe('fuzz: mutated workbooks and templates are refused or read within limits, never with an exception', () => {
  const seeds = loadSeeds();
  const workbooks = seeds.filter((s) => s.kind === 'workbook');
  const templates = seeds.filter((s) => s.kind === 'template');

  it(`${WORKBOOK_CASES} mutated workbooks (examples, corpus files, bad.xlsx)`, { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    for (let id = 1; id <= WORKBOOK_CASES; id++) {
      const c = makeCase(id, workbooks);
      const verdict = await runCase(c);
      if (!verdict.ok) failures.push(`#${id} ${c.mutation} of ${c.seedName}: ${verdict.reason}`);
      else outcomes.set(verdict.outcome.split(' ')[0]!, (outcomes.get(verdict.outcome.split(' ')[0]!) ?? 0) + 1);
    }
    expect(failures).toEqual([]);
    // The mutations reach past the first check: some inputs are still read, most are refused.
    expect(outcomes.get('refused') ?? 0).toBeGreaterThan(WORKBOOK_CASES / 4);
    expect(outcomes.get('accepted') ?? 0).toBeGreaterThan(0);
  });

  it(
    `${TEMPLATE_CASES} mutated templates (templates/default.docx), checked as the template-check handler checks them`,
    { timeout: 600_000 },
    async () => {
      const failures: string[] = [];
      for (let id = 1; id <= TEMPLATE_CASES; id++) {
        const c = makeCase(100_000 + id, templates);
        const verdict = await runCase(c);
        if (!verdict.ok) failures.push(`#${c.id} ${c.mutation}: ${verdict.reason}`);
      }
      expect(failures).toEqual([]);
    },
  );
});
