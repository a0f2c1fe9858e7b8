/**
 * A docxtemplater module that renders loops (`{#goals}`, `{#activities}`, conditions) from
 * a function compiled once per loop, instead of docxtemplater's interpretation of the
 * loop body for every item.
 *
 * Why: docxtemplater renders a loop by walking the loop body's parts for every item and,
 * for every part, asking every module whether it handles it, building a scope manager per
 * item, copying the render options per item and running its XML clean-up pass
 * (`joinUncorrupt`) over each loop's whole output again at every level of nesting. At
 * 10,000 activity rows that was about 20× the cost of writing the same XML by string
 * concatenation (`npm run bench`, render). The compiled function walks the same parts
 * (the template's own XML, as docxtemplater parsed it: nothing about the default
 * template is built in) and pushes the same strings: static XML as it stands, values
 * looked up as docxtemplater's default parser does (innermost scope first, `null`
 * falls through to the outer scope), with docxtemplater's escaping and its removal of
 * XML-invalid characters.
 *
 * The clean-up pass still runs, once, over the whole rendered part (docxtemplater's
 * postrender does that for every file): it only looks at tag sequences (a table cell
 * left without a paragraph, a row without cells), so one pass over the final sequence
 * finds what the passes over each loop's share of it would have found.
 *
 * A loop that needs docxtemplater's own handling is left to it (the module returns
 * nothing for it): section breaks or page breaks at a paragraph loop's ends, header
 * and footer references inside a loop, PowerPoint's table rows, or a nested loop
 * that needs any of these. docxtemplater then renders that loop and hands its inner
 * loops back to this module.
 */
import type { DXT } from 'docxtemplater';

/** The parts of docxtemplater's postparsed tree that this module reads. */
interface Part {
  readonly type: string;
  readonly value: string;
  readonly tag?: string;
  readonly module?: string;
  readonly inverted?: boolean;
  readonly subparsed?: readonly Part[];
  // Set by docxtemplater's loop module on paragraph loops that touch breaks or sections.
  readonly hasPageBreak?: boolean;
  readonly hasPageBreakBeginning?: boolean;
  readonly lastParagrapSectPr?: string;
  readonly sectPrCount?: number;
  readonly addContinuousType?: boolean;
  readonly addNextPage?: unknown;
}

/** What the compiled function reads and writes while it runs. */
interface RenderState {
  readonly out: string[];
  /** The scopes, outermost (the view) first. */
  readonly scopes: unknown[];
  /** Loop names and item indexes of the enclosing loops, as docxtemplater's scope manager keeps them. */
  readonly names: string[];
  readonly items: number[];
  readonly nullGetter: (part: Part, scopeManager: { scopePath: string[]; scopePathItem: number[] }) => unknown;
  readonly stripInvalidXMLChars: boolean;
}

type Emit = (state: RenderState) => void;

interface RenderOptions {
  readonly scopeManager: { scopeList: unknown[]; scopePath: string[]; scopePathItem: number[] };
  readonly nullGetter: RenderState['nullGetter'];
  readonly stripInvalidXMLChars?: boolean;
  readonly fileType?: string;
}

/** Tags docxtemplater's loop module rewrites per item (PowerPoint row ids and heights). */
const ITEM_REWRITTEN_TAGS: ReadonlySet<string> = new Set(['a16:rowId', 'a:tr', 'a:ext', 'p:xfrm']);

