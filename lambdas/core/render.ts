/**
 * Renders a report view into a .docx template with docxtemplater. Pure: the built-in
 * template is read from disk by `loadDefaultTemplate` in `lambdas/runtime/`.
 *
 * Options, and why:
 * - `paragraphLoop: true`: a loop or condition tag alone in its paragraph removes that
 *   paragraph, so the template can put `{#summary}` / `{/summary}` on lines of their own.
 * - `linebreaks: false`: the view already splits text into paragraphs.
 * - `nullGetter` throws: a missing value must stop the render, never print "undefined"
 *   (docxtemplater's default prints "undefined") or an empty gap in a committee document.
 * - `stripInvalidXMLChars: true`: a control character pasted into a cell must not fail
 *   the whole report.
 */
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import { writeDocxFromPizZip } from './docx-zip.js';
import type { InputIssue } from './domain.js';
import { finishRenderedPackage, pizZipParts } from './post-render.js';
import { inspectTemplatePackage } from './template-package.js';
import { REPORT_TAGS, type ReportView, type TagSpec, type TagSpecs } from './report.js';

/** The built-in template's file name under `templates/`. */
export const DEFAULT_TEMPLATE_NAME = 'default.docx';

/** A template that cannot be compiled, uses tags the report does not know, or lacks a value. */
export class TemplateError extends Error {
  constructor(
    readonly code: 'invalid_template' | 'missing_value',
    readonly issues: readonly InputIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((i) => i.message).join(' ') || code, options);
    this.name = 'TemplateError';
  }
}

export type TemplateCheck = { readonly ok: true } | { readonly ok: false; readonly errors: readonly InputIssue[] };

/**
 * Compiles a template without rendering it: docxtemplater's errors (unclosed tags,
 * unbalanced loops, …) and any tag the view model does not provide become issues.
 *
 * @param file how messages name the template, e.g. `templates/ks.docx`
 */
export function checkTemplate(template: Uint8Array, file = DEFAULT_TEMPLATE_NAME): TemplateCheck {
  // The package first: nothing below may inflate a part the package check has not bounded.
  const pkg = inspectTemplatePackage(template, file);
  if (!pkg.ok) return { ok: false, errors: pkg.errors };
  const compiled = compile(template, file);
  return compiled.ok ? { ok: true } : { ok: false, errors: compiled.errors };
}

/**
 * Renders the view into the template and returns the .docx bytes (DEFLATE). The output's
 * title property is set to the report title.
 *
 * @throws TemplateError when the template is broken or uses unknown tags
 *   (`invalid_template`) or a value is missing from the view (`missing_value`)
 */
export function renderReport(template: Uint8Array, view: ReportView, file = DEFAULT_TEMPLATE_NAME): Uint8Array {
  const compiled = compile(template, file);
  if (!compiled.ok) throw new TemplateError('invalid_template', compiled.errors);
  const { doc } = compiled;
  try {
    doc.render(view);
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    throw new TemplateError('invalid_template', docxtemplaterIssues(e, file), { cause: e });
  }
  const zip = doc.getZip() as PizZip;
  // Ids that loops copied made unique, a .dotx made a .docx (lambdas/core/post-render.ts).
  finishRenderedPackage(pizZipParts(zip));
  setCoreTitle(zip, view.reportTitle);
  return writeDocxFromPizZip(zip);
}

// ---------------------------------------------------------------------------------------

type Compiled = { ok: true; doc: Docxtemplater<PizZip> } | { ok: false; errors: InputIssue[] };

interface Part {
  readonly type: string;
  readonly value: string;
  readonly module?: string;
  readonly inverted?: boolean;
  readonly subparsed?: readonly Part[];
}

/** Remembers each templated file's parsed tags, which docxtemplater hands to modules. */
class TagCollector {
  readonly name = 'TertialTagCollector';
  readonly parsed = new Map<string, readonly Part[]>();

  set(options: { inspect?: { filePath?: string; postparsed?: readonly Part[] } }): void {
    const { filePath, postparsed } = options.inspect ?? {};
    if (filePath && postparsed) this.parsed.set(filePath, postparsed);
  }
}

/** Names of the list tags, at any depth (the other loop tags are conditions). */
const LIST_TAGS: ReadonlySet<string> = new Set(listTagNames(REPORT_TAGS));

function listTagNames(specs: TagSpecs): string[] {
  return Object.entries(specs).flatMap(([name, spec]) => (spec.type === 'list' ? [name, ...listTagNames(spec.item)] : []));
}

