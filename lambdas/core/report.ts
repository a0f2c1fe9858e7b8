/**
 * The template's view model: the one module that knows every tag a report template may
 * use (`REPORT_TAGS`) and builds the values for them from a period's uploads.
 *
 * Every tag always has a value: text is a string ('' at worst), optional parts come with
 * a `has…` flag, and every text that may span lines is a list of paragraphs, because the
 * template makes one Word paragraph per item (docxtemplater runs with `linebreaks: false`).
 */
import {
  compareGoals,
  type ActivityChange,
  type ComparableGoal,
  type GoalComparison,
  type PeriodComparison,
} from './changes.js';
import type { Closure } from './closure.js';
import type { CommitteeConfig } from './committee.js';
import {
  ASSESSMENTS,
  type Activity,
  type ActivityStatus,
  type Assessment,
  type CaseSection,
  type Goal,
  type InputIssue,
  type Period,
  type SourceRef,
  type UploadContent,
} from './domain.js';

// ---------------------------------------------------------------------------------------
// The tags

export type TagSpec =
  | { readonly type: 'text'; readonly description: string }
  | { readonly type: 'flag'; readonly description: string }
  | { readonly type: 'list'; readonly description: string; readonly item: TagSpecs };
export type TagSpecs = Readonly<Record<string, TagSpec>>;

const paragraphItem = {
  text: { type: 'text', description: 'One paragraph of text.' },
} as const satisfies TagSpecs;

/**
 * Every item that has a status (a goal's assessment, an activity's status, a row of the
 * overview) carries a symbol and one traffic-light flag, so that a template can colour
 * the symbol without ever showing status by colour alone.
 */
const toneTags = {
  symbol: {
    type: 'text',
    description:
      'The status as a symbol, shown beside the word: ● (met, done), ◐ (partly met, ongoing), ○ (not met, not started), ✕ (cancelled), – (not assessed).',
  },
  isGreen: { type: 'flag', description: 'Uppfyllt or Genomförd.' },
  isYellow: { type: 'flag', description: 'Delvis uppfyllt or Pågående.' },
  isRed: { type: 'flag', description: 'Ej uppfyllt or Avbruten.' },
  isGrey: { type: 'flag', description: 'Ej bedömt or Ej påbörjad.' },
} as const satisfies TagSpecs;

const summaryRowTags = {
  label: { type: 'text', description: 'e.g. "Delvis uppfyllt" or "Pågående".' },
  count: { type: 'text', description: 'How many, e.g. "3" (also "0").' },
  ...toneTags,
} as const satisfies TagSpecs;

/**
 * Every tag a template may use, with the shape of its value. `checkTemplate` refuses any
 * other tag; the contract test holds `buildReport`'s output to exactly this shape; the
 * templates README lists them all.
 */
