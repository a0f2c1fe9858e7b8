import { describe, expect, it } from 'vitest';
import { compareGoals, type ComparableGoal } from '../../lambdas/core/changes.js';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import type { Activity, ActivityStatus, Assessment, Goal, UploadContent } from '../../lambdas/core/domain.js';
import { buildReport, type ReportView } from '../../lambdas/core/report.js';

const src = (row: number) => ({ file: 'a.xlsx', sheet: 'Aktiviteter', row });
const goal = (id: string, title: string, assessment?: Assessment): Goal => ({
  id,
  title,
  motivation: '',
  source: src(1),
  ...(assessment ? { assessment } : {}),
});
const activity = (goalRef: string, title: string, status: ActivityStatus): Activity => ({
  goalRef,
  title,
  status,
  comment: '',
  source: src(2),
});

function report(current: UploadContent, previous?: UploadContent, tertial: 2 | 3 = 3): ReportView {
  return buildReport({
    period: { committee: 'ks', year: 2023, tertial },
    config: KS_CONFIG,
    uploads: [{ name: 'a.xlsx', content: current }],
    closure: {},
    ...(previous
      ? {
          previous: {
            period: { committee: 'ks', year: 2023, tertial: (tertial - 1) as 1 | 2 },
            uploads: [{ name: 'a.xlsx', content: previous }],
          },
        }
      : {}),
  }).view;
}

const comparable = (
  id: string,
  title: string,
  assessment: Assessment,
  activities: [string, ActivityStatus][] = [],
): ComparableGoal => ({
  id,
  title,
  heading: id ? `${id} ${title}` : title,
  assessment,
  activities: activities.map(([t, status]) => ({ title: t, status })),
});

describe('Function: compareGoals', () => {
  it('matches goals by id, then by title, case- and whitespace-insensitively', () => {
    const result = compareGoals(
      [
        comparable('ks1', 'Nytt namn', 'Uppfyllt'),
        comparable('', 'ekonomi  I BALANS', 'Uppfyllt'),
        comparable('KS9', 'Helt ny', 'Ej bedömt'),
      ],
      [comparable('KS1', 'Gammalt namn', 'Delvis uppfyllt'), comparable('', 'Ekonomi i balans', 'Ej uppfyllt')],
    );
    expect(result.goals.map((g) => [g.isNew, g.previousAssessment])).toEqual([
      [false, 'Delvis uppfyllt'],
      [false, 'Ej uppfyllt'],
      [true, undefined],
    ]);
    expect(result.removedGoals).toEqual([]);
  });

  it('does not match by title two goals whose ids differ', () => {
    const result = compareGoals([comparable('KS2', 'Ekonomi', 'Uppfyllt')], [comparable('KS1', 'Ekonomi', 'Uppfyllt')]);
    expect(result.goals[0]?.isNew).toBe(true);
    expect(result.removedGoals.map((g) => g.id)).toEqual(['KS1']);
  });

  it('compares activities by goal and title: new, status changed, unchanged, and those no longer reported', () => {
    const result = compareGoals(
      [
        comparable('KS1', 'A', 'Uppfyllt', [
          ['Budget', 'Genomförd'],
          ['  lokaler ', 'Pågående'],
          ['Ny sak', 'Ej påbörjad'],
        ]),
      ],
      [
        comparable('KS1', 'A', 'Uppfyllt', [
          ['budget', 'Pågående'],
          ['Lokaler', 'Pågående'],
          ['Borttagen', 'Avbruten'],
        ]),
      ],
    );
    expect(result.goals[0]?.activities).toEqual([
      { kind: 'status', from: 'Pågående', to: 'Genomförd' },
      { kind: 'unchanged' },
      { kind: 'new' },
    ]);
    expect(result.goals[0]?.removedActivities).toEqual([{ title: 'Borttagen', status: 'Avbruten' }]);
  });

  it('sees an activity moved to another goal as new there and gone from the first', () => {
    const result = compareGoals(
      [comparable('KS1', 'A', 'Uppfyllt', []), comparable('KS2', 'B', 'Uppfyllt', [['Flyttad', 'Pågående']])],
      [comparable('KS1', 'A', 'Uppfyllt', [['Flyttad', 'Pågående']]), comparable('KS2', 'B', 'Uppfyllt', [])],
    );
    expect(result.goals[1]?.activities).toEqual([{ kind: 'new' }]);
    expect(result.goals[0]?.removedActivities.map((a) => a.title)).toEqual(['Flyttad']);
  });

  it('pairs the same title listed twice under one goal in order', () => {
    const result = compareGoals(
      [
        comparable('KS1', 'A', 'Uppfyllt', [
          ['Dubbel', 'Genomförd'],
          ['Dubbel', 'Pågående'],
          ['Dubbel', 'Pågående'],
        ]),
      ],
      [
        comparable('KS1', 'A', 'Uppfyllt', [
          ['Dubbel', 'Pågående'],
          ['Dubbel', 'Pågående'],
        ]),
      ],
    );
    expect(result.goals[0]?.activities.map((a) => a.kind)).toEqual(['status', 'unchanged', 'new']);
  });
});

