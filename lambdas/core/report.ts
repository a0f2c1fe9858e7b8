/**
 * The template's values: the view model built for docxtemplater from a combined period
 * (combined-period.ts), with the tags' types taken from the template contract
 * (report-tags.ts), and the comparison with the previous tertial turned into text.
 */
import { compareGoals, type ActivityChange, type GoalComparison, type PeriodComparison } from './changes.js';
import type { Closure } from './closure.js';
import { combinePeriod, textParagraphs, type CombinedGoal, type PeriodUpload } from './combined-period.js';
import type { CommitteeConfig } from './committee.js';
import { ASSESSMENTS, type ActivityStatus, type Assessment, type InputIssue, type Period } from './domain.js';
import type { REPORT_TAGS, TagValues, toneTags } from './report-tags.js';

// ---------------------------------------------------------------------------------------
// The view

/** The values of every tag of `REPORT_TAGS`. */
export type ReportView = TagValues<typeof REPORT_TAGS>;
export type ParagraphView = ReportView['summary'][number];
type ProposalView = ReportView['proposals'][number];
type FocusAreaView = ReportView['focusAreas'][number];
type SummaryRowView = ReportView['assessmentSummary'][number];
type ChangeView = ReportView['changes'][number];
type GoalView = ReportView['goals'][number];
/** A status as the template shows it: a symbol and one traffic-light flag (see `toneTags`). */
type ToneView = TagValues<typeof toneTags>;

/** One of the period's accepted uploads. */
export type ReportUpload = PeriodUpload;

export interface ReportInput {
  readonly period: Period;
  readonly config: CommitteeConfig;
  /** The period's accepted uploads, sorted by name: earlier ones win conflicts. */
  readonly uploads: readonly ReportUpload[];
  readonly closure: Closure;
  /** A draft of the open period rather than the closed document (default false). */
  readonly draft?: boolean;
  /**
   * The previous tertial of the same year, when it is closed: its frozen uploads, combined
   * the same way. Without it the report makes no comparison.
   */
  readonly previous?: PreviousTertial;
}

export interface PreviousTertial {
  readonly period: Period;
  readonly uploads: readonly ReportUpload[];
}

export interface ReportResult {
  readonly view: ReportView;
  /** Conflicts and loose ends across uploads, for the closing receipt. */
  readonly warnings: InputIssue[];
}

// ---------------------------------------------------------------------------------------
// Building it

const ORDINALS = { 1: 'första', 2: 'andra', 3: 'tredje' } as const;

type Tone = 'green' | 'yellow' | 'red' | 'grey';

/**
 * Symbols chosen so that the shape alone tells the status (full, half, empty circle),
 * readable in black and white and by people who do not see the colours; every one of
 * them is in the fonts LibreOffice and Word fall back to.
 */
const ASSESSMENT_TONES: Readonly<Record<Assessment, { symbol: string; tone: Tone }>> = {
  Uppfyllt: { symbol: '●', tone: 'green' },
  'Delvis uppfyllt': { symbol: '◐', tone: 'yellow' },
  'Ej uppfyllt': { symbol: '○', tone: 'red' },
  'Ej bedömt': { symbol: '–', tone: 'grey' },
};

/** Done first, as the assessments run from met to not assessed. */
const STATUS_ORDER: readonly ActivityStatus[] = ['Genomförd', 'Pågående', 'Ej påbörjad', 'Avbruten'];

const STATUS_TONES: Readonly<Record<ActivityStatus, { symbol: string; tone: Tone }>> = {
  Genomförd: { symbol: '●', tone: 'green' },
  Pågående: { symbol: '◐', tone: 'yellow' },
  'Ej påbörjad': { symbol: '○', tone: 'grey' },
  Avbruten: { symbol: '✕', tone: 'red' },
};

function toneView({ symbol, tone }: { symbol: string; tone: Tone }): ToneView {
  return {
    symbol,
    isGreen: tone === 'green',
    isYellow: tone === 'yellow',
    isRed: tone === 'red',
    isGrey: tone === 'grey',
  };
}

/**
 * Combines a period's uploads into the template's view. Pure. Conflicts never fail the
 * report: the first upload (by name) wins and the rest become warnings. With `previous`,
 * every goal and activity also says what changed since that tertial.
 */
