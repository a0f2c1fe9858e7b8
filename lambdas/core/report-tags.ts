/**
 * The template contract: every tag a report template may use, with the shape of its
 * value. `checkTemplate` refuses any other tag, the view model (report.ts) takes its
 * types from this table, and the templates README lists them all.
 *
 * Every tag always has a value: text is a string ('' at worst), optional parts come with
 * a `has…` flag, and every text that may span lines is a list of paragraphs, because the
 * template makes one Word paragraph per item (docxtemplater runs with `linebreaks: false`).
 */

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
export const toneTags = {
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

/**
 * The values a template gets for the tags of `T`: a string for a text, a boolean for a
 * flag, and for a list an array of its items' values. Adding a tag to the table adds the
 * field to the view's type, so `buildReport` cannot forget it.
 */
export type TagValues<T extends TagSpecs> = {
  readonly [K in keyof T]: T[K] extends { readonly type: 'list'; readonly item: infer Item extends TagSpecs }
    ? readonly TagValues<Item>[]
    : T[K] extends { readonly type: 'flag' }
      ? boolean
      : string;
};

/** Names of the list tags, at any depth (the other loop tags are conditions). */
export const LIST_TAGS: ReadonlySet<string> = new Set(listTagNames(REPORT_TAGS));

function listTagNames(specs: TagSpecs): string[] {
  return Object.entries(specs).flatMap(([name, spec]) =>
    spec.type === 'list' ? [name, ...listTagNames(spec.item)] : [],
  );
}