/** Characters XML 1.0 does not allow, which docxtemplater's `stripInvalidXMLChars` removes. */
const INVALID_XML_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F]/g;
const HAS_INVALID_XML_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F]/;
const XML_SPECIAL = /[&<>"']/;
const XML_SPECIAL_ALL = /[&<>"']/g;
const XML_ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export class CompiledLoopsModule {
  readonly name = 'TertialCompiledLoops';
  /** Ahead of docxtemplater's loop module, which would otherwise take the loop first. */
  readonly priority = 100;
  /** One compiled function per loop part; `null` for a loop left to docxtemplater. */
  private readonly compiled = new WeakMap<Part, Emit | null>();

  render(part: Part, options: RenderOptions): { value: string[] } | null {
    if (part.module !== 'loop' || options.fileType !== 'docx') return null;
    const emit = this.compileLoop(part);
    if (!emit) return null;
    const sm = options.scopeManager;
    const state: RenderState = {
      out: [],
      scopes: [...sm.scopeList],
      names: [...sm.scopePath],
      items: [...sm.scopePathItem],
      nullGetter: options.nullGetter,
      stripInvalidXMLChars: options.stripInvalidXMLChars === true,
    };
    emit(state);
    return { value: state.out };
  }

  /**
   * This instance as docxtemplater takes a module. (docxtemplater's typings give a
   * module's rendered value as a string; its renderer takes a list of parts as well and
   * splices it in, which keeps each tag a part of its own for the clean-up pass.)
   */
  asModule(): DXT.Module {
    return this as unknown as DXT.Module;
  }

  /**
   * A whole templated file (its postparsed parts) as one function of the view, or null
   * when some part of it needs docxtemplater's own rendering.
   */
  compileFile(
    parts: readonly Part[],
  ): ((view: unknown, nullGetter: RenderState['nullGetter'], stripInvalidXMLChars: boolean) => string[]) | null {
    const root: Part = { type: 'placeholder', value: '', subparsed: parts };
    if (!compilable(root)) return null;
    const body = compileBody(parts, (p) => this.compileLoop(p));
    return (view, nullGetter, stripInvalidXMLChars) => {
      const state: RenderState = { out: [], scopes: [view], names: [], items: [], nullGetter, stripInvalidXMLChars };
      body(state);
      return state.out;
    };
  }

  private compileLoop(part: Part): Emit | null {
    const known = this.compiled.get(part);
    if (known !== undefined) return known;
    const emit = compilable(part)
      ? loopEmitter(
          part,
          compileBody(part.subparsed ?? [], (p) => this.compileLoop(p)),
        )
      : null;
    this.compiled.set(part, emit);
    return emit;
  }
}

/** Whether a loop and every loop inside it render the same for every item, without docxtemplater's extras. */
function compilable(part: Part): boolean {
  if (
    part.hasPageBreak ||
    part.hasPageBreakBeginning ||
    part.lastParagrapSectPr ||
    part.sectPrCount ||
    part.addContinuousType ||
    part.addNextPage
  ) {
    return false;
  }
  for (const p of part.subparsed ?? []) {
    if (p.tag !== undefined && ITEM_REWRITTEN_TAGS.has(p.tag)) return false;
    if (p.type === 'placeholder') {
      if (p.module === 'loop') {
        if (!compilable(p)) return false;
      } else if (p.module !== undefined) {
        return false;
      }
    } else if (p.type !== 'content' && p.type !== 'tag') {
      return false;
    }
  }
  return true;
}

function compileBody(parts: readonly Part[], compileLoop: (part: Part) => Emit | null): Emit {
  // Static XML stays one string per part, as docxtemplater pushes it: the clean-up pass
  // recognises a table cell or row by a part that is exactly its start tag.
  const steps: (string | Emit)[] = parts.map((p) => {
    if (p.type !== 'placeholder') return p.value;
    if (p.module === 'loop') {
      const emit = compileLoop(p);
      if (!emit) throw new Error(`loop {#${p.value}} was judged compilable but did not compile`);
      return emit;
    }
    return valueEmitter(p);
  });
  const n = steps.length;
  return (state) => {
    const out = state.out;
    for (let i = 0; i < n; i++) {
      const step = steps[i] as string | Emit;
      if (typeof step === 'string') out.push(step);
      else step(state);
    }
  };
}

function valueEmitter(part: Part): Emit {
  const tag = part.value;
  return (state) => {
    let value = lookup(state.scopes, tag);
    if (value == null) value = state.nullGetter(part, { scopePath: [...state.names], scopePathItem: [...state.items] });
    if (typeof value === 'string' && state.stripInvalidXMLChars && HAS_INVALID_XML_CHARS.test(value)) {
      value = value.replace(INVALID_XML_CHARS, '');
    }
    const text = wordText(value);
    // docxtemplater leaves an empty value out of the parts, which the clean-up pass notices.
    if (text !== '') state.out.push(text);
  };
}

/** A loop as docxtemplater's scope manager runs it (`loopOverValue`). */
function loopEmitter(part: Part, body: Emit): Emit {
  const tag = part.value;
  const inverted = part.inverted === true;
  return (state) => {
    let value = lookup(state.scopes, tag);
    if (value == null) value = state.nullGetter(part, { scopePath: [...state.names], scopePathItem: [...state.items] });
    const type = Object.prototype.toString.call(value);
    if (!value || (type === '[object Array]' && (value as unknown[]).length === 0)) {
      // Falsy or empty: only an inverted section `{^…}` shows, in the enclosing scope.
      if (inverted) withScope(state, state.scopes[state.scopes.length - 1], tag, 0, body);
      return;
    }
    if (inverted) return;
    if (type === '[object Array]') {
      const list = value as unknown[];
      for (let i = 0; i < list.length; i++) withScope(state, list[i], tag, i, body);
    } else if (type === '[object Object]') {
      withScope(state, value, tag, 0, body);
    } else {
      // A true flag or a non-empty text: a condition, rendered once in the enclosing scope.
      withScope(state, state.scopes[state.scopes.length - 1], tag, 0, body);
    }
  };
}

function withScope(state: RenderState, scope: unknown, name: string, index: number, body: Emit): void {
  state.scopes.push(scope);
  state.names.push(name);
  state.items.push(index);
  body(state);
  state.scopes.pop();
  state.names.pop();
  state.items.pop();
}

/** docxtemplater's default parser over the scope list: the innermost scope with a non-null value wins. */
function lookup(scopes: readonly unknown[], tag: string): unknown {
  let result: unknown;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (tag === '.') result = scope;
    else if (scope)
      result = Object.prototype.hasOwnProperty.call(scope, tag) ? (scope as Record<string, unknown>)[tag] : undefined;
    else result = scope;
    if (result != null) break;
  }
  if (typeof result === 'function') result = (result as (scope: unknown) => unknown)(scopes[scopes.length - 1]);
  return result;
}

/** A value as docxtemplater writes it into WordprocessingML text (`utf8ToWord`). */
function wordText(value: unknown): string {
  const text = value != null && typeof (value as { toString?: unknown }).toString === 'function' ? String(value) : '';
  return XML_SPECIAL.test(text) ? text.replace(XML_SPECIAL_ALL, (c) => XML_ENTITY[c] as string) : text;
}

/** One of docxtemplater's rules for its clean-up pass (`fileTypeConfig.tagShouldContain`). */
export interface ContainRule {
  readonly tag: string;
  readonly shouldContain: readonly string[];
  readonly value?: string;
  readonly drop?: boolean;
  readonly dropParent?: string;
}

/**
 * docxtemplater's clean-up pass (`joinUncorrupt`) over a rendered file's parts, in place:
 * an empty paragraph after a table that is followed by something other than a paragraph,
 * a table or a section; then, rule by rule, an element left without the children it must
 * have (a table cell without a paragraph gets an empty one; a row without cells and a
 * table without rows are dropped). Same rules, same order, same result; written for
 * the long part lists of large tables (docxtemplater's took longer than the render).
 *
 * @param rules only the rules for tags the file has (a tag in the output comes from the
 *   template's XML: values are escaped), each is a pass over every part
 * @param hasTables whether the file has tables at all
 * @returns false if a rule is of a kind this pass does not know (PowerPoint's
 *   `dropParent`); the caller then leaves the file to docxtemplater
 */
export function cleanUp(parts: string[], rules: readonly ContainRule[], hasTables = true): boolean {
  if (rules.some((r) => r.dropParent !== undefined)) return false;
  if (hasTables) paragraphAfterTables(parts);
  let collecting = -1;
  let startIndex = -1;
  for (let j = 0; j < rules.length; j++) {
    const { tag, shouldContain, value = '', drop = false } = rules[j] as ContainRule;
    const open = `<${tag}`;
    const close = `</${tag}>`;
    const children = shouldContain.map((c) => `<${c}`);
    let collected: string[] | null = null;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      // Text and empty parts never start or end anything; they only go along with what is collected.
      const isTag = part.charCodeAt(0) === 60; /* < */
      if (!isTag) {
        if (collecting === j && collected) collected.push(part);
        continue;
      }
      if (collecting === j) {
        if (part === close) {
          collecting = -1;
          for (let k = startIndex; k <= i; k++) parts[k] = '';
          if (!drop) parts[i] = (collected as string[]).join('') + value + part;
          collected = null;
        } else {
          if (collected) collected.push(part);
          for (const child of children) {
            if (startsTag(part, child)) {
              collecting = -1;
              collected = null;
              break;
            }
          }
        }
      }
      if (collecting === -1 && startsTag(part, open) && part.indexOf('<', 1) === -1) {
        if (part.charCodeAt(part.length - 2) === 47 /* / */) {
          parts[i] = '';
        } else {
          startIndex = i;
          collecting = j;
          collected = drop ? null : [part];
        }
      }
    }
  }
  return true;
}