export const REPORT_TAGS = {
  committeeName: { type: 'text', description: 'The committee, e.g. "Kommunstyrelsen" (page header).' },
  committeeGenitive: { type: 'text', description: 'e.g. "Kommunstyrelsens".' },
  municipality: { type: 'text', description: 'e.g. "Ånge kommun".' },
  municipalityGenitive: { type: 'text', description: 'e.g. "Ånge kommuns" (vision heading).' },
  administration: { type: 'text', description: 'e.g. "Kommunförvaltningen".' },
  year: { type: 'text', description: 'e.g. "2023".' },
  tertial: { type: 'text', description: '"1", "2" or "3".' },
  tertialOrdinal: { type: 'text', description: '"första", "andra" or "tredje".' },
  periodLabel: { type: 'text', description: 'e.g. "Tertial 3 2023".' },
  reportTitle: {
    type: 'text',
    description: 'e.g. "Kommunstyrelsens måluppföljning tertialrapport 3 2023" (also the file\'s title property).',
  },
  reportSubject: {
    type: 'text',
    description: 'e.g. "Uppföljning av kommunstyrelsens mål, tertial 3 2023" (the file\'s subject property).',
  },
  isDraft: { type: 'flag', description: 'A draft of an open tertial (drafts/…-UTKAST.docx), not the closed document.' },
  draftNotice: { type: 'text', description: 'e.g. "UTKAST – tertialen är inte stängd …" in a draft, else "".' },
  hasDiarienummer: { type: 'flag', description: 'The closure gave a case number.' },
  diarienummer: { type: 'text', description: 'e.g. "KS 2024/12", or "".' },
  hasDocumentDate: { type: 'flag', description: 'The closure gave a document date.' },
  documentDate: { type: 'text', description: 'yyyy-mm-dd, or "".' },
  hasMeetingDate: { type: 'flag', description: 'The closure gave a meeting date.' },
  meetingDate: { type: 'text', description: 'yyyy-mm-dd, or "".' },
  proposalIntro: {
    type: 'text',
    description:
      'e.g. "Kommunförvaltningen föreslår koncern- och finansutskottet föreslå kommunstyrelsen besluta att".',
  },
  proposals: {
    type: 'list',
    description: 'The proposed decisions (at least one).',
    item: {
      proposalNumber: { type: 'text', description: '"1", "2", …' },
      proposalText: { type: 'text', description: 'e.g. "Godkänna redovisningen av …".' },
    },
  },
  summary: { type: 'list', description: 'Ärendet i korthet (at least one paragraph).', item: paragraphItem },
  hasConsiderations: { type: 'flag', description: 'Förvaltningens övervägande was given.' },
  considerations: { type: 'list', description: 'Förvaltningens övervägande (may be empty).', item: paragraphItem },
  vision: { type: 'list', description: "The municipality's vision.", item: paragraphItem },
  focusAreas: {
    type: 'list',
    description: 'One section per focus area, in the order of the committee settings.',
    item: {
      focusAreaName: { type: 'text', description: 'e.g. "Hållbar vardag".' },
      focusAreaText: { type: 'list', description: "The case's bearing on the area.", item: paragraphItem },
    },
  },
  hasGoals: { type: 'flag', description: 'At least one goal (or activity) was reported.' },
  goalTotal: { type: 'text', description: 'How many goals, e.g. "5".' },
  activityTotal: { type: 'text', description: 'How many activities, e.g. "17".' },
  assessmentSummary: {
    type: 'list',
    description: 'Goals per assessment: one row each for Uppfyllt, Delvis uppfyllt, Ej uppfyllt and Ej bedömt.',
    item: summaryRowTags,
  },
  statusSummary: {
    type: 'list',
    description: 'Activities per status: one row each for Genomförd, Pågående, Ej påbörjad and Avbruten.',
    item: summaryRowTags,
  },
  hasComparison: {
    type: 'flag',
    description: 'The previous tertial of the same year is closed, and the report compares with it.',
  },
  previousPeriodLabel: { type: 'text', description: 'e.g. "Tertial 2 2023", or "".' },
  previousTertial: { type: 'text', description: '"1" or "2", or "".' },
  hasChanges: { type: 'flag', description: 'Something changed since the previous tertial (only with a comparison).' },
  changes: {
    type: 'list',
    description: 'What changed since the previous tertial, goal by goal (empty without a comparison).',
    item: {
      changeGoal: { type: 'text', description: 'The goal\'s heading, e.g. "KS1 Ekonomi i balans".' },
      changeSubject: { type: 'text', description: 'What changed: an activity\'s title, "Bedömning" or "Målet".' },
      changeText: {
        type: 'text',
        description: 'e.g. "Pågående → Genomförd", "Ny aktivitet", "Redovisas inte längre (var Pågående)".',
      },
    },
  },
  goals: {
    type: 'list',
    description: 'The goals, in upload order; then goals that activities name but no upload defines.',
    item: {
      goalHeading: { type: 'text', description: 'e.g. "KS1 Ekonomi i balans" (the title alone without an id).' },
      goalId: { type: 'text', description: 'e.g. "KS1", or "".' },
      goalTitle: { type: 'text', description: 'e.g. "Ekonomi i balans".' },
      goalAssessment: { type: 'text', description: 'Uppfyllt, Delvis uppfyllt, Ej uppfyllt or Ej bedömt.' },
      ...toneTags,
      isNewGoal: { type: 'flag', description: 'With a comparison: the previous tertial did not have this goal.' },
      goalAssessmentChanged: {
        type: 'flag',
        description: "With a comparison: the assessment differs from the previous tertial's.",
      },
      previousGoalAssessment: { type: 'text', description: 'The previous tertial\'s assessment, or "".' },
      hasGoalFocusArea: { type: 'flag', description: 'The goal names a focus area.' },
      goalFocusArea: { type: 'text', description: 'e.g. "Hållbar vardag", or "".' },
      isUndefinedGoal: { type: 'flag', description: 'Activities name this goal but no upload defines it.' },
      hasActivities: { type: 'flag', description: 'At least one activity.' },
      activities: {
        type: 'list',
        description: 'One table row per activity.',
        item: {
          activityTitle: { type: 'text', description: 'The activity.' },
          activityResponsible: { type: 'text', description: 'e.g. "Ekonomichef", or "".' },
          activityStatus: { type: 'text', description: 'Ej påbörjad, Pågående, Genomförd or Avbruten.' },
          ...toneTags,
          activityChange: {
            type: 'text',
            description: 'With a comparison: "Ny", "Pågående → Genomförd" or "Oförändrad"; otherwise "".',
          },
          activityComment: { type: 'list', description: 'The comment (may be empty).', item: paragraphItem },
        },
      },
      hasMotivation: { type: 'flag', description: 'The assessment has a motivation.' },
      motivation: { type: 'list', description: 'Motivering (may be empty).', item: paragraphItem },
    },
  },
} as const satisfies TagSpecs;

