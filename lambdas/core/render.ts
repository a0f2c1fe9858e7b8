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
import { createHash } from 'node:crypto';
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import { TertialError } from './errors.js';
import { cleanUp, CompiledLoopsModule, staticXml, type ContainRule } from './compiled-loops.js';
import { writeDocxZip, type DocxPart } from './docx-zip.js';
import type { InputIssue } from './domain.js';
import { finishRenderedPackage, type RenderedParts } from './post-render.js';
import { inspectTemplatePackage, type TemplatePackage } from './template-package.js';
import { templateWarnings } from './template-warnings.js';
import type { ReportView } from './report.js';
import { LIST_TAGS, REPORT_TAGS, type TagSpec, type TagSpecs } from './report-tags.js';

/** The built-in template's file name under `templates/`. */
export const DEFAULT_TEMPLATE_NAME = 'default.docx';

/** A template that cannot be compiled, uses tags the report does not know, or lacks a value. */
export class TemplateError extends TertialError {
  constructor(
    override readonly code: 'invalid_template' | 'missing_value',
    readonly issues: readonly InputIssue[],
    options?: { cause?: unknown },
  ) {
    super(code, issues.map((i) => i.message).join(' ') || code, options);
    this.name = 'TemplateError';
  }
}

/**
 * An accepted template carries warnings: what it lost against the default template
 * (captions, header rows, heading styles; lambdas/core/template-warnings.ts).
 */
export type TemplateCheck =
  | { readonly ok: true; readonly warnings: readonly InputIssue[] }
  | { readonly ok: false; readonly errors: readonly InputIssue[] };

/**
 * Compiles a template without rendering it: docxtemplater's errors (unclosed tags,
 * unbalanced loops, …) and any tag the view model does not provide become issues.
 *
 * @param file how messages name the template, e.g. `templates/ks.docx`
 */
export function checkTemplate(template: Uint8Array, file = DEFAULT_TEMPLATE_NAME): TemplateCheck {
  const compiled = compiledTemplate(template, file);
  return compiled.ok ? { ok: true, warnings: compiled.warnings } : { ok: false, errors: compiled.errors };
}

/**
 * Renders the view into the template and returns the .docx bytes (DEFLATE). The output's
 * title property is set to the report title.
 *
 * A template is compiled once per process, not once per call: the check before a render
 * and the render itself (and the next close or draft with the same template) share it.
 *
 * @throws TemplateError when the template is broken or uses unknown tags
 *   (`invalid_template`) or a value is missing from the view (`missing_value`)
 */
export function renderReport(template: Uint8Array, view: ReportView, file = DEFAULT_TEMPLATE_NAME): Uint8Array {
  const compiled = compiledTemplate(template, file);
  if (!compiled.ok) throw new TemplateError('invalid_template', compiled.errors);
  const parts = packageParts(compiled.template.render(view, file));
  // Ids that loops copied made unique, a .dotx made a .docx (lambdas/core/post-render.ts).
  finishRenderedPackage(parts);
  const core = parts.read('docProps/core.xml');
  if (core !== undefined) parts.write('docProps/core.xml', withCoreTitle(core, view.reportTitle));
  return writeDocxZip(parts.parts);
}

// ---------------------------------------------------------------------------------------

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

/**
 * How many compiled templates a process keeps. A committee has one template in force;
 * a function instance serves the committees that write to it, and each compiled
 * template holds its parsed XML (a few MB for a large one). Past the limit the oldest
 * is compiled again when it is next used.
 */
export const MAX_COMPILED_TEMPLATES = 8;

type Compiled =
  | { ok: true; template: CompiledTemplate; warnings: readonly InputIssue[] }
  | { ok: false; errors: readonly InputIssue[] };

/** Compiled templates by content (SHA-256) and the name messages give them; oldest first. */
const compiledCache = new Map<string, Compiled & { ok: true }>();