/** `<w:tc`, `<w:tc>`, `<w:tc/>` and `<w:tc …>` start a `w:tc`; `<w:tcPr>` does not. */
function startsTag(part: string, open: string): boolean {
  if (!part.startsWith(open)) return false;
  const next = part.charCodeAt(open.length);
  return next === 62 /* > */ || next === 32 /* space */ || next === 47; /* / */
}

const WHITESPACE_ONLY = /^[ \n\r\t]+$/;

function paragraphAfterTables(parts: string[]): void {
  let afterTable = false;
  for (let i = 0; i < parts.length; i++) {
    let p = parts[i] as string;
    // An empty part is not skipped (docxtemplater's pass does not skip it either).
    if (WHITESPACE_ONLY.test(p) || p.startsWith('<w:bookmarkEnd')) continue;
    if (
      afterTable &&
      !p.startsWith('<w:p') &&
      !p.startsWith('<w:tbl') &&
      !p.startsWith('<w:sectPr') &&
      !p.startsWith('</w:ftr>') &&
      !p.startsWith('</w:hdr>')
    ) {
      p = `<w:p/>${p}`;
      parts[i] = p;
    }
    afterTable = p.endsWith('</w:tbl>');
  }
}

/** The template's own XML of a file (its postparsed parts without the tags' values), loop bodies included. */
export function staticXml(parts: readonly Part[]): string {
  let xml = '';
  for (const p of parts) {
    if (p.type !== 'placeholder') xml += p.value;
    if (p.subparsed) xml += staticXml(p.subparsed);
  }
  return xml;
}