// ---------------------------------------------------------------------------------------
// The view

export interface ParagraphView {
  readonly text: string;
}

export interface ProposalView {
  readonly proposalNumber: string;
  readonly proposalText: string;
}

export interface FocusAreaView {
  readonly focusAreaName: string;
  readonly focusAreaText: readonly ParagraphView[];
}

/** A status as the template shows it: a symbol and one traffic-light flag (see `toneTags`). */
export interface ToneView {
  readonly symbol: string;
  readonly isGreen: boolean;
  readonly isYellow: boolean;
  readonly isRed: boolean;
  readonly isGrey: boolean;
}

export interface SummaryRowView extends ToneView {
  readonly label: string;
  readonly count: string;
}

export interface ChangeView {
  readonly changeGoal: string;
  readonly changeSubject: string;
  readonly changeText: string;
}

export interface ActivityView extends ToneView {
  readonly activityTitle: string;
  readonly activityResponsible: string;
  readonly activityStatus: string;
  readonly activityChange: string;
  readonly activityComment: readonly ParagraphView[];
}

export interface GoalView extends ToneView {
  readonly goalHeading: string;
  readonly goalId: string;
  readonly goalTitle: string;
  readonly goalAssessment: string;
  readonly isNewGoal: boolean;
  readonly goalAssessmentChanged: boolean;
  readonly previousGoalAssessment: string;
  readonly hasGoalFocusArea: boolean;
  readonly goalFocusArea: string;
  readonly isUndefinedGoal: boolean;
  readonly hasActivities: boolean;
  readonly activities: readonly ActivityView[];
  readonly hasMotivation: boolean;
  readonly motivation: readonly ParagraphView[];
}

export interface ReportView {
  readonly committeeName: string;
  readonly committeeGenitive: string;
  readonly municipality: string;
  readonly municipalityGenitive: string;
  readonly administration: string;
  readonly year: string;
  readonly tertial: string;
  readonly tertialOrdinal: string;
  readonly periodLabel: string;
  readonly reportTitle: string;
  readonly reportSubject: string;
  readonly isDraft: boolean;
  readonly draftNotice: string;
  readonly hasDiarienummer: boolean;
  readonly diarienummer: string;
  readonly hasDocumentDate: boolean;
  readonly documentDate: string;
  readonly hasMeetingDate: boolean;
  readonly meetingDate: string;
  readonly proposalIntro: string;
  readonly proposals: readonly ProposalView[];
  readonly summary: readonly ParagraphView[];
  readonly hasConsiderations: boolean;
  readonly considerations: readonly ParagraphView[];
  readonly vision: readonly ParagraphView[];
  readonly focusAreas: readonly FocusAreaView[];
  readonly hasGoals: boolean;
  readonly goalTotal: string;
  readonly activityTotal: string;
  readonly assessmentSummary: readonly SummaryRowView[];
  readonly statusSummary: readonly SummaryRowView[];
  readonly hasComparison: boolean;
  readonly previousPeriodLabel: string;
  readonly previousTertial: string;
  readonly hasChanges: boolean;
  readonly changes: readonly ChangeView[];
  readonly goals: readonly GoalView[];
}

