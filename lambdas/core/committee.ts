/**
 * Committee settings: the names, the municipality's vision and the focus areas that the
 * report's fixed texts are made of. `ks` (kommunstyrelsen) is built in; any committee may
 * override fields with `config/{committee}.json`. Pure: the caller reads the object.
 */
// zod's smaller entry: the functions' bundles carry only the checks used here, not the
// whole chained API with its locales (about 460 KiB of each bundle with the full entry).
import * as z from 'zod/mini';
import type { InputIssue } from './domain.js';
import { configKey } from './keys.js';
import { printableLineProblem, quotedValue } from './text-line.js';

export interface CommitteeConfig {
  /** Committee slug, e.g. `ks`. */
  readonly committee: string;
  /** `Kommunstyrelsen`: the page header and, first letter lowercased, the proposal chain. */
  readonly displayName: string;
  /** `Kommunstyrelsens`: the report title. */
  readonly genitive: string;
  /** `Ånge kommun`. */
  readonly municipality: string;
  /** `Ånge kommuns`: the vision heading. */
  readonly municipalityGenitive: string;
  /** `Kommunförvaltningen`: the body that proposes the decision. */
  readonly administration: string;
  /** `koncern- och finansutskottet`: the body in between, if any. */
  readonly preparingBody?: string;
  /** The municipality's vision; `\n` separates paragraphs. */
  readonly vision: string;
  /** The focus areas, in the order the document shows them. */
  readonly focusAreas: readonly string[];
}

export type CommitteeConfigResult =
  | { readonly ok: true; readonly config: CommitteeConfig; readonly warnings: readonly InputIssue[] }
  | { readonly ok: false; readonly errors: readonly InputIssue[] };

const ANGE_VISION =
  'Vi är en plats för alla, med närhet till natur och gemenskap. Här ger näring och engagemang kraft till en levande bygd.';

const ANGE_FOCUS_AREAS = [
  'Hållbar vardag',
  'Hållbar hälsa',
  'Hållbar gemenskap',
  'Hållbar kompetens',
  'Hållbar natur',
] as const;

/** The built-in settings of kommunstyrelsen, as in its tertial reports. */
export const KS_CONFIG: CommitteeConfig = Object.freeze({
  committee: 'ks',
  displayName: 'Kommunstyrelsen',
  genitive: 'Kommunstyrelsens',
  municipality: 'Ånge kommun',
  municipalityGenitive: 'Ånge kommuns',
  administration: 'Kommunförvaltningen',
  preparingBody: 'koncern- och finansutskottet',
  vision: ANGE_VISION,
  focusAreas: Object.freeze([...ANGE_FOCUS_AREAS]),
});

/**
 * Settings for a committee without a built-in default: the municipality's shared texts
 * and a display name guessed from the slug (`bmn` → `BMN`, `bygg-och-miljo` → `Bygg och miljo`).
 */
export function genericCommitteeConfig(committee: string): CommitteeConfig {
  const words = committee.split('-').filter((w) => w !== '');
  const displayName =
    words.length === 1 && committee.length <= 4 ? committee.toUpperCase() : upperFirst(words.join(' ') || committee);
  return {
    committee,
    displayName,
    genitive: genitiveOf(displayName),
    municipality: KS_CONFIG.municipality,
    municipalityGenitive: KS_CONFIG.municipalityGenitive,
    administration: KS_CONFIG.administration,
    vision: KS_CONFIG.vision,
    focusAreas: KS_CONFIG.focusAreas,
  };
}

const BUILT_IN: Readonly<Record<string, CommitteeConfig>> = { ks: KS_CONFIG };

/**
 * The longest name in the settings (committee, municipality, administration, preparing
 * body, and their genitives). Names are printed in the title, the letterhead and the
 * proposal sentence; 100 characters is two lines of the title, and the longest real
 * names ("Kommunstyrelsens koncern- och finansutskott") are under 50.
 */
export const MAX_CONFIG_NAME = 100;

/** The longest vision: it is printed as a short section of its own; 2,000 characters is about a third of a page. */
export const MAX_CONFIG_VISION = 2000;

/** The longest focus area: a heading in the document and an entry in the workbook's drop-down list. */
export const MAX_FOCUS_AREA = 60;

/**
 * The most focus areas: each gets a section in the document and a row in the Ärende
 * sheet; municipalities have three to seven.
 */
export const MAX_FOCUS_AREAS = 20;

/** One printable line of at most `max` characters (or paragraphs separated by `\n`). */
function line(max: number, paragraphs = false) {
  // Checked before trimming: U+2028 counts as white space to trim() and must not slip through at an end.
  return z.string().check(
    z.superRefine((value, ctx) => {
      const problem = printableLineProblem(value, { paragraphs });
      const length = [...value.trim()].length;
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
      else if (length > max)
        ctx.addIssue({ code: 'custom', message: `är ${length} tecken långt; högst ${max} ryms`, input: value });
    }),
    z.trim(),
  );
}

/** A name: one printable line, not empty. */
function nonEmptyLine(max: number, paragraphs = false) {
  return line(max, paragraphs).check(z.minLength(1));
}

const text = nonEmptyLine(MAX_CONFIG_NAME);