function compile(template: Uint8Array, file: string): Compiled {
  let zip: PizZip;
  try {
    zip = new PizZip(template);
  } catch (e) {
    return {
      ok: false,
      errors: [issue(file, `Mallen är ingen giltig .docx-fil (zip-arkivet kan inte läsas: ${errorText(e)}).`)],
    };
  }
  const collector = new TagCollector();
  let doc: Docxtemplater<PizZip>;
  try {
    doc = new Docxtemplater(zip, {
      paragraphLoop: true,
      linebreaks: false,
      stripInvalidXMLChars: true,
      errorLogging: false,
      modules: [collector],
      nullGetter: (part, scopeManager) => {
        // Only a code fault can get here (the view's type and checkTemplate rule out the
        // rest), so the path is for developers: goals[1] › activities[0] › activityStatus.
        const names = scopeManager?.scopePath ?? [];
        const items = scopeManager?.scopePathItem ?? [];
        const path = [
          ...names.flatMap((name, i) => (LIST_TAGS.has(name) ? [`${name}[${items[i] ?? '?'}]`] : [])),
          part.value,
        ].join(' › ');
        throw new TemplateError('missing_value', [
          {
            code: 'missing_value',
            file,
            value: part.value,
            message: `Värdet för taggen {${part.value}} saknas (${path}). Dokumentet skapas inte, eftersom det annars skulle få en lucka.`,
          },
        ]);
      },
    });
  } catch (e) {
    return { ok: false, errors: docxtemplaterIssues(e, file) };
  }

  const errors: InputIssue[] = [];
  const seen = new Set<string>();
  for (const [path, parts] of collector.parsed) {
    for (const problem of checkParts(parts, [REPORT_TAGS], [])) {
      const message = `${path}: ${problem}`;
      if (seen.has(message)) continue;
      seen.add(message);
      errors.push(issue(file, message));
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, doc };
}

/**
 * Checks tags against the view model, resolving names through enclosing loops as docxtemplater does.
 * A list may only be looped over in its own scope (`goals` at the top, `activities` inside
 * `goals`): one found in an outer scope would repeat the whole list once per item of every
 * enclosing loop, and `{#goals}` nested ten times in itself makes a close take hours.
 */
function checkParts(parts: readonly Part[], scopes: readonly TagSpecs[], loops: readonly string[]): string[] {
  const problems: string[] = [];
  for (const part of parts) {
    if (part.type !== 'placeholder') continue;
    const spec = lookup(part.value, scopes);
    if (part.module === 'loop') {
      if (!spec) {
        problems.push(`Mallen använder avsnittet {#${part.value}}, men rapporten har inget värde med det namnet.${known(scopes)}`);
        continue;
      }
      const repeats = spec.type === 'list' && !part.inverted;
      const enclosing = loops[loops.length - 1];
      if (repeats && enclosing !== undefined && !Object.hasOwn(scopes[scopes.length - 1] ?? {}, part.value)) {
        problems.push(
          `Avsnittet {#${part.value}} står inuti avsnittet {#${enclosing}} och skulle upprepa hela listan ${part.value} ` +
            `en gång för varje post i {#${enclosing}}. En lista får bara upprepas där den hör hemma: flytta ` +
            `{#${part.value}} … {/${part.value}} utanför {#${enclosing}} … {/${enclosing}}.`,
        );
        continue;
      }
      // A list opens a scope for its items; a flag or a text is a condition within the same scope.
      const inner = repeats ? [...scopes, spec.item] : scopes;
      problems.push(...checkParts(part.subparsed ?? [], inner, repeats ? [...loops, part.value] : loops));
    } else if (part.module === undefined) {
      if (!spec) {
        problems.push(`Mallen använder taggen {${part.value}}, som rapporten inte känner till.${known(scopes)}`);
      } else if (spec.type !== 'text') {
        problems.push(
          `Taggen {${part.value}} är ${spec.type === 'list' ? 'en lista' : 'ett villkor'} och kan inte skrivas ut som text; ` +
            `använd {#${part.value}} … {/${part.value}}.`,
        );
      }
    } else {
      problems.push(
        `Taggen {${part.module === 'rawxml' ? '@' : ''}${part.value}} är av ett slag som rapporten inte tillåter (${part.module}).`,
      );
    }
  }
  return problems;
}

function lookup(name: string, scopes: readonly TagSpecs[]): TagSpec | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const specs = scopes[i];
    if (specs && Object.hasOwn(specs, name)) return specs[name];
  }
  return undefined;
}

function known(scopes: readonly TagSpecs[]): string {
  const inner = scopes[scopes.length - 1];
  return inner ? ` Taggar som går att använda här: ${Object.keys(inner).join(', ')} (se templates/README.md).` : '';
}