function compiledTemplate(template: Uint8Array, file: string): Compiled {
  const key = `${createHash('sha256').update(template).digest('hex')} ${file}`;
  const cached = compiledCache.get(key);
  if (cached) {
    compiledCache.delete(key);
    compiledCache.set(key, cached);
    return cached;
  }
  // The package first: nothing below may inflate a part the package check has not bounded.
  const pkg = inspectTemplatePackage(template, file);
  if (!pkg.ok) return { ok: false, errors: pkg.errors };
  const compiled = compile(template, file, pkg.pkg);
  if (compiled.ok) {
    compiledCache.set(key, compiled);
    for (const oldest of compiledCache.keys()) {
      if (compiledCache.size <= MAX_COMPILED_TEMPLATES) break;
      compiledCache.delete(oldest);
    }
  }
  return compiled;
}

/** docxtemplater's per-file templater, as far as rendering a compiled file again needs it. */
interface XmlTemplater {
  scopeManager: unknown;
  content?: Uint8Array;
  allErrors?: unknown[];
  readonly postparsed: readonly Part[];
  render(to: string): unknown;
  getOptions(): {
    readonly baseNullGetter: (part: Part, scopeManager: unknown) => unknown;
    readonly fileTypeConfig: { readonly tagShouldContain?: readonly ContainRule[] };
    readonly stripInvalidXMLChars?: boolean;
    readonly [option: string]: unknown;
  };
}

interface DocxtemplaterModule {
  getRenderedMap(
    map: Record<string, { from: string; data?: unknown }>,
  ): Record<string, { from: string; data?: unknown }>;
  postrender(parts: string[], options: unknown): string[];
}

/** The parts of a compiled Docxtemplater that rendering it more than once uses. */
interface CompiledDocxtemplater {
  readonly modules: readonly DocxtemplaterModule[];
  readonly compiled: Record<string, XmlTemplater>;
  readonly fileType: string;
  scopeManagers: Record<string, unknown>;
  getScopeManager(to: string, file: XmlTemplater, data: unknown): unknown;
  setModules(options: Record<string, unknown>): void;
}

/** A templated file as a function of the view, or docxtemplater's own rendering of it. */
interface RenderedFile {
  readonly to: string;
  readonly xml: XmlTemplater;
  readonly compiled: ReturnType<CompiledLoopsModule['compileFile']>;
  /**
   * The template's own XML of the file. A tag in the output comes from it (values are
   * escaped), so a clean-up rule for a tag it lacks has nothing to do.
   */
  readonly xmlText: string;
}

/**
 * A template compiled by docxtemplater, rendered any number of times.
 *
 * `Docxtemplater.render()` may run once per instance, so a fresh instance (a fresh
 * compile) per document was the price. This renders the instance's compiled files
 * directly. A file whose every loop compiles into a function of the view
 * (lambdas/core/compiled-loops.ts) is rendered by that function, then passed through the
 * modules' postrender and docxtemplater's clean-up rules, and written as one string; any
 * other file is rendered by docxtemplater itself with a fresh scope manager, as
 * `render()` does. The package's other parts are kept from the template as they are.
 */
class CompiledTemplate {
  private readonly doc: CompiledDocxtemplater;
  private readonly files: readonly RenderedFile[];
  /** Every part of the package in its order, with the template's bytes for the parts not rendered. */
  private readonly parts: readonly { name: string; data?: Buffer; date: Date }[];

  constructor(doc: Docxtemplater<PizZip>, zip: PizZip, loops: CompiledLoopsModule) {
    this.doc = doc as unknown as CompiledDocxtemplater;
    const mapper = this.doc.modules.reduce((map, m) => m.getRenderedMap(map), {} as Record<string, { from: string }>);
    this.files = Object.entries(mapper).map(([to, { from }]) => {
      const xml = this.doc.compiled[from];
      if (!xml) throw new Error(`docxtemplater has no compiled file ${from} for ${to}`);
      return {
        to,
        xml,
        compiled: this.doc.fileType === 'docx' ? loops.compileFile(xml.postparsed) : null,
        xmlText: staticXml(xml.postparsed),
      };
    });
    const names = Object.keys(zip.files).filter((n) => !zip.files[n]?.dir);
    const ordered = [...names.filter((n) => n === CONTENT_TYPES), ...names.filter((n) => n !== CONTENT_TYPES)];
    this.parts = ordered.map((name) => {
      const entry = zip.files[name] as PizZip.ZipObject;
      return name in mapper ? { name, date: entry.date } : { name, data: entry.asNodeBuffer(), date: entry.date };
    });
  }

