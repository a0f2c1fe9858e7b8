/**
 * The contract between the template and the view model: every tag the default template
 * uses is a field that `buildReport` provides, with the right shape, and a missing value
 * is an error, never the word "undefined" in a committee document.
 */
import { readFileSync } from 'node:fs';
import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { KS_CONFIG } from '../../lambdas/core/committee.js';
import { renderReport, TemplateError } from '../../lambdas/core/render.js';
import { loadDefaultTemplate } from '../../lambdas/runtime/default-template.js';
import { buildReport, type ReportView } from '../../lambdas/core/report.js';
import { REPORT_TAGS, type TagSpecs } from '../../lambdas/core/report-tags.js';
import { exampleUploads } from '../../examples/ks-2023-T3.js';
import { defaultTemplateParts } from '../../templates/build-default-template.js';

const template = loadDefaultTemplate();
const zip = new PizZip(template);
const TEMPLATED_PARTS = ['word/document.xml', 'word/header1.xml', 'word/header2.xml', 'word/footer1.xml'];
/** docxtemplater fills the file's properties too (title, subject, author …): their element texts. */
const PROPERTY_PARTS = ['docProps/core.xml', 'docProps/app.xml'];

/** The text of every `w:t` in the templated parts, and of every element in the property parts. */
function runTexts(): string[] {
  return [
    ...TEMPLATED_PARTS.flatMap((name) => {
      const xml = zip.file(name)?.asText() ?? '';
      return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1] ?? '');
    }),
    ...PROPERTY_PARTS.flatMap((name) => {
      const xml = zip.file(name)?.asText() ?? '';
      return [...xml.matchAll(/>([^<]+)</g)].map((m) => m[1] ?? '');
    }),
  ];
}

