import { describe, expect, it } from 'vitest';
import { KS_CONFIG, type CommitteeConfig } from '../../lambdas/core/committee.js';
import type { Activity, CaseSection, Goal, Period, UploadContent } from '../../lambdas/core/domain.js';
import { buildReport, lowerFirst, paragraphs, type ReportUpload, type ReportView } from '../../lambdas/core/report.js';
import { exampleUploads } from '../../examples/ks-2023-T3.js';

const PERIOD: Period = { committee: 'ks', year: 2023, tertial: 3 };

function goal(file: string, row: number, g: Partial<Goal> & { title: string }): Goal {
  return { motivation: '', ...g, source: { file, sheet: 'Mål', row } };
}

function activity(file: string, row: number, a: Partial<Activity> & { goalRef: string; title: string }): Activity {
  return { status: 'Pågående', comment: '', ...a, source: { file, sheet: 'Aktiviteter', row } };
}

function section(file: string, row: number, s: DistributiveOmit<CaseSection, 'source'>): CaseSection {
  return { ...s, source: { file, sheet: 'Ärende', row } } as CaseSection;
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function upload(name: string, content: Partial<UploadContent>): ReportUpload {
  return { name, content: { goals: [], activities: [], caseSections: [], ...content } };
}

function build(uploads: ReportUpload[], opts: { period?: Period; config?: CommitteeConfig } = {}) {
  return buildReport({ period: opts.period ?? PERIOD, config: opts.config ?? KS_CONFIG, uploads, closure: {} });
}

const texts = (ps: readonly { text: string }[]): string[] => ps.map((p) => p.text);

/** Every path in the view whose value is undefined, null, NaN or a non-plain value. */
function badValues(value: unknown, path = 'view'): string[] {
  if (value === undefined || value === null || Number.isNaN(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => badValues(v, `${path}[${i}]`));
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => badValues(v, `${path}.${k}`));
  if (typeof value === 'string' || typeof value === 'boolean') {
    return typeof value === 'string' && /\bundefined\b|\bnull\b|\[object Object\]/.test(value) ? [path] : [];
  }
  return [`${path} (${typeof value})`];
}

describe('Function: buildReport', () => {
  describe('combining uploads', () => {
    it('attaches activities from one upload to goals from another, by id or by title', () => {
      const { view, warnings } = build(exampleUploads());
      expect(warnings).toEqual([]);
      expect(view.goals.map((g) => g.goalHeading)).toEqual([
        'KS1 Ekonomi i balans',
        'KS2 Kommunen är en attraktiv arbetsgivare',
        'KS3 Ökad delaktighet och dialog med invånarna',
        'KS4 Ett gott företagsklimat',
        'KS5 Minskad klimatpåverkan från kommunens verksamheter',
      ]);
      expect(view.goals.map((g) => g.activities.length)).toEqual([4, 5, 4, 3, 3]);
      // KS3's activities name the goal by its title.
      expect(view.goals[2]?.activities[0]?.activityTitle).toBe('Inrätta ett kontaktcenter');
      expect(view.goals.every((g) => !g.isUndefinedGoal && g.hasActivities)).toBe(true);
    });

    it('matches ids and titles case- and whitespace-insensitively, and "id title" as one reference', () => {
      const { view, warnings } = build([
        upload('a.xlsx', { goals: [goal('a.xlsx', 2, { id: 'KS1', title: 'Ekonomi i balans' })] }),
        upload('b.xlsx', {
          activities: [
            activity('b.xlsx', 2, { goalRef: 'ks1', title: 'A' }),
            activity('b.xlsx', 3, { goalRef: '  ekonomi   I balans ', title: 'B' }),
            activity('b.xlsx', 4, { goalRef: 'KS1 Ekonomi i balans', title: 'C' }),
          ],
        }),
      ]);
      expect(warnings).toEqual([]);
      expect(view.goals).toHaveLength(1);
      expect(view.goals[0]?.activities.map((a) => a.activityTitle)).toEqual(['A', 'B', 'C']);
    });

    it('keeps activities in upload order, then row order', () => {
      const { view } = build([
        upload('a.xlsx', {
          goals: [goal('a.xlsx', 2, { id: 'G', title: 'Mål' })],
          activities: [activity('a.xlsx', 2, { goalRef: 'G', title: 'first' })],
        }),
        upload('b.xlsx', { activities: [activity('b.xlsx', 2, { goalRef: 'G', title: 'second' })] }),
      ]);
      expect(view.goals[0]?.activities.map((a) => a.activityTitle)).toEqual(['first', 'second']);
    });

    it('shows identical goal definitions from two files once, without a warning', () => {
      const g = { id: 'KS1', title: 'Ekonomi i balans', assessment: 'Uppfyllt', motivation: 'Bra.' } as const;
      const { view, warnings } = build([
        upload('a.xlsx', { goals: [goal('a.xlsx', 2, g)] }),
        upload('b.xlsx', { goals: [goal('b.xlsx', 5, { ...g, id: 'ks1', title: 'ekonomi  i balans' })] }),
      ]);
      expect(warnings).toEqual([]);
      expect(view.goals).toHaveLength(1);
    });

    it('warns about conflicting goal definitions and keeps the first', () => {
      const { view, warnings } = build([
        upload('a.xlsx', {
          goals: [goal('a.xlsx', 2, { id: 'KS1', title: 'Ekonomi i balans', assessment: 'Uppfyllt' })],
        }),
        upload('b.xlsx', {
          goals: [
            goal('b.xlsx', 3, { id: 'KS1', title: 'Ekonomi i balans', assessment: 'Ej uppfyllt' }),
            // Same title, other id: the same goal by title.
            goal('b.xlsx', 4, { id: 'KS9', title: 'EKONOMI I BALANS', assessment: 'Uppfyllt' }),
          ],
        }),
      ]);
      expect(view.goals).toHaveLength(1);
      expect(view.goals[0]?.goalAssessment).toBe('Uppfyllt');
      expect(warnings.map((w) => [w.code, w.file, w.sheet, w.row])).toEqual([
        ['conflicting_goal', 'b.xlsx', 'Mål', 3],
        ['conflicting_goal', 'b.xlsx', 'Mål', 4],
      ]);
      expect(warnings[0]?.message).toContain('a.xlsx');
      expect(warnings[0]?.message).toContain('bedömning');
      expect(warnings[1]?.message).toContain('id');
    });

    it('keeps an activity whose goal no upload defines, under a heading with its reference, and warns once per reference', () => {
      const { view, warnings } = build([
        upload('a.xlsx', {
          goals: [goal('a.xlsx', 2, { id: 'KS1', title: 'Ekonomi i balans', assessment: 'Uppfyllt' })],
        }),
        upload('b.xlsx', {
          activities: [
            activity('b.xlsx', 7, { goalRef: 'KS9', title: 'Föräldralös', status: 'Genomförd', comment: 'Klar.' }),
            activity('b.xlsx', 8, { goalRef: 'ks9', title: 'Också föräldralös' }),
            activity('b.xlsx', 9, { goalRef: 'KS1', title: 'Har mål' }),
          ],
        }),
      ]);
      expect(view.goals.map((g) => g.goalHeading)).toEqual(['KS1 Ekonomi i balans', 'KS9']);
      const orphan = view.goals[1];
      expect(orphan).toMatchObject({
        isUndefinedGoal: true,
        goalAssessment: 'Ej bedömt',
        hasMotivation: false,
        hasActivities: true,
        goalId: '',
      });
      expect(orphan?.activities.map((a) => a.activityTitle)).toEqual(['Föräldralös', 'Också föräldralös']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        code: 'undefined_goal',
        file: 'b.xlsx',
        sheet: 'Aktiviteter',
        row: 7,
        value: 'KS9',
      });
      expect(warnings[0]?.message).toMatch(/KS9/);
    });

    it('shows an activity copied into two files once, with a warning', () => {
      const { view, warnings } = build([
        upload('a.xlsx', {
          goals: [goal('a.xlsx', 2, { id: 'G', title: 'Mål' })],
          activities: [activity('a.xlsx', 2, { goalRef: 'G', title: 'Samma' })],
        }),
        upload('b.xlsx', { activities: [activity('b.xlsx', 2, { goalRef: 'g', title: 'samma ' })] }),
      ]);
      expect(view.goals[0]?.activities).toHaveLength(1);
      expect(warnings.map((w) => w.code)).toEqual(['duplicate_activity']);
    });

    it('shows goals without activities, flagged so the template can say so', () => {
      const { view } = build([upload('a.xlsx', { goals: [goal('a.xlsx', 2, { title: 'Ensamt mål' })] })]);
      expect(view.goals[0]).toMatchObject({
        goalHeading: 'Ensamt mål',
        goalId: '',
        hasActivities: false,
        activities: [],
        goalAssessment: 'Ej bedömt',
      });
      expect(view.hasGoals).toBe(true);
    });
  });

  describe('case sections', () => {
    it('takes each field from the first upload that gives it and warns about later ones', () => {
      const { view, warnings } = build([
        upload('a.xlsx', { caseSections: [section('a.xlsx', 2, { kind: 'summary', text: 'Från a.' })] }),
        upload('b.xlsx', {
          caseSections: [
            section('b.xlsx', 2, { kind: 'summary', text: 'Från b.' }),
            section('b.xlsx', 3, { kind: 'considerations', text: 'Övervägande från b.' }),
          ],
        }),
      ]);
      expect(texts(view.summary)).toEqual(['Från a.']);
      expect(texts(view.considerations)).toEqual(['Övervägande från b.']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        code: 'duplicate_case_section',
        file: 'b.xlsx',
        row: 2,
        value: 'Ärendet i korthet',
      });
    });

    it('takes all proposals from one file, numbered, without numbers staff typed', () => {
      const { view, warnings } = build([
        upload('a.xlsx', {
          caseSections: [
            section('a.xlsx', 2, { kind: 'proposal', text: '1. Godkänna redovisningen.' }),
            section('a.xlsx', 3, {
              kind: 'proposal',
              text: 'Lägga rapporten till handlingarna.\n3) Uppdra åt kommunchefen.',
            }),
          ],
        }),
        upload('b.xlsx', { caseSections: [section('b.xlsx', 2, { kind: 'proposal', text: 'Något annat.' })] }),
      ]);
      expect(view.proposals).toEqual([
        { proposalNumber: '1', proposalText: 'Godkänna redovisningen.' },
        { proposalNumber: '2', proposalText: 'Lägga rapporten till handlingarna.' },
        { proposalNumber: '3', proposalText: 'Uppdra åt kommunchefen.' },
      ]);
      expect(warnings.map((w) => [w.code, w.file])).toEqual([['duplicate_case_section', 'b.xlsx']]);
    });

    it('makes every line of a text its own paragraph', () => {
      const { view } = build([
        upload('a.xlsx', {
          caseSections: [section('a.xlsx', 2, { kind: 'considerations', text: 'Ett.\r\n\n  Två  och   tre. \nFyra.' })],
          goals: [goal('a.xlsx', 2, { id: 'G', title: 'Mål', motivation: 'M1\nM2' })],
          activities: [activity('a.xlsx', 2, { goalRef: 'G', title: 'A', comment: 'K1\n\nK2' })],
        }),
      ]);
      expect(texts(view.considerations)).toEqual(['Ett.', 'Två och tre.', 'Fyra.']);
      expect(texts(view.goals[0]?.motivation ?? [])).toEqual(['M1', 'M2']);
      expect(texts(view.goals[0]?.activities[0]?.activityComment ?? [])).toEqual(['K1', 'K2']);
    });

    it('matches focus areas to the settings, with or without the word Fokusområde, and appends unknown ones', () => {
      const { view, warnings } = build([
        upload('a.xlsx', {
          caseSections: [
            section('a.xlsx', 2, { kind: 'focusArea', name: 'hållbar  NATUR', text: 'Natur.' }),
            section('a.xlsx', 3, { kind: 'focusArea', name: 'Fokusområde Hållbar hälsa', text: 'Hälsa.' }),
            section('a.xlsx', 4, { kind: 'focusArea', name: 'Hållbar ekonomi', text: 'Pengar.' }),
          ],
        }),
      ]);
      expect(view.focusAreas.map((f) => [f.focusAreaName, texts(f.focusAreaText)])).toEqual([
        ['Hållbar vardag', ['Ärendet har ingen bärighet på hållbar vardag.']],
        ['Hållbar hälsa', ['Hälsa.']],
        ['Hållbar gemenskap', ['Ärendet har ingen bärighet på hållbar gemenskap.']],
        ['Hållbar kompetens', ['Ärendet har ingen bärighet på hållbar kompetens.']],
        ['Hållbar natur', ['Natur.']],
        ['Hållbar ekonomi', ['Pengar.']],
      ]);
      expect(warnings.map((w) => [w.code, w.row, w.value])).toEqual([['unknown_focus_area', 4, 'Hållbar ekonomi']]);
    });

    it("warns about a goal's focus area that the settings do not know, and writes known ones as the settings do", () => {
      const { view, warnings } = build([
        upload('a.xlsx', {
          goals: [
            goal('a.xlsx', 2, { title: 'A', focusArea: 'hållbar vardag' }),
            goal('a.xlsx', 3, { title: 'B', focusArea: 'Hållbar rymd' }),
          ],
        }),
      ]);
      expect(view.goals.map((g) => [g.hasGoalFocusArea, g.goalFocusArea])).toEqual([
        [true, 'Hållbar vardag'],
        [true, 'Hållbar rymd'],
      ]);
      expect(warnings.map((w) => [w.code, w.row])).toEqual([['unknown_focus_area', 3]]);
    });
  });

  describe('defaults', () => {
    it('writes the fixed texts of the published report when no upload gives them', () => {
      const { view, warnings } = build([]);
      expect(warnings).toEqual([]);
      expect(view.reportTitle).toBe('Kommunstyrelsens måluppföljning tertialrapport 3 2023');
      expect(view.committeeName).toBe('Kommunstyrelsen');
      expect(view.proposalIntro).toBe(
        'Kommunförvaltningen föreslår koncern- och finansutskottet föreslå kommunstyrelsen besluta\u00a0att',
      );
      expect(view.proposals).toEqual([
        {
          proposalNumber: '1',
          proposalText: 'Godkänna redovisningen av kommunstyrelsens måluppföljning, tertialrapport 3 2023.',
        },
      ]);
      expect(texts(view.summary)).toEqual(['Ärendet avser årets tredje uppföljning av kommunstyrelsens mål för 2023.']);
      expect(view.hasConsiderations).toBe(false);
      expect(view.considerations).toEqual([]);
      expect(view.municipalityGenitive).toBe('Ånge kommuns');
      expect(texts(view.vision)).toEqual([
        'Vi är en plats för alla, med närhet till natur och gemenskap. Här ger näring och engagemang kraft till en levande bygd.',
      ]);
      expect(view.focusAreas.map((f) => f.focusAreaName)).toEqual([
        'Hållbar vardag',
        'Hållbar hälsa',
        'Hållbar gemenskap',
        'Hållbar kompetens',
        'Hållbar natur',
      ]);
      expect(view.hasGoals).toBe(false);
      expect(view.goals).toEqual([]);
    });

    it('names the tertial in words and leaves out a missing preparing body', () => {
      const { preparingBody: _, ...withoutPreparing } = KS_CONFIG;
      const { view } = build([], { period: { committee: 'ks', year: 2024, tertial: 1 }, config: withoutPreparing });
      expect(texts(view.summary)).toEqual(['Ärendet avser årets första uppföljning av kommunstyrelsens mål för 2024.']);
      expect(view.proposalIntro).toBe('Kommunförvaltningen föreslår kommunstyrelsen besluta\u00a0att');
      expect(view.periodLabel).toBe('Tertial 1 2024');
      expect(build([], { period: { ...PERIOD, tertial: 2 } }).view.tertialOrdinal).toBe('andra');
    });

    it('carries the closure details with flags', () => {
      const none = build([]).view;
      expect([none.hasDiarienummer, none.diarienummer, none.hasMeetingDate, none.hasDocumentDate]).toEqual([
        false,
        '',
        false,
        false,
      ]);
      const { view } = buildReport({
        period: PERIOD,
        config: KS_CONFIG,
        uploads: [],
        closure: { diarienummer: 'KS 2024/12', meetingDate: '2024-02-06', documentDate: '2024-01-20' },
      });
      expect(view).toMatchObject({
        hasDiarienummer: true,
        diarienummer: 'KS 2024/12',
        hasMeetingDate: true,
        meetingDate: '2024-02-06',
        hasDocumentDate: true,
        documentDate: '2024-01-20',
      });
    });

    it('does not repeat an id that staff also wrote into the title', () => {
      const { view } = build([upload('a.xlsx', { goals: [goal('a.xlsx', 2, { id: 'KS1', title: 'KS1 Ekonomi' })] })]);
      expect(view.goals[0]?.goalHeading).toBe('KS1 Ekonomi');
      const other = build([upload('a.xlsx', { goals: [goal('a.xlsx', 2, { id: 'KS1', title: 'KS10 års plan' })] })]);
      expect(other.view.goals[0]?.goalHeading).toBe('KS1 KS10 års plan');
    });
  });

  describe('never undefined', () => {
    const cases: [string, ReportView][] = [
      ['no uploads', build([]).view],
      ['the example uploads', build(exampleUploads()).view],
      [
        'sparse input',
        build([
          upload('a.xlsx', {
            goals: [goal('a.xlsx', 2, { title: 'Bara titel' })],
            activities: [
              activity('a.xlsx', 2, { goalRef: 'Bara titel', title: 'A' }),
              activity('a.xlsx', 3, { goalRef: 'Okänt mål', title: 'B' }),
              activity('a.xlsx', 4, { goalRef: '   ', title: 'C' }),
            ],
            caseSections: [section('a.xlsx', 2, { kind: 'summary', text: '   \n  ' })],
          }),
        ]).view,
      ],
    ];

    it.each(cases)('has a string, boolean or list for every tag (%s)', (_, view) => {
      expect(badValues(view)).toEqual([]);
    });

    it('the walker finds a planted undefined (control)', () => {
      const view = build([]).view as unknown as Record<string, unknown>;
      expect(badValues({ ...view, goals: [{ goalHeading: undefined }] })).toEqual(['view.goals[0].goalHeading']);
    });

    it('names a goal reference that is blank', () => {
      const view = cases[2]?.[1];
      expect(view?.goals.map((g) => g.goalHeading)).toEqual(['Bara titel', 'Okänt mål', 'Mål saknas']);
      // A blank summary row is as if none was given: the default text.
      expect(texts(view?.summary ?? [])[0]).toMatch(/^Ärendet avser årets tredje uppföljning/);
    });
  });
});

describe('Function: paragraphs', () => {
  it('splits on any line break and drops blank lines', () => {
    expect(texts(paragraphs('a\r\nb\rc\u2028d\n\n \ne'))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(paragraphs('')).toEqual([]);
    expect(paragraphs(undefined)).toEqual([]);
  });
});

describe('Function: lowerFirst', () => {
  it('lowercases the first letter but leaves acronyms', () => {
    expect(lowerFirst('Kommunstyrelsens')).toBe('kommunstyrelsens');
    expect(lowerFirst('Ånge kommun')).toBe('ånge kommun');
    expect(lowerFirst('BMN')).toBe('BMN');
  });
});