describe('Function: buildReport, compared with the previous tertial', () => {
  const previous: UploadContent = {
    goals: [
      goal('KS1', 'Ekonomi i balans', 'Ej uppfyllt'),
      goal('KS2', 'Attraktiv arbetsgivare', 'Delvis uppfyllt'),
      goal('KS3', 'Utgått mål', 'Uppfyllt'),
    ],
    activities: [
      activity('KS1', 'Budgetuppföljning', 'Pågående'),
      activity('KS1', 'Investeringsplan', 'Genomförd'),
      activity('KS1', 'Friskvård', 'Genomförd'),
      activity('KS2', 'Medarbetarenkät', 'Ej påbörjad'),
    ],
    caseSections: [],
  };
  const current: UploadContent = {
    goals: [
      goal('KS1', 'Ekonomi i balans', 'Delvis uppfyllt'),
      goal('KS2', 'Attraktiv arbetsgivare', 'Delvis uppfyllt'),
      goal('KS4', 'Nytt mål'),
    ],
    activities: [
      activity('KS1', 'Budgetuppföljning', 'Genomförd'),
      activity('KS1', 'INVESTERINGSPLAN', 'Genomförd'),
      activity('KS1', 'Internkontroll', 'Pågående'),
      activity('KS2', 'Medarbetarenkät', 'Ej påbörjad'),
      activity('KS4', 'Första steget', 'Pågående'),
    ],
    caseSections: [],
  };
  const view = report(current, previous);

  it('gives every activity its change: new, from → to, or unchanged', () => {
    expect(view.goals.map((g) => g.activities.map((a) => a.activityChange))).toEqual([
      ['Pågående → Genomförd', 'Oförändrad', 'Ny'],
      ['Oförändrad'],
      ['Ny'],
    ]);
  });

  it('says when a goal is new or its assessment changed, with the previous assessment', () => {
    expect(view.goals.map((g) => [g.goalId, g.isNewGoal, g.goalAssessmentChanged, g.previousGoalAssessment])).toEqual([
      ['KS1', false, true, 'Ej uppfyllt'],
      ['KS2', false, false, 'Delvis uppfyllt'],
      ['KS4', true, false, ''],
    ]);
  });

  it('lists the changes goal by goal, then the goals no longer reported', () => {
    expect(view.hasComparison).toBe(true);
    expect(view.previousPeriodLabel).toBe('Tertial 2 2023');
    expect(view.previousTertial).toBe('2');
    expect(view.hasChanges).toBe(true);
    expect(view.changes.map((c) => `${c.changeGoal} | ${c.changeSubject} | ${c.changeText}`)).toEqual([
      'KS1 Ekonomi i balans | Bedömning | Ej uppfyllt → Delvis uppfyllt',
      'KS1 Ekonomi i balans | Budgetuppföljning | Pågående → Genomförd',
      'KS1 Ekonomi i balans | Internkontroll | Ny aktivitet',
      'KS1 Ekonomi i balans | Friskvård | Redovisas inte längre (var Genomförd)',
      'KS4 Nytt mål | Målet | Nytt mål med 1 aktivitet',
      'KS3 Utgått mål | Målet | Redovisas inte längre (bedömning Uppfyllt)',
    ]);
  });

  it('has no changes when the tertials agree, and says nothing about changes without a comparison', () => {
    const same = report(previous, previous);
    expect(same.hasComparison).toBe(true);
    expect(same.hasChanges).toBe(false);
    expect(same.changes).toEqual([]);
    expect(same.goals.flatMap((g) => g.activities.map((a) => a.activityChange))).toEqual([
      'Oförändrad',
      'Oförändrad',
      'Oförändrad',
      'Oförändrad',
    ]);

    const alone = report(current);
    expect([alone.hasComparison, alone.hasChanges, alone.previousPeriodLabel, alone.previousTertial]).toEqual([
      false,
      false,
      '',
      '',
    ]);
    expect(alone.goals.every((g) => !g.isNewGoal && !g.goalAssessmentChanged && g.previousGoalAssessment === '')).toBe(
      true,
    );
    expect(alone.goals.flatMap((g) => g.activities.map((a) => a.activityChange))).toEqual(['', '', '', '', '']);
  });

  it('compares the previous tertial combined the same way: goals named by title, duplicates across files once', () => {
    const byTitle: UploadContent = {
      ...previous,
      activities: [activity('Ekonomi i balans', 'Budgetuppföljning', 'Genomförd')],
    };
    const copy = {
      name: 'b.xlsx',
      content: { goals: [], activities: [activity('KS1', 'Budgetuppföljning', 'Pågående')], caseSections: [] },
    };
    const result = buildReport({
      period: { committee: 'ks', year: 2023, tertial: 3 },
      config: KS_CONFIG,
      uploads: [{ name: 'a.xlsx', content: current }],
      closure: {},
      previous: {
        period: { committee: 'ks', year: 2023, tertial: 2 },
        uploads: [{ name: 'a.xlsx', content: byTitle }, copy],
      },
    });
    expect(result.view.goals[0]?.activities[0]?.activityChange).toBe('Oförändrad');
    // The previous tertial's own warnings (the duplicate) were in its own receipt.
    expect(result.warnings).toEqual([]);
  });
});