/** Names of the list tags, at any depth (the other loop tags are conditions). */
export const LIST_TAGS: ReadonlySet<string> = new Set(listTagNames(REPORT_TAGS));

function listTagNames(specs: TagSpecs): string[] {
  return Object.entries(specs).flatMap(([name, spec]) =>
    spec.type === 'list' ? [name, ...listTagNames(spec.item)] : [],
  );
}

// Compile-time check that the view and REPORT_TAGS name the same fields.
type Keys<T> = keyof T & string;
type SameKeys<A, B> = [Keys<A>] extends [Keys<B>] ? ([Keys<B>] extends [Keys<A>] ? true : false) : false;
const viewMatchesTags: [
  SameKeys<ReportView, typeof REPORT_TAGS>,
  SameKeys<GoalView, typeof REPORT_TAGS.goals.item>,
  SameKeys<ActivityView, typeof REPORT_TAGS.goals.item.activities.item>,
  SameKeys<FocusAreaView, typeof REPORT_TAGS.focusAreas.item>,
  SameKeys<ProposalView, typeof REPORT_TAGS.proposals.item>,
  SameKeys<SummaryRowView, typeof REPORT_TAGS.assessmentSummary.item>,
  SameKeys<SummaryRowView, typeof REPORT_TAGS.statusSummary.item>,
  SameKeys<ChangeView, typeof REPORT_TAGS.changes.item>,
] = [true, true, true, true, true, true, true, true];
void viewMatchesTags;

export interface ReportUpload {
  readonly name: string;
  readonly content: UploadContent;
}

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
const NO_ASSESSMENT = 'Ej bedömt';

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

interface GoalEntry {
  readonly goal?: Goal;
  /** For a goal no upload defines: the reference as the first activity wrote it. */
  readonly ref?: string;
  readonly activities: Activity[];
}

/**
 * Combines a period's uploads into the template's view. Pure. Conflicts never fail the
 * report: the first upload (by name) wins and the rest become warnings. With `previous`,
 * every goal and activity also says what changed since that tertial.
 */
export function buildReport(input: ReportInput): ReportResult {
  const { period, config, uploads, closure } = input;
  const warnings: InputIssue[] = [];
  const genitiveLower = lowerFirst(config.genitive);
  const ordinal = ORDINALS[period.tertial];

  const goals = combineGoals(uploads, config, warnings);
  const caseText = combineCaseSections(uploads, config, warnings);

  const proposalLines = caseText.proposals ?? [
    `Godkänna redovisningen av ${genitiveLower} måluppföljning, tertialrapport ${period.tertial} ${period.year}.`,
  ];
  const proposals: ProposalView[] = proposalLines.map((text, i) => ({
    proposalNumber: String(i + 1),
    proposalText: text,
  }));

  const summary =
    caseText.summary ??
    paragraphs(`Ärendet avser årets ${ordinal} uppföljning av ${genitiveLower} mål för ${period.year}.`);
  const considerations = caseText.considerations ?? [];

  const focusAreas: FocusAreaView[] = caseText.focusAreaNames.map((name) => ({
    focusAreaName: name,
    focusAreaText:
      caseText.focusAreaTexts.get(normalizeKey(name)) ??
      paragraphs(`Ärendet har ingen bärighet på ${lowerFirst(name)}.`),
  }));

  // "besluta att" joined by a no-break space: the chain must never end with "att" alone on a line.
  const chain = config.preparingBody
    ? `${config.administration} föreslår ${config.preparingBody} föreslå ${lowerFirst(config.displayName)} besluta\u00a0att`
    : `${config.administration} föreslår ${lowerFirst(config.displayName)} besluta\u00a0att`;

  const facts = goals.map((entry) => goalFacts(entry, config));
  // The previous tertial's own warnings were in its own receipt; they are not repeated here.
  const previous = input.previous
    ? combineGoals(input.previous.uploads, config, []).map((e) => goalFacts(e, config))
    : undefined;
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
    hasGoals: goals.length > 0,
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
  return { view, warnings };
}