/** Tag names as written, without the loop markers: `{#goals}` → goals, `{-w:p x}` → x. */
function templateTagNames(): Set<string> {
  const names = new Set<string>();
  for (const text of runTexts()) {
    for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
      const raw = (m[1] ?? '').trim();
      names.add(
        raw
          .replace(/^-\S+\s+/, '')
          .replace(/^[#^/]/, '')
          .trim(),
      );
    }
  }
  return names;
}

function allTagNames(specs: TagSpecs = REPORT_TAGS): Set<string> {
  const names = new Set<string>();
  for (const [name, spec] of Object.entries(specs)) {
    names.add(name);
    if (spec.type === 'list') for (const inner of allTagNames(spec.item)) names.add(inner);
  }
  return names;
}

/** Mismatches between a value and the tag specs: missing, extra or mistyped fields. */
function conformance(value: unknown, specs: TagSpecs, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path} is not an object`];
  const problems: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!(key in specs)) problems.push(`${path}.${key} is not in REPORT_TAGS`);
  for (const [key, spec] of Object.entries(specs)) {
    const v = record[key];
    const at = `${path}.${key}`;
    if (spec.type === 'text' && typeof v !== 'string') problems.push(`${at} should be a string, is ${String(v)}`);
    if (spec.type === 'flag' && typeof v !== 'boolean') problems.push(`${at} should be a boolean, is ${String(v)}`);
    if (spec.type === 'list') {
      if (!Array.isArray(v)) problems.push(`${at} should be a list, is ${String(v)}`);
      else v.forEach((item, i) => problems.push(...conformance(item, spec.item, `${at}[${i}]`)));
    }
  }
  return problems;
}

function minimalView(): ReportView {
  return buildReport({
    period: { committee: 'ks', year: 2023, tertial: 3 },
    config: KS_CONFIG,
    uploads: [],
    closure: {},
  }).view;
}

function fullView(): ReportView {
  const uploads = exampleUploads();
  // The previous tertial lacked one activity and assessed the first goal differently.
  const previousUploads = uploads.map((u, i) => ({
    ...u,
    content: {
      ...u.content,
      goals: u.content.goals.map((g, j) => (j === 0 ? { ...g, assessment: 'Ej bedömt' as const } : g)),
      activities: i === 0 ? u.content.activities.slice(1) : u.content.activities,
    },
  }));
  const orphan = {
    name: 'z.xlsx',
    content: {
      goals: [],
      caseSections: [],
      activities: [
        {
          goalRef: 'KS99',
          title: 'Utan mål',
          status: 'Pågående' as const,
          comment: '',
          source: { file: 'z.xlsx', sheet: 'Aktiviteter', row: 2 },
        },
      ],
    },
  };
  return buildReport({
    period: { committee: 'ks', year: 2023, tertial: 3 },
    config: KS_CONFIG,
    uploads: [...uploads, orphan],
    closure: { diarienummer: 'KS 2024/12', meetingDate: '2024-02-06', documentDate: '2024-01-20' },
    previous: { period: { committee: 'ks', year: 2023, tertial: 2 }, uploads: previousUploads },
  }).view;
}

describe('Template contract: default.docx and REPORT_TAGS', () => {
  it('uses only tags that the view model defines', () => {
    const known = allTagNames();
    const unknown = [...templateTagNames()].filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });

  it('uses the tags that make up the published document', () => {
    const used = templateTagNames();
    for (const name of [
      'committeeName',
      'reportTitle',
      'proposalIntro',
      'proposals',
      'proposalNumber',
      'proposalText',
      'summary',
      'hasConsiderations',
      'considerations',
      'municipalityGenitive',
      'vision',
      'focusAreas',
      'focusAreaName',
      'focusAreaText',
      'goals',
      'goalHeading',
      'activities',
      'activityTitle',
      'activityResponsible',
      'activityStatus',
      'activityComment',
      'goalAssessment',
      'motivation',
      'text',
      // Accessible status, the overview, the comparison, the file's properties.
      'symbol',
      'isGreen',
      'isYellow',
      'isRed',
      'isGrey',
      'assessmentSummary',
      'statusSummary',
      'label',
      'count',
      'goalTotal',
      'activityTotal',
      'hasComparison',
      'previousTertial',
      'hasChanges',
      'changes',
      'changeGoal',
      'changeSubject',
      'changeText',
      'activityChange',
      'isNewGoal',
      'goalAssessmentChanged',
      'previousGoalAssessment',
      'reportSubject',
      'administration',
      'municipality',
      'hasDiarienummer',
      'diarienummer',
      'hasDocumentDate',
      'documentDate',
      'hasMeetingDate',
      'meetingDate',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  it('keeps every tag inside a single run, where docxtemplater can read it', () => {
    for (const text of runTexts()) {
      const opens = (text.match(/\{/g) ?? []).length;
      const closes = (text.match(/\}/g) ?? []).length;
      expect(opens, text).toBe(closes);
    }
  });

  it.each([
    ['minimal input', minimalView],
    ['full input', fullView],
  ])('gets a value of the right shape for every tag from buildReport (%s)', (_, make) => {
    expect(conformance(make(), REPORT_TAGS, 'view')).toEqual([]);
  });

  it('the full input reaches every optional part (so the shape check above covers it)', () => {
    const view = fullView();
    expect(view.hasDiarienummer && view.hasMeetingDate && view.hasDocumentDate && view.hasConsiderations).toBe(true);
    expect(view.goals.some((g) => g.isUndefinedGoal)).toBe(true);
    expect(view.goals.some((g) => g.activities.some((a) => a.activityComment.length > 1))).toBe(true);
    expect(view.hasComparison && view.hasChanges && view.changes.length > 0).toBe(true);
    expect(view.goals.some((g) => g.goalAssessmentChanged)).toBe(true);
    expect(view.goals.some((g) => g.isNewGoal)).toBe(true); // the goal only activities name
    expect(view.goals.some((g) => g.activities.some((a) => a.activityChange === 'Ny'))).toBe(true);
  });

  it('the shape check finds a missing, extra or mistyped field (control)', () => {
    const { reportTitle: _, ...missing } = minimalView();
    expect(conformance(missing, REPORT_TAGS, 'view')).toEqual(['view.reportTitle should be a string, is undefined']);
    expect(conformance({ ...minimalView(), extra: 'x' }, REPORT_TAGS, 'view')).toEqual([
      'view.extra is not in REPORT_TAGS',
    ]);
    expect(conformance({ ...minimalView(), hasGoals: 'false' }, REPORT_TAGS, 'view')).toHaveLength(1);
  });

  it('renders both views with the default template', () => {
    expect(renderReport(template, minimalView()).length).toBeGreaterThan(1000);
    expect(renderReport(template, fullView()).length).toBeGreaterThan(1000);
  });

  describe('a missing value is an error', () => {
    function renderError(view: unknown): TemplateError {
      try {
        renderReport(template, view as ReportView);
      } catch (e) {
        if (e instanceof TemplateError) return e;
        throw e;
      }
      throw new Error('renderReport did not throw');
    }

    it('throws for a missing top-level text', () => {
      const { reportTitle: _, ...view } = minimalView();
      const error = renderError(view);
      expect(error.code).toBe('missing_value');
      expect(error.issues[0]).toMatchObject({ code: 'missing_value', value: 'reportTitle' });
      expect(error.message).toMatch(/\{reportTitle\}/);
    });

    it('throws for a missing list', () => {
      const { focusAreas: _, ...view } = minimalView();
      expect(renderError(view).issues[0]?.value).toBe('focusAreas');
    });

    it('throws for a missing field deep inside loops, naming the path', () => {
      const view = fullView();
      const goals = view.goals.map((g, i) =>
        i === 0 ? { ...g, activities: g.activities.map(({ activityStatus: _, ...a }) => a) } : g,
      );
      const error = renderError({ ...view, goals });
      expect(error.issues[0]?.value).toBe('activityStatus');
      expect(error.issues[0]?.message).toMatch(/goals\[0\] › activities\[0\] › activityStatus/);
    });

    it('throws for a null in the header', () => {
      const error = renderError({ ...minimalView(), committeeName: null });
      expect(error.issues[0]?.value).toBe('committeeName');
    });
  });

  it('templates/README.md lists every tag', () => {
    const readme = readFileSync(new URL('../../templates/README.md', import.meta.url), 'utf8');
    const missing = [...allTagNames()].filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('default.docx is up to date with templates/build-default-template.ts', () => {
    for (const [name, xml] of defaultTemplateParts()) {
      expect(zip.file(name)?.asText(), `${name} (run: npx tsx templates/build-default-template.ts)`).toBe(xml);
    }
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]?.dir);
    expect(names.sort()).toEqual(
      defaultTemplateParts()
        .map(([n]) => n)
        .sort(),
    );
  });
});