/** What `config/{committee}.json` may contain; every field is optional. */
const ConfigFileSchema = z.object({
  committee: z.optional(z.string()),
  displayName: z.optional(text),
  genitive: z.optional(text),
  municipality: z.optional(text),
  municipalityGenitive: z.optional(text),
  administration: z.optional(text),
  // null or "" removes the preparing body from the proposal chain.
  preparingBody: z.optional(z.nullable(line(MAX_CONFIG_NAME))),
  vision: z.optional(nonEmptyLine(MAX_CONFIG_VISION, true)),
  focusAreas: z.optional(z.array(nonEmptyLine(MAX_FOCUS_AREA)).check(z.minLength(1), z.maxLength(MAX_FOCUS_AREAS))),
});

const KNOWN_FIELDS = new Set(Object.keys(ConfigFileSchema.shape));

/**
 * Merges `config/{committee}.json` (when given) over the committee's built-in default.
 * Bad JSON or wrong types are errors; unknown fields and a missing file for a committee
 * without a built-in default are warnings.
 */
export function parseCommitteeConfig(committee: string, json: string | undefined): CommitteeConfigResult {
  const file = configKey(committee);
  const warnings: InputIssue[] = [];
  const builtIn = BUILT_IN[committee];
  const base = builtIn ?? genericCommitteeConfig(committee);

  if (json === undefined || json.trim() === '') {
    if (!builtIn) {
      warnings.push({
        code: 'committee_config_missing',
        file,
        message:
          `Det finns inga inställningar för nämnden "${committee}" (${file}). ` +
          `Rapporten använder namnet "${base.displayName}" och kommunens gemensamma vision och fokusområden.`,
      });
    }
    return { ok: true, config: base, warnings };
  }

  let raw: unknown;
  try {
    raw = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (e) {
    return {
      ok: false,
      errors: [
        {
          code: 'invalid_config',
          file,
          message: `${file} är inte giltig JSON (${e instanceof Error ? e.message : String(e)}).`,
        },
      ],
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      errors: [{ code: 'invalid_config', file, message: `${file} måste innehålla ett JSON-objekt, { … }.` }],
    };
  }

  const parsed = ConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        code: 'invalid_config',
        file,
        column: issue.path.join('.'),
        message: `${file}: ${describeZodIssue(issue)}`,
      })),
    };
  }

  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) {
      warnings.push({
        code: 'unknown_config_field',
        file,
        column: quotedValue(key),
        message: `${file}: fältet "${quotedValue(key)}" är okänt och används inte. Kända fält: ${[...KNOWN_FIELDS].join(', ')}.`,
      });
    }
  }
  const o = parsed.data;
  if (o.committee !== undefined && o.committee !== committee) {
    warnings.push({
      code: 'config_committee_mismatch',
      file,
      column: 'committee',
      value: quotedValue(o.committee),
      message: `${file}: fältet "committee" säger "${quotedValue(o.committee)}" men filen gäller nämnden "${committee}". Värdet används inte.`,
    });
  }

  const displayName = o.displayName ?? base.displayName;
  // A new display name without a new genitive: derive it rather than keep the old one.
  const genitive = o.genitive ?? (o.displayName !== undefined ? genitiveOf(displayName) : base.genitive);
  const municipality = o.municipality ?? base.municipality;
  const municipalityGenitive =
    o.municipalityGenitive ?? (o.municipality !== undefined ? genitiveOf(municipality) : base.municipalityGenitive);
  const preparingBody =
    o.preparingBody === undefined
      ? base.preparingBody
      : o.preparingBody === null || o.preparingBody === ''
        ? undefined
        : o.preparingBody;

  const config: CommitteeConfig = {
    committee,
    displayName,
    genitive,
    municipality,
    municipalityGenitive,
    administration: o.administration ?? base.administration,
    ...(preparingBody !== undefined ? { preparingBody } : {}),
    vision: o.vision ?? base.vision,
    focusAreas: o.focusAreas ?? base.focusAreas,
  };
  return { ok: true, config, warnings };
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? `fältet "${issue.path.join('.')}"` : 'innehållet';
  switch (issue.code) {
    case 'invalid_type':
      return `${field} måste vara ${swedishType(issue.expected)}.`;
    case 'too_small':
      return issue.origin === 'array' ? `${field} får inte vara en tom lista.` : `${field} får inte vara tomt.`;
    case 'too_big':
      return `${field} får ha högst ${String(issue.maximum)} poster.`;
    case 'custom':
      return `${field} ${issue.message}.`;
    case 'invalid_union':
      return `${field} måste vara en text eller null.`;
    default:
      return `${field} har ett ogiltigt värde.`;
  }
}

function swedishType(expected: string): string {
  switch (expected) {
    case 'string':
      return 'en text';
    case 'array':
      return 'en lista med texter';
    case 'object':
      return 'ett objekt';
    default:
      return `av typen ${expected}`;
  }
}

function upperFirst(s: string): string {
  return s.charAt(0).toLocaleUpperCase('sv-SE') + s.slice(1);
}

/** Swedish genitive: `Kommunstyrelsen` → `Kommunstyrelsens`; names ending in s, x or z stay. */
export function genitiveOf(name: string): string {
  return /[sxz]$/i.test(name) ? name : `${name}s`;
}