function summaryRow(label: string, count: number, tone: { symbol: string; tone: Tone }): SummaryRowView {
  return { label, count: String(count), ...toneView(tone) };
}

/** A combined goal as text for the document, before any comparison. */
interface GoalFacts extends ComparableGoal {
  readonly activities: readonly ActivityFacts[];
  readonly focusArea: string;
  readonly isUndefinedGoal: boolean;
  readonly motivation: readonly ParagraphView[];
}

interface ActivityFacts {
  readonly title: string;
  readonly responsible: string;
  readonly status: ActivityStatus;
  readonly comment: readonly ParagraphView[];
}

function goalFacts(entry: GoalEntry, config: CommitteeConfig): GoalFacts {
  const activities = entry.activities.map((a): ActivityFacts => ({
    title: oneLine(a.title),
    responsible: oneLine(a.responsible ?? ''),
    status: a.status,
    comment: paragraphs(a.comment),
  }));
  const goal = entry.goal;
  if (!goal) {
    const ref = oneLine(entry.ref ?? '');
    return {
      id: '',
      title: ref,
      heading: ref,
      assessment: NO_ASSESSMENT,
      focusArea: '',
      isUndefinedGoal: true,
      activities,
      motivation: [],
    };
  }
  const id = oneLine(goal.id ?? '');
  const title = oneLine(goal.title);
  return {
    id,
    title,
    // Staff sometimes write the id into the title as well: never "KS1 KS1 …".
    heading: id && !normalizeKey(title).startsWith(`${normalizeKey(id)} `) ? `${id} ${title}` : title,
    assessment: goal.assessment ?? NO_ASSESSMENT,
    focusArea: goal.focusArea ? (canonicalFocusArea(goal.focusArea, config) ?? oneLine(goal.focusArea)) : '',
    isUndefinedGoal: false,
    activities,
    motivation: paragraphs(goal.motivation),
  };
}