export function buildReport(input: ReportInput): ReportResult {
  const { period, config, uploads, closure } = input;
  const genitiveLower = lowerFirst(config.genitive);
  const ordinal = ORDINALS[period.tertial];

  const { goals: facts, caseText, warnings } = combinePeriod(uploads, config);

  const proposalLines = caseText.proposals ?? [
    `Godkänna redovisningen av ${genitiveLower} måluppföljning, tertialrapport ${period.tertial} ${period.year}.`,
  ];
  const proposals: ProposalView[] = proposalLines.map((text, i) => ({
    proposalNumber: String(i + 1),
    proposalText: text,
  }));

  const summary = caseText.summary
    ? paragraphViews(caseText.summary)
    : paragraphs(`Ärendet avser årets ${ordinal} uppföljning av ${genitiveLower} mål för ${period.year}.`);
  const considerations = paragraphViews(caseText.considerations ?? []);

  const focusAreas: FocusAreaView[] = caseText.focusAreas.map(({ name, text }) => ({
    focusAreaName: name,
    focusAreaText: text ? paragraphViews(text) : paragraphs(`Ärendet har ingen bärighet på ${lowerFirst(name)}.`),
  }));

  // "besluta att" joined by a no-break space: the chain must never end with "att" alone on a line.
  const chain = config.preparingBody
    ? `${config.administration} föreslår ${config.preparingBody} föreslå ${lowerFirst(config.displayName)} besluta\u00a0att`
    : `${config.administration} föreslår ${lowerFirst(config.displayName)} besluta\u00a0att`;

  // The previous tertial's own warnings were in its own receipt; they are not repeated here.
  const previous = input.previous ? combinePeriod(input.previous.uploads, config).goals : undefined;
  const comparison = previous ? compareGoals(facts, previous) : undefined;
  const goalViews = facts.map((f, i) => goalView(f, comparison?.goals[i]));
  const allActivities = facts.flatMap((f) => f.activities);

  const view: ReportView = {
    committeeName: config.displayName,
    committeeGenitive: config.genitive,
    municipality: config.municipality,
    municipalityGenitive: config.municipalityGenitive,
    administration: config.administration,
    year: String(period.year),
    tertial: String(period.tertial),
    tertialOrdinal: ordinal,
    periodLabel: `Tertial ${period.tertial} ${period.year}`,
    reportTitle: `${config.genitive} måluppföljning tertialrapport ${period.tertial} ${period.year}`,
    reportSubject: `Uppföljning av ${genitiveLower} mål, tertial ${period.tertial} ${period.year}`,
    isDraft: input.draft === true,
    draftNotice: input.draft
      ? `UTKAST – tertial ${period.tertial} ${period.year} är inte stängd och uppgifterna kan ändras.`
      : '',
    hasDiarienummer: Boolean(closure.diarienummer),
    diarienummer: closure.diarienummer ?? '',
    hasDocumentDate: Boolean(closure.documentDate),
    documentDate: closure.documentDate ?? '',
    hasMeetingDate: Boolean(closure.meetingDate),
    meetingDate: closure.meetingDate ?? '',
    proposalIntro: chain,
    proposals,
    summary,
    hasConsiderations: considerations.length > 0,
    considerations,
    vision: paragraphs(config.vision),
    focusAreas,
    hasGoals: facts.length > 0,
    goalTotal: String(facts.length),
    activityTotal: String(allActivities.length),
    assessmentSummary: ASSESSMENTS.map((a) =>
      summaryRow(a, facts.filter((f) => f.assessment === a).length, ASSESSMENT_TONES[a]),
    ),
    statusSummary: STATUS_ORDER.map((s) =>
      summaryRow(s, allActivities.filter((a) => a.status === s).length, STATUS_TONES[s]),
    ),
    hasComparison: comparison !== undefined,
    previousPeriodLabel: input.previous ? `Tertial ${input.previous.period.tertial} ${input.previous.period.year}` : '',
    previousTertial: input.previous ? String(input.previous.period.tertial) : '',
    hasChanges: false,
    changes: [],
    goals: goalViews,
  };
  if (comparison) {
    const changes = changeList(facts, comparison);
    Object.assign(view, { hasChanges: changes.length > 0, changes });
  }
  return { view, warnings: [...warnings] };
}

