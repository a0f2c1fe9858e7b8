/**
 * The combined period: a period's accepted uploads as one set of goals, activities and
 * case texts, with the conflicts and loose ends between uploads as warnings. The report's
 * view (report.ts) and the status page are both made from it, so they always agree on
 * what the period holds.
 *
 * Conflicts never fail: the first upload (by name) wins and the rest become warnings.
 * Goals, references and focus areas are matched with {@link matchKey}. Texts are as the
 * document shows them: one line for titles and headings, paragraphs for longer text.
 */
import type { ComparableGoal } from './changes.js';
import type { CommitteeConfig } from './committee.js';
import type { Activity, ActivityStatus, CaseSection, Goal, InputIssue, SourceRef, UploadContent } from './domain.js';
import { matchKey } from './parse/text.js';

export interface PeriodUpload {
  readonly name: string;
  readonly content: UploadContent;
}

export interface CombinedActivity {
  readonly title: string;
  /** '' when not given. */
  readonly responsible: string;
  readonly status: ActivityStatus;
  /** The comment's paragraphs (may be none). */
  readonly comment: readonly string[];
}

/** A goal as the document shows it. */
export interface CombinedGoal extends ComparableGoal {
  readonly activities: readonly CombinedActivity[];
  /** The committee's spelling of the focus area when it is one of its own; '' when not given. */
  readonly focusArea: string;
  /** Activities name the goal, but no upload defines it. */
  readonly isUndefinedGoal: boolean;
  /** The motivation's paragraphs (may be none). */
  readonly motivation: readonly string[];
}

/** The case texts the uploads gave; a field no upload gave is absent. */
export interface CaseText {
  readonly proposals?: readonly string[];
  readonly summary?: readonly string[];
  readonly considerations?: readonly string[];
  /** The committee's focus areas, then unknown ones in upload order, each with its text when one was given. */
  readonly focusAreas: readonly { readonly name: string; readonly text?: readonly string[] }[];
}

export interface CombinedPeriod {
  /** In upload order; then goals that activities name but no upload defines. */
  readonly goals: readonly CombinedGoal[];
  readonly caseText: CaseText;
  /** Conflicts and loose ends across uploads (Swedish), goals' first, then the case texts'. */
  readonly warnings: readonly InputIssue[];
}

/** The assessment of a goal that has none. */
const NO_ASSESSMENT = 'Ej bedömt';

/**
 * Combines a period's uploads, sorted by name (earlier ones win conflicts). Pure.
 */
export function combinePeriod(uploads: readonly PeriodUpload[], config: CommitteeConfig): CombinedPeriod {
  const warnings: InputIssue[] = [];
  const goals = combineGoals(uploads, config, warnings).map((entry) => combinedGoal(entry, config));
  const caseText = combineCaseSections(uploads, config, warnings);
  return { goals, caseText, warnings };
}

/** Splits text into paragraphs: one per non-blank line, trimmed. */
export function textParagraphs(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/\r\n|[\r\n\u2028\u2029\v\f]/)
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line) => line !== '');
}

interface GoalEntry {
  readonly goal?: Goal;
  /** For a goal no upload defines: the reference as the first activity wrote it. */
  readonly ref?: string;
  readonly activities: Activity[];
}