function goalView(goal: GoalFacts, comparison: GoalComparison | undefined): GoalView {
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
      activityComment: a.comment,
    })),
    hasMotivation: goal.motivation.length > 0,
    motivation: goal.motivation,
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
function changeList(goals: readonly GoalFacts[], comparison: PeriodComparison): ChangeView[] {
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

function combineGoals(uploads: readonly ReportUpload[], config: CommitteeConfig, warnings: InputIssue[]): GoalEntry[] {
  const defined: GoalEntry[] = [];
  const byId = new Map<string, GoalEntry>();
  const byTitle = new Map<string, GoalEntry>();

  for (const upload of uploads) {
    for (const goal of upload.content.goals) {
      const idKey = goal.id ? normalizeKey(goal.id) : '';
      const titleKey = normalizeKey(goal.title);
      const existing = (idKey ? byId.get(idKey) : undefined) ?? byTitle.get(titleKey);
      if (existing?.goal) {
        const differences = goalDifferences(existing.goal, goal);
        if (differences.length > 0) {
          warnings.push({
            ...where(goal.source),
            code: 'conflicting_goal',
            value: goal.id ?? goal.title,
            message:
              `Målet "${goalLabel(goal)}" finns redan i ${describeSource(existing.goal.source)} ` +
              `med annan ${differences.join(', ')}. Rapporten använder det som står i ${existing.goal.source.file}.`,
          });
        }
        continue;
      }
      const entry: GoalEntry = { goal, activities: [] };
      defined.push(entry);
      if (idKey && !byId.has(idKey)) byId.set(idKey, entry);
      if (!byTitle.has(titleKey)) byTitle.set(titleKey, entry);
      if (goal.focusArea && !canonicalFocusArea(goal.focusArea, config)) {
        warnings.push({
          ...where(goal.source),
          code: 'unknown_focus_area',
          column: 'Fokusområde',
          value: goal.focusArea,
          message:
            `Målet "${goalLabel(goal)}" har fokusområdet "${goal.focusArea}", som inte finns bland nämndens ` +
            `fokusområden (${config.focusAreas.join(', ')}). Det visas som det är skrivet.`,
        });
      }
    }
  }
  // Staff may also write "KS1 Ekonomi i balans", as the document's heading shows it.
  for (const entry of defined) {
    const g = entry.goal;
    if (g?.id) {
      const key = normalizeKey(`${g.id} ${g.title}`);
      if (!byTitle.has(key)) byTitle.set(key, entry);
    }
  }

  const undefinedGoals = new Map<string, GoalEntry>();
  const seenActivities = new Map<GoalEntry, Map<string, string>>();
  for (const upload of uploads) {
    for (const activity of upload.content.activities) {
      const refKey = normalizeKey(activity.goalRef);
      let entry = byId.get(refKey) ?? byTitle.get(refKey);
      if (!entry) {
        entry = undefinedGoals.get(refKey);
        if (!entry) {
          entry = { ref: activity.goalRef.trim() || 'Mål saknas', activities: [] };
          undefinedGoals.set(refKey, entry);
          warnings.push({
            ...where(activity.source),
            code: 'undefined_goal',
            column: 'Mål',
            value: activity.goalRef,
            message:
              `Aktiviteten "${oneLine(activity.title)}" hör till målet "${activity.goalRef.trim()}", men inget mål ` +
              `med det id:t eller den titeln finns i periodens uppladdade filer. Aktiviteterna visas under ` +
              `rubriken "${activity.goalRef.trim()}" med bedömningen "${NO_ASSESSMENT}". Ladda upp målet eller rätta ` +
              `hänvisningen.`,
          });
        }
      }
      // The same activity in two files is most likely a copy uploaded twice.
      let seen = seenActivities.get(entry);
      if (!seen) seenActivities.set(entry, (seen = new Map()));
      const titleKey = normalizeKey(activity.title);
      const firstFile = seen.get(titleKey);
      if (firstFile !== undefined && firstFile !== activity.source.file) {
        warnings.push({
          ...where(activity.source),
          code: 'duplicate_activity',
          column: 'Aktivitet',
          value: activity.title,
          message:
            `Aktiviteten "${oneLine(activity.title)}" finns redan under samma mål i ${firstFile}. ` +
            `Rapporten visar den bara en gång, som den står i ${firstFile}.`,
        });
        continue;
      }
      if (firstFile === undefined) seen.set(titleKey, activity.source.file);
      entry.activities.push(activity);
    }
  }
  return [...defined, ...undefinedGoals.values()];
}

function goalDifferences(a: Goal, b: Goal): string[] {
  const out: string[] = [];
  if (normalizeKey(a.id ?? '') !== normalizeKey(b.id ?? '')) out.push('id');
  if (normalizeKey(a.title) !== normalizeKey(b.title)) out.push('titel');
  if ((a.assessment ?? '') !== (b.assessment ?? '')) out.push('bedömning');
  if (normalizeText(a.motivation) !== normalizeText(b.motivation)) out.push('motivering');
  if (normalizeKey(a.focusArea ?? '') !== normalizeKey(b.focusArea ?? '')) out.push('fokusområde');
  return out;
}

interface CaseText {
  proposals?: string[];
  summary?: ParagraphView[];
  considerations?: ParagraphView[];
  /** Config's focus areas, then unknown ones in upload order. */
  focusAreaNames: string[];
  focusAreaTexts: Map<string, ParagraphView[]>;
}

const FIELD_NAMES = {
  proposal: 'Förslag till beslut',
  summary: 'Ärendet i korthet',
  considerations: 'Förvaltningens övervägande',
} as const;

function combineCaseSections(
  uploads: readonly ReportUpload[],
  config: CommitteeConfig,
  warnings: InputIssue[],
): CaseText {
  const result: CaseText = { focusAreaNames: [...config.focusAreas], focusAreaTexts: new Map() };
  // Which upload gave each field first, keyed like `summary` or `focusArea:hållbar natur`.
  const owner = new Map<string, string>();

  for (const upload of uploads) {
    // One upload's rows for the same field are consecutive paragraphs of that field.
    const fields = new Map<string, { label: string; sections: CaseSection[] }>();
    for (const section of upload.content.caseSections) {
      if (paragraphs(section.text).length === 0) continue;
      let key: string;
      let label: string;
      if (section.kind === 'focusArea') {
        const name = stripFocusAreaPrefix(section.name);
        const canonical = canonicalFocusArea(name, config) ?? name;
        key = `focusArea:${normalizeKey(canonical)}`;
        label = `Fokusområde ${canonical}`;
      } else {
        key = section.kind;
        label = FIELD_NAMES[section.kind];
      }
      const field = fields.get(key) ?? { label, sections: [] };
      field.sections.push(section);
      fields.set(key, field);
    }

    for (const [key, { label, sections }] of fields) {
      const first = sections[0];
      if (!first) continue;
      const earlier = owner.get(key);
      if (earlier !== undefined) {
        warnings.push({
          ...where(first.source),
          code: 'duplicate_case_section',
          column: 'Fält',
          value: label,
          message: `"${label}" finns redan i ${earlier}. Rapporten använder texten därifrån; texten i ${upload.name} används inte.`,
        });
        continue;
      }
      owner.set(key, upload.name);
      const paras = sections.flatMap((s) => paragraphs(s.text));
      if (first.kind === 'proposal') {
        result.proposals = paras.map((p) => p.text.replace(/^\d{1,2}\s*[.)]\s+/, '')).filter((t) => t !== '');
      } else if (first.kind === 'summary') {
        result.summary = paras;
      } else if (first.kind === 'considerations') {
        result.considerations = paras;
      } else {
        const name = stripFocusAreaPrefix(first.name);
        const canonical = canonicalFocusArea(name, config);
        if (!canonical) {
          warnings.push({
            ...where(first.source),
            code: 'unknown_focus_area',
            column: 'Fält',
            value: first.name,
            message:
              `Fokusområdet "${name}" finns inte bland nämndens fokusområden (${config.focusAreas.join(', ')}). ` +
              `Det läggs sist bland fokusområdena.`,
          });
          result.focusAreaNames.push(name);
        }
        result.focusAreaTexts.set(normalizeKey(canonical ?? name), paras);
      }
    }
  }
  if (result.proposals?.length === 0) delete result.proposals;
  return result;
}