interface DocxtemplaterErrorProperties {
  id?: string;
  explanation?: string;
  xtag?: string;
  file?: string;
  openingtag?: string;
  closingtag?: string;
  pair?: { left?: string };
  lastPair?: { left?: string };
  errors?: { properties?: DocxtemplaterErrorProperties; message?: string }[];
}

/** Flattens docxtemplater's MultiError into one issue per template error. */
function docxtemplaterIssues(e: unknown, file: string): InputIssue[] {
  const props = (e as { properties?: DocxtemplaterErrorProperties } | undefined)?.properties;
  const list = props?.errors?.length ? props.errors : [{ properties: props, message: errorText(e) }];
  return list.map((err) => {
    const p = err.properties ?? {};
    const where = p.file ? `${p.file}: ` : '';
    return {
      code: 'invalid_template',
      file,
      ...(p.xtag !== undefined ? { value: p.xtag } : {}),
      message: `${where}${swedishExplanation(p, err.message)}`,
    };
  });
}

function swedishExplanation(p: DocxtemplaterErrorProperties, fallback: string | undefined): string {
  const tag = p.xtag ?? '';
  switch (p.id) {
    case 'unopened_tag':
      return `Taggen som slutar med "${tag}" saknar sin inledande klammer {.`;
    case 'unclosed_tag':
      return `Taggen som börjar med "${tag}" saknar sin avslutande klammer }.`;
    case 'duplicate_open_tag':
      return `Taggen "${tag}" har en klammer { för mycket.`;
    case 'duplicate_close_tag':
      return `Taggen "${tag}" har en klammer } för mycket.`;
    case 'unclosed_loop':
      return `Avsnittet {#${tag}} avslutas aldrig med {/${tag}}.`;
    case 'unopened_loop':
      return `Avsnittet {/${tag}} har ingen början {#${tag}}.`;
    case 'unbalanced_loop_tags':
      return (
        `Avsnitten {#${p.lastPair?.left ?? '?'}} och {#${p.pair?.left ?? '?'}} korsar varandra. Ett avsnitt som ` +
        'upprepar en tabellrad måste innehålla de avsnitt som står i radens celler (sätt till exempel ' +
        '{/…} för raden sist i radens sista cell).'
      );
    case 'closing_tag_does_not_match_opening_tag':
      return `Avsnittet {#${p.openingtag ?? '?'}} avslutas med {/${p.closingtag ?? '?'}}; varje {#…} måste avslutas med motsvarande {/…} i omvänd ordning.`;
    case 'loop_position_invalid':
      return `Avsnittet {#${tag}} börjar och slutar på ställen som inte hör ihop, till exempel det ena i en tabell och det andra utanför.`;
    case 'raw_xml_tag_should_be_only_text_in_paragraph':
      return `Taggen {@${tag}} måste stå ensam i sitt stycke.`;
    case 'no_xml_tag_found_at_left':
    case 'no_xml_tag_found_at_right':
      return `Avsnittet {${tag}} kan inte utvidgas till det begärda elementet (till exempel en tabellrad).`;
    case 'malformed_xml':
    case 'file_has_invalid_xml':
      return 'Mallen innehåller ogiltig XML.';
    case 'filetype_not_identified':
    case 'filetype_not_handled':
      return 'Filen är inget Word-dokument (.docx) som går att använda som mall.';
    default:
      return `Mallen har ett fel${p.id ? ` (${p.id})` : ''}: ${p.explanation ?? fallback ?? 'okänt fel'}.`;
  }
}

function issue(file: string, message: string): InputIssue {
  return { code: 'invalid_template', file, message };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Sets `dc:title` in docProps/core.xml so that Word's title bar and file properties show the report's title. */
function setCoreTitle(zip: PizZip, title: string): void {
  const core = zip.file('docProps/core.xml');
  if (!core) return;
  const xml = core.asText();
  const element = `<dc:title>${xmlEscape(title)}</dc:title>`;
  let updated: string;
  if (/<dc:title\s*\/>|<dc:title>[\s\S]*?<\/dc:title>/.test(xml)) {
    updated = xml.replace(/<dc:title\s*\/>|<dc:title>[\s\S]*?<\/dc:title>/, () => element);
  } else if (xml.includes('xmlns:dc=') && xml.includes('</cp:coreProperties>')) {
    updated = xml.replace('</cp:coreProperties>', () => `${element}</cp:coreProperties>`);
  } else {
    return;
  }
  zip.file('docProps/core.xml', updated);
}