describe('Function: buildReport, status at a glance', () => {
  const view = report({
    goals: [goal('KS1', 'A', 'Uppfyllt'), goal('KS2', 'B', 'Uppfyllt'), goal('KS3', 'C')],
    activities: [activity('KS1', 'x', 'Genomförd'), activity('KS1', 'y', 'Avbruten'), activity('KS9', 'z', 'Pågående')],
    caseSections: [],
  });

  it('counts goals per assessment and activities per status, every category, in a fixed order', () => {
    expect(view.assessmentSummary.map((r) => [r.label, r.count])).toEqual([
      ['Uppfyllt', '2'],
      ['Delvis uppfyllt', '0'],
      ['Ej uppfyllt', '0'],
      ['Ej bedömt', '2'], // KS3, and KS9 that only an activity names
    ]);
    expect(view.statusSummary.map((r) => [r.label, r.count])).toEqual([
      ['Genomförd', '1'],
      ['Pågående', '1'],
      ['Ej påbörjad', '0'],
      ['Avbruten', '1'],
    ]);
    expect([view.goalTotal, view.activityTotal]).toEqual(['4', '3']);
  });

  it('gives every status a symbol and exactly one traffic-light flag', () => {
    const tones = [
      ...view.assessmentSummary,
      ...view.statusSummary,
      ...view.goals,
      ...view.goals.flatMap((g) => g.activities),
    ];
    for (const t of tones) expect([t.isGreen, t.isYellow, t.isRed, t.isGrey].filter(Boolean)).toHaveLength(1);
    expect(view.assessmentSummary.map((r) => r.symbol)).toEqual(['●', '◐', '○', '–']);
    expect(view.statusSummary.map((r) => r.symbol)).toEqual(['●', '◐', '○', '✕']);
    expect(view.goals[0]).toMatchObject({ goalAssessment: 'Uppfyllt', symbol: '●', isGreen: true });
    expect(view.goals[0]?.activities[1]).toMatchObject({ activityStatus: 'Avbruten', symbol: '✕', isRed: true });
  });

  it('fills the file properties: subject beside the title', () => {
    expect(view.reportSubject).toBe('Uppföljning av kommunstyrelsens mål, tertial 3 2023');
  });
});