  /** The package's parts with the view rendered into the templated ones. */
  render(view: ReportView, file: string): DocxPart[] {
    const rendered = new Map<string, Uint8Array | string>();
    this.doc.scopeManagers = {};
    this.doc.setModules({ data: view });
    for (const f of this.files) {
      try {
        rendered.set(f.to, this.renderFile(f, view, file));
      } catch (e) {
        if (e instanceof TemplateError) throw e;
        throw new TemplateError('invalid_template', docxtemplaterIssues(e, file), { cause: e });
      }
    }
    return this.parts.map((p) => {
      const data = rendered.get(p.name);
      // A rendered part is new (dated now), as docxtemplater's rewrite of it was.
      return data !== undefined ? { name: p.name, data } : { name: p.name, data: p.data as Buffer, date: p.date };
    });
  }

  private renderFile(
    { to, xml, compiled, xmlText }: RenderedFile,
    view: ReportView,
    file: string,
  ): Uint8Array | string {
    if (compiled) {
      const options = { ...xml.getOptions(), filePath: to };
      let parts = compiled(view, options.baseNullGetter, options.stripInvalidXMLChars === true);
      for (const m of this.doc.modules) parts = m.postrender(parts, options);
      const rules = (options.fileTypeConfig.tagShouldContain ?? []).filter((r) => xmlText.includes(`<${r.tag}`));
      if (cleanUp(parts, rules, xmlText.includes('</w:tbl>'))) return parts.join('');
    }
    xml.scopeManager = this.doc.getScopeManager(to, xml, view);
    xml.render(to);
    const content = xml.content;
    if (!content)
      throw new TemplateError('invalid_template', docxtemplaterIssues({ properties: { errors: xml.allErrors } }, file));
    delete xml.content;
    return content;
  }
}

const CONTENT_TYPES = '[Content_Types].xml';

function compile(template: Uint8Array, file: string, pkg: TemplatePackage): Compiled {
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
  const loops = new CompiledLoopsModule();
  let doc: Docxtemplater<PizZip>;
  try {
    doc = new Docxtemplater(zip, {
      paragraphLoop: true,
      linebreaks: false,
      stripInvalidXMLChars: true,
      errorLogging: false,
      modules: [collector, loops.asModule()],
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
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, template: new CompiledTemplate(doc, zip, loops), warnings: templateWarnings(pkg, file) };
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
        problems.push(
          `Mallen använder avsnittet {#${part.value}}, men rapporten har inget värde med det namnet.${known(scopes)}`,
        );
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

/** The rendered package's parts for the post-render fixes: each read as text at most once, a rewrite replacing the part. */
function packageParts(list: readonly DocxPart[]): RenderedParts & { readonly parts: DocxPart[] } {
  const parts = [...list];
  const index = new Map(parts.map((p, i) => [p.name, i]));
  const text = new Map<string, string>();
  return {
    parts,
    names: parts.map((p) => p.name),
    read(name) {
      const i = index.get(name);
      if (i === undefined) return undefined;
      let t = text.get(name);
      if (t === undefined) {
        const data = (parts[i] as DocxPart).data;
        t =
          typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
        text.set(name, t);
      }
      return t;
    },
    write(name, value) {
      const i = index.get(name);
      text.set(name, value);
      if (i !== undefined) parts[i] = { name, data: value };
      else index.set(name, parts.push({ name, data: value }) - 1);
    },
  };
}

/** `dc:title` set in docProps/core.xml, so that Word's title bar and file properties show the report's title. */
function withCoreTitle(xml: string, title: string): string {
  const element = `<dc:title>${xmlEscape(title)}</dc:title>`;
  if (/<dc:title\s*\/>|<dc:title>[\s\S]*?<\/dc:title>/.test(xml)) {
    return xml.replace(/<dc:title\s*\/>|<dc:title>[\s\S]*?<\/dc:title>/, () => element);
  }
  if (xml.includes('xmlns:dc=') && xml.includes('</cp:coreProperties>')) {
    return xml.replace('</cp:coreProperties>', () => `${element}</cp:coreProperties>`);
  }
  return xml;
}