function combinedGoal(entry: GoalEntry, config: CommitteeConfig): CombinedGoal {
  const activities = entry.activities.map((a): CombinedActivity => ({
    title: oneLine(a.title),
    responsible: oneLine(a.responsible ?? ''),
    status: a.status,
    comment: textParagraphs(a.comment),
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
    heading: id && !matchKey(title).startsWith(`${matchKey(id)} `) ? `${id} ${title}` : title,
    assessment: goal.assessment ?? NO_ASSESSMENT,
    focusArea: goal.focusArea ? (canonicalFocusArea(goal.focusArea, config) ?? oneLine(goal.focusArea)) : '',
    isUndefinedGoal: false,
    activities,
    motivation: textParagraphs(goal.motivation),
  };
}

function combineGoals(uploads: readonly PeriodUpload[], config: CommitteeConfig, warnings: InputIssue[]): GoalEntry[] {
  const defined: GoalEntry[] = [];
  const byId = new Map<string, GoalEntry>();
  const byTitle = new Map<string, GoalEntry>();

  for (const upload of uploads) {
    for (const goal of upload.content.goals) {
      const idKey = goal.id ? matchKey(goal.id) : '';
      const titleKey = matchKey(goal.title);
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
      const key = matchKey(`${g.id} ${g.title}`);
      if (!byTitle.has(key)) byTitle.set(key, entry);
    }
  }

  const undefinedGoals = new Map<string, GoalEntry>();
  const seenActivities = new Map<GoalEntry, Map<string, string>>();
  for (const upload of uploads) {
    for (const activity of upload.content.activities) {
      const refKey = matchKey(activity.goalRef);
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
      const titleKey = matchKey(activity.title);
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
  if (matchKey(a.id ?? '') !== matchKey(b.id ?? '')) out.push('id');
  if (matchKey(a.title) !== matchKey(b.title)) out.push('titel');
  if ((a.assessment ?? '') !== (b.assessment ?? '')) out.push('bedömning');
  if (normalizeText(a.motivation) !== normalizeText(b.motivation)) out.push('motivering');
  if (matchKey(a.focusArea ?? '') !== matchKey(b.focusArea ?? '')) out.push('fokusområde');
  return out;
}

const FIELD_NAMES = {
  proposal: 'Förslag till beslut',
  summary: 'Ärendet i korthet',
  considerations: 'Förvaltningens övervägande',
} as const;

interface CaseTextBuilder {
  proposals?: string[];
  summary?: string[];
  considerations?: string[];
  /** Config's focus areas, then unknown ones in upload order. */
  focusAreaNames: string[];
  focusAreaTexts: Map<string, string[]>;
}

function combineCaseSections(
  uploads: readonly PeriodUpload[],
  config: CommitteeConfig,
  warnings: InputIssue[],
): CaseText {
  const result: CaseTextBuilder = { focusAreaNames: [...config.focusAreas], focusAreaTexts: new Map() };
  // Which upload gave each field first, keyed like `summary` or `focusArea:hållbar natur`.
  const owner = new Map<string, string>();

  for (const upload of uploads) {
    // One upload's rows for the same field are consecutive paragraphs of that field.
    const fields = new Map<string, { label: string; sections: CaseSection[] }>();
    for (const section of upload.content.caseSections) {
      if (textParagraphs(section.text).length === 0) continue;
      let key: string;
      let label: string;
      if (section.kind === 'focusArea') {
        const name = stripFocusAreaPrefix(section.name);
        const canonical = canonicalFocusArea(name, config) ?? name;
        key = `focusArea:${matchKey(canonical)}`;
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
      const paras = sections.flatMap((s) => textParagraphs(s.text));
      if (first.kind === 'proposal') {
        result.proposals = paras.map((p) => p.replace(/^\d{1,2}\s*[.)]\s+/, '')).filter((t) => t !== '');
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
        result.focusAreaTexts.set(matchKey(canonical ?? name), paras);
      }
    }
  }
  if (result.proposals?.length === 0) delete result.proposals;
  const { focusAreaNames, focusAreaTexts, ...fields } = result;
  return {
    ...fields,
    focusAreas: focusAreaNames.map((name) => {
      const text = focusAreaTexts.get(matchKey(name));
      return text ? { name, text } : { name };
    }),
  };
}

/** Text meant for one line (a heading, a table cell's title): line breaks become spaces. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function normalizeText(s: string): string {
  return textParagraphs(s.normalize('NFC')).join('\n');
}

function stripFocusAreaPrefix(name: string): string {
  return name.replace(/^\s*fokusområde\s+/iu, '').trim();
}

function canonicalFocusArea(name: string, config: CommitteeConfig): string | undefined {
  const key = matchKey(stripFocusAreaPrefix(name));
  return config.focusAreas.find((area) => matchKey(area) === key);
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