function summaryRow(label: string, count: number, tone: { symbol: string; tone: Tone }): SummaryRowView {
  return { label, count: String(count), ...toneView(tone) };
}

function goalView(goal: CombinedGoal, comparison: GoalComparison | undefined): GoalView {
  const previousAssessment = comparison?.previousAssessment;
  return {
    goalHeading: goal.heading,
    goalId: goal.id,
    goalTitle: goal.title,
    goalAssessment: goal.assessment,
    ...toneView(ASSESSMENT_TONES[goal.assessment]),
    isNewGoal: comparison?.isNew ?? false,
    goalAssessmentChanged: previousAssessment !== undefined && previousAssessment !== goal.assessment,
    previousGoalAssessment: previousAssessment ?? '',
    hasGoalFocusArea: goal.focusArea !== '',
    goalFocusArea: goal.focusArea,
    isUndefinedGoal: goal.isUndefinedGoal,
    hasActivities: goal.activities.length > 0,
    activities: goal.activities.map((a, i) => ({
      activityTitle: a.title,
      activityResponsible: a.responsible,
      activityStatus: a.status,
      ...toneView(STATUS_TONES[a.status]),
      activityChange: activityChangeText(comparison?.activities[i]),
      activityComment: paragraphViews(a.comment),
    })),
    hasMotivation: goal.motivation.length > 0,
    motivation: paragraphViews(goal.motivation),
  };
}

function activityChangeText(change: ActivityChange | undefined): string {
  if (!change) return '';
  if (change.kind === 'new') return 'Ny';
  if (change.kind === 'unchanged') return 'Oförändrad';
  return `${change.from} → ${change.to}`;
}

/**
 * The short list of changes: per goal, in document order, the goal itself (new, or its
 * assessment changed), then its activities that are new or changed status, then those it
 * no longer has; last the goals that are no longer reported. Unchanged things are left
 * out: the tables say "Oförändrad" for them.
 */
function changeList(goals: readonly CombinedGoal[], comparison: PeriodComparison): ChangeView[] {
  const out: ChangeView[] = [];
  goals.forEach((goal, i) => {
    const c = comparison.goals[i];
    if (!c) return;
    const change = (changeSubject: string, changeText: string): void => {
      out.push({ changeGoal: goal.heading, changeSubject, changeText });
    };
    if (c.isNew) {
      const n = goal.activities.length;
      change('Målet', n === 0 ? 'Nytt mål' : `Nytt mål med ${n} ${n === 1 ? 'aktivitet' : 'aktiviteter'}`);
      return;
    }
    if (c.previousAssessment !== undefined && c.previousAssessment !== goal.assessment) {
      change('Bedömning', `${c.previousAssessment} → ${goal.assessment}`);
    }
    goal.activities.forEach((activity, j) => {
      const a = c.activities[j];
      if (a?.kind === 'new') change(activity.title, 'Ny aktivitet');
      if (a?.kind === 'status') change(activity.title, `${a.from} → ${a.to}`);
    });
    for (const removed of c.removedActivities) change(removed.title, `Redovisas inte längre (var ${removed.status})`);
  });
  for (const goal of comparison.removedGoals) {
    out.push({
      changeGoal: goal.heading,
      changeSubject: 'Målet',
      changeText: `Redovisas inte längre (bedömning ${goal.assessment})`,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Text helpers

/** Splits text into paragraphs: one per non-blank line, trimmed. */
export function paragraphs(text: string | undefined): ParagraphView[] {
  return paragraphViews(textParagraphs(text));
}

function paragraphViews(texts: readonly string[]): ParagraphView[] {
  return texts.map((text) => ({ text }));
}

/** `Kommunstyrelsen` → `kommunstyrelsen`; leaves acronyms such as `BMN` alone. */
export function lowerFirst(s: string): string {
  if (/^\p{Lu}{2}/u.test(s)) return s;
  return s.charAt(0).toLocaleLowerCase('sv-SE') + s.slice(1);
}