// ---------------------------------------------------------------------------------------
// Text helpers

/** Splits text into paragraphs: one per non-blank line, trimmed. */
export function paragraphs(text: string | undefined): ParagraphView[] {
  if (!text) return [];
  return text
    .split(/\r\n|[\r\n\u2028\u2029\v\f]/)
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line) => line !== '')
    .map((line) => ({ text: line }));
}

/** Text meant for one line (a heading, a table cell's title): line breaks become spaces. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `Kommunstyrelsen` → `kommunstyrelsen`; leaves acronyms such as `BMN` alone. */
export function lowerFirst(s: string): string {
  if (/^\p{Lu}{2}/u.test(s)) return s;
  return s.charAt(0).toLocaleLowerCase('sv-SE') + s.slice(1);
}

/** The key goals, refs and focus areas are matched by: case- and whitespace-insensitive. */
export function normalizeKey(s: string): string {
  return s.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('sv-SE');
}

function normalizeText(s: string): string {
  return paragraphs(s.normalize('NFC'))
    .map((p) => p.text)
    .join('\n');
}

function stripFocusAreaPrefix(name: string): string {
  return name.replace(/^\s*fokusområde\s+/iu, '').trim();
}

function canonicalFocusArea(name: string, config: CommitteeConfig): string | undefined {
  const key = normalizeKey(stripFocusAreaPrefix(name));
  return config.focusAreas.find((area) => normalizeKey(area) === key);
}

function goalLabel(goal: Goal): string {
  return goal.id ? `${goal.id} ${goal.title}` : goal.title;
}

function where(source: SourceRef): Pick<InputIssue, 'file' | 'sheet' | 'row'> {
  return { file: source.file, sheet: source.sheet, row: source.row };
}

function describeSource(source: SourceRef): string {
  return `${source.file} (fliken ${source.sheet}, rad ${source.row})`;
}
