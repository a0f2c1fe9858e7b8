import { describe, expect, it } from 'vitest';
import { combinePeriod, type PeriodUpload } from '../../lambdas/core/combined-period.js';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import type { UploadContent } from '../../lambdas/core/domain.js';
import { looseKey, matchKey } from '../../lambdas/core/parse/text.js';
import { buildReport } from '../../lambdas/core/report.js';
import { exampleUploads } from '../../examples/ks-2023-T3.js';

function upload(name: string, content: Partial<UploadContent>): PeriodUpload {
  return { name, content: { goals: [], activities: [], caseSections: [], ...content } };
}

describe('Function: matchKey', () => {
  it('compares across case, whitespace, line breaks and Unicode composition', () => {
    expect(matchKey('  KS1\u00a0Ekonomi\ni   BALANS ')).toBe('ks1 ekonomi i balans');
    expect(matchKey('Ö'.normalize('NFD'))).toBe(matchKey('ö'));
    expect(matchKey('ÅÄÖ')).toBe('åäö');
    // Unlike a header, a goal keeps a trailing colon or star.
    expect(matchKey('Mål:')).toBe('mål:');
    expect(looseKey('Mål:')).toBe('mål');
    expect(looseKey(' STATUS *')).toBe(matchKey('status'));
  });
});

describe('Function: combinePeriod', () => {
  it('matches an activity to its goal by id or title, written any case and spacing', () => {
    const source = (file: string, sheet: string, row: number) => ({ file, sheet, row });
    const { goals, warnings } = combinePeriod(
      [
        upload('a.xlsx', {
          goals: [
            { id: 'KS1', title: 'Ekonomi i balans', motivation: '', source: source('a.xlsx', 'Mål', 2) },
            { title: 'Trygg kommun', motivation: '', source: source('a.xlsx', 'Mål', 3) },
          ],
        }),
        upload('b.xlsx', {
          activities: [
            { goalRef: ' ks1 ', title: 'Budget', status: 'Pågående', comment: '', source: source('b.xlsx', 'A', 2) },
            {
              goalRef: 'TRYGG\nKOMMUN',
              title: 'Belysning',
              status: 'Genomförd',
              comment: '',
              source: source('b.xlsx', 'A', 3),
            },
            {
              goalRef: 'KS1 ekonomi I BALANS',
              title: 'Prognos',
              status: 'Pågående',
              comment: 'a\n\nb',
              source: source('b.xlsx', 'A', 4),
            },
          ],
        }),
      ],
      KS_CONFIG,
    );
    expect(warnings).toEqual([]);
    expect(goals.map((g) => [g.heading, g.activities.map((a) => a.title)])).toEqual([
      ['KS1 Ekonomi i balans', ['Budget', 'Prognos']],
      ['Trygg kommun', ['Belysning']],
    ]);
    expect(goals[0]?.activities[1]?.comment).toEqual(['a', 'b']);
  });

  it('is what the report shows: the same goals, activities and warnings', () => {
    const uploads = exampleUploads();
    const combined = combinePeriod(uploads, KS_CONFIG);
    const { view, warnings } = buildReport({
      period: { committee: 'ks', year: 2023, tertial: 3 },
      config: KS_CONFIG,
      uploads,
      closure: {},
    });
    expect(view.goals.map((g) => [g.goalHeading, g.goalAssessment, g.activities.map((a) => a.activityStatus)])).toEqual(
      combined.goals.map((g) => [g.heading, g.assessment, g.activities.map((a) => a.status)]),
    );
    expect(warnings).toEqual(combined.warnings);
    expect(view.focusAreas.map((f) => f.focusAreaName)).toEqual(combined.caseText.focusAreas.map((f) => f.name));
  });
});
