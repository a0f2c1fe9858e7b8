/**
 * Fuzzing the readers that take hostile bytes: the workbook reader (with the marked-up
 * copy a refused workbook gets, as the ingest makes it) and the template check (called as
 * the template-check handler calls it). Inputs are mutations of real files: the workbooks
 * in `examples/`, real-world workbooks in `test/fixtures/corpus/`, and
 * `templates/default.docx`: bit flips, truncations, duplicated, reordered, dropped and
 * renamed zip entries, sizes that lie, oversized attributes, deeply nested and repeated
 * elements, document type declarations and broken markup.
 *
 * Every case must be refused or read within the limits below, and must never throw.
 * Deterministic: a case is a function of its seed, so a failure found by `npm run fuzz`
 * is reproduced by its seed alone (and its bytes are written out to be kept as a fixture).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { annotateWorkbook } from '../../lambdas/core/annotate.js';
import { MAX_DATA_ROWS, MAX_REPORTED_ISSUES, parseUpload } from '../../lambdas/core/parse/index.js';
import { checkTemplate } from '../../lambdas/core/render.js';
import { deflatedEntry, entriesOf, writeZip, type RawZipEntry } from '../fixtures/containers.js';
import { seededRandom } from '../helpers/random.js';

/** Longest a case may take: a generous bound that tells a hang or a blow-up from a slow shared machine. */
export const FUZZ_TIME_LIMIT_MS = 15_000;
/** Highest peak RSS of the fuzzing process (the running stack's own bound is 600 MB). */
export const FUZZ_MAX_RSS_MB = 1_024;
/** Longest message in a receipt. */
const MAX_MESSAGE_CHARS = 4_000;
/** Largest marked-up copy, beyond the input's own size. */
const MAX_COPY_GROWTH_BYTES = 16 * 1024 * 1024;

export type FuzzKind = 'workbook' | 'template';

export interface FuzzSeed {
  readonly kind: FuzzKind;
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface FuzzCase {
  readonly id: number;
  readonly kind: FuzzKind;
  readonly seedName: string;
  readonly mutation: string;
  readonly bytes: Uint8Array;
}

export type FuzzVerdict =
  | { readonly ok: true; readonly outcome: string; readonly ms: number }
  | { readonly ok: false; readonly reason: string; readonly ms: number };

const root = new URL('../../', import.meta.url);

/** The files mutated: examples, corpus workbooks copied into the fixtures, the default template. */
export function loadSeeds(): FuzzSeed[] {
  const read = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, root)));
  const workbooks = [
    ...readdirSync(new URL('examples/', root))
      .filter((f) => f.endsWith('.xlsx'))
      .map((f) => `examples/${f}`),
    ...readdirSync(new URL('test/fixtures/corpus/', root))
      .filter((f) => f.endsWith('.xlsx') && !f.includes('backslash'))
      .map((f) => `test/fixtures/corpus/${f}`),
    'test/fixtures/bad.xlsx',
  ];
  return [
    ...workbooks.map((path) => ({ kind: 'workbook' as const, name: path, bytes: read(path) })),
    { kind: 'template', name: 'templates/default.docx', bytes: read('templates/default.docx') },
  ];
}

type Rng = () => number;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, list.length)] as T;

function textOf(entry: RawZipEntry): string {
  return Buffer.from(entry.method === 8 ? inflateRawSync(entry.compressed) : entry.compressed).toString('utf8');
}

function isXml(name: string): boolean {
  return /\.(xml|rels|vml)$/i.test(name);
}

/** Rewrites one random XML part with `edit`. */
function editRandomPart(rng: Rng, bytes: Uint8Array, edit: (xml: string) => string): Uint8Array {
  const entries = entriesOf(bytes);
  const xmlParts = entries.map((e, i) => [e, i] as const).filter(([e]) => isXml(e.name));
  if (xmlParts.length === 0) return bytes;
  // Sheets and the document body most often: that is where the readers spend their time.
  const heavy = xmlParts.filter(([e]) => /sheet|document|sharedStrings/i.test(e.name));
  const [entry, index] = heavy.length > 0 && rng() < 0.7 ? pick(rng, heavy) : pick(rng, xmlParts);
  entries[index] = deflatedEntry(entry.name, edit(textOf(entry)));
  return writeZip(entries);
}

/** A random position just before a `<` of a start tag (or the middle of the text). */
function tagPosition(rng: Rng, xml: string): number {
  for (let tries = 0; tries < 20; tries++) {
    const at = xml.indexOf('<', int(rng, xml.length));
    if (at > 0 && /[A-Za-z]/.test(xml[at + 1] ?? '')) return at;
  }
  return Math.floor(xml.length / 2);
}

const MUTATIONS: readonly { readonly name: string; readonly apply: (rng: Rng, bytes: Uint8Array) => Uint8Array }[] = [
  {
    name: 'bit-flips',
    apply: (rng, bytes) => {
      const out = new Uint8Array(bytes);
      for (let i = 1 + int(rng, 16); i > 0; i--) out[int(rng, out.length)]! ^= 1 << int(rng, 8);
      return out;
    },
  },
  { name: 'truncated', apply: (rng, bytes) => bytes.slice(0, int(rng, bytes.length)) },
  {
    name: 'duplicated-entry',
    apply: (rng, bytes) => {
      const entries = entriesOf(bytes);
      entries.splice(int(rng, entries.length + 1), 0, pick(rng, entries));
      return writeZip(entries);
    },
  },
  {
    name: 'reordered-entries',
    apply: (rng, bytes) => {
      const entries = entriesOf(bytes);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = int(rng, i + 1);
        [entries[i], entries[j]] = [entries[j]!, entries[i]!];
      }
      return writeZip(entries);
    },
  },
  {
    name: 'dropped-entry',
    apply: (rng, bytes) => {
      const entries = entriesOf(bytes);
      entries.splice(int(rng, entries.length), 1);
      return writeZip(entries);
    },
  },
  {
    name: 'renamed-entry',
    apply: (rng, bytes) => {
      const entries = entriesOf(bytes);
      const i = int(rng, entries.length);
      const e = entries[i]!;
      const names = [
        e.name.toUpperCase(),
        e.name.replace(/\//g, '\\'),
        `/${e.name}`,
        `${e.name}/`,
        `../${e.name}`,
        e.name.replace(/\.xml$/, '.XML'),
      ];
      entries[i] = { ...e, name: pick(rng, names) };
      return writeZip(entries);
    },
  },
  {
    name: 'lying-size',
    apply: (rng, bytes) => {
      const entries = entriesOf(bytes);
      const i = int(rng, entries.length);
      const e = entries[i]!;
      entries[i] = {
        ...e,
        uncompressedSize: pick(rng, [
          0,
          1,
          Math.floor(e.uncompressedSize / 2),
          e.uncompressedSize * 2,
          0xfffffff0,
          2 ** 31,
          60 * 2 ** 20,
        ]),
      };
      return writeZip(entries);
    },
  },
  {
    name: 'oversized-attribute',
    apply: (rng, bytes) =>
      editRandomPart(rng, bytes, (xml) => {
        const at = tagPosition(rng, xml);
        const nameEnd = xml.slice(at).search(/[\s/>]/);
        const length = pick(rng, [70_000, 1_000_000, 3_000_000]);
        const insertAt = at + Math.max(2, nameEnd);
        return `${xml.slice(0, insertAt)} spans="${'1'.repeat(length)}"${xml.slice(insertAt)}`;
      }),
  },
  {
    name: 'nested-elements',
    apply: (rng, bytes) =>
      editRandomPart(rng, bytes, (xml) => {
        const at = tagPosition(rng, xml);
        const depth = pick(rng, [1_000, 100_000, 400_000]);
        const tag = pick(rng, ['x', 'c', 'row', 'w:p', 'si', 'r']);
        return `${xml.slice(0, at)}${`<${tag}>`.repeat(depth)}${`</${tag}>`.repeat(depth)}${xml.slice(at)}`;
      }),
  },
  {
    name: 'repeated-element',
    apply: (rng, bytes) =>
      editRandomPart(rng, bytes, (xml) => {
        const m = [...xml.matchAll(/<(row|c|si|w:p|w:r|mergeCell|Relationship|sheet)\b[^>]*?(?:\/>|>[\s\S]*?<\/\1>)/g)];
        if (m.length === 0) return xml;
        const found = pick(rng, m);
        const times = pick(rng, [10, 2_000, 60_000]);
        const at = (found.index ?? 0) + found[0].length;
        return `${xml.slice(0, at)}${found[0].repeat(times)}${xml.slice(at)}`;
      }),
  },
  {
    name: 'huge-reference',
    apply: (rng, bytes) =>
      editRandomPart(rng, bytes, (xml) =>
        xml.replace(
          /\br="([A-Z]*)(\d+)"/,
          (_, letters: string) =>
            `r="${pick(rng, [letters, 'XFD', 'ZZZZ', ''])}${pick(rng, ['1048576', '1048577', '99999999999', '-1', '0', '1e9', 'NaN'])}"`,
        ),
      ),
  },
  {
    name: 'doctype',
    apply: (rng, bytes) =>
      editRandomPart(rng, bytes, (xml) => {
        const doctype =
          '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>';
        const at = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
        return `${xml.slice(0, at)}${doctype}${xml.slice(at).replace('>', '>&c;')}`;
      }),
  },
  {
    name: 'broken-markup',
    apply: (rng, bytes) =>
      editRandomPart(rng, bytes, (xml) => {
        let out = xml;
        for (let i = 1 + int(rng, 12); i > 0; i--) {
          const at = int(rng, out.length);
          const junk = pick(rng, [
            '<',
            '>',
            '"',
            "'",
            '&',
            '&#0;',
            '&#x110000;',
            '<!--',
            ']]>',
            '<![CDATA[',
            '\u0000',
            '/>',
            '</c>',
            '<c r="A1">',
            '\uD800',
          ]);
          out =
            rng() < 0.5
              ? out.slice(0, at) + junk + out.slice(at)
              : out.slice(0, at) + junk + out.slice(at + 1 + int(rng, 40));
        }
        return out;
      }),
  },
];

/** The case of one seed number: which file, which mutation, and the mutated bytes. */
export function makeCase(id: number, seeds: readonly FuzzSeed[]): FuzzCase {
  const rng = seededRandom(id);
  const seed = pick(rng, seeds);
  const mutation = pick(rng, MUTATIONS);
  let bytes: Uint8Array;
  try {
    bytes = mutation.apply(rng, seed.bytes);
  } catch {
    // A mutation that needs an intact zip (a bit flip made earlier) falls back to flipping bits.
    bytes = MUTATIONS[0]!.apply(rng, seed.bytes);
  }
  return { id, kind: seed.kind, seedName: seed.name, mutation: mutation.name, bytes };
}

/**
 * Runs one case through the reader as the pipeline does, and judges it against the limits.
 * Never throws: a thrown exception is itself a failure.
 */
export async function runCase(c: FuzzCase): Promise<FuzzVerdict> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  // The process's peak only grows: a case fails when it raised the peak above the limit.
  const peakBefore = process.resourceUsage().maxRSS / 1024;
  try {
    let outcome: string;
    if (c.kind === 'workbook') {
      const result = await parseUpload('fuzz.xlsx', c.bytes);
      const issues = [...(result.ok ? [] : result.errors), ...result.warnings];
      if (issues.length > 2 * (MAX_REPORTED_ISSUES + 1))
        return { ok: false, reason: `${issues.length} issues in the receipt`, ms: elapsed() };
      const long = issues.find((i) => i.message.length > MAX_MESSAGE_CHARS || (i.value?.length ?? 0) > 400);
      if (long)
        return { ok: false, reason: `an issue of ${long.message.length} characters (${long.code})`, ms: elapsed() };
      if (result.ok) {
        if (result.content.activities.length > MAX_DATA_ROWS)
          return { ok: false, reason: 'more activities than MAX_DATA_ROWS', ms: elapsed() };
        outcome = 'accepted';
      } else {
        const copy = await annotateWorkbook(c.bytes, result.errors);
        if (copy && copy.length > c.bytes.length + MAX_COPY_GROWTH_BYTES)
          return { ok: false, reason: `marked-up copy of ${copy.length} bytes`, ms: elapsed() };
        outcome = `refused (${[...new Set(result.errors.map((e) => e.code))].join(', ')})${copy ? ', marked up' : ''}`;
      }
    } else {
      const checked = checkTemplate(c.bytes, 'templates/ks.docx');
      outcome = checked.ok ? 'accepted' : `refused (${[...new Set(checked.errors.map((e) => e.code))].join(', ')})`;
    }
    const ms = elapsed();
    if (ms > FUZZ_TIME_LIMIT_MS) return { ok: false, reason: `took ${Math.round(ms)} ms (${outcome})`, ms };
    const peakMb = process.resourceUsage().maxRSS / 1024;
    if (peakMb > FUZZ_MAX_RSS_MB && peakMb > peakBefore)
      return { ok: false, reason: `peak RSS ${Math.round(peakMb)} MB (${outcome})`, ms };
    return { ok: true, outcome, ms };
  } catch (e) {
    return { ok: false, reason: `threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, ms: elapsed() };
  }
}

/** File name of a failing case in the output folder. */
export function caseFileName(c: FuzzCase): string {
  return join(`${c.kind}-${c.id}-${c.mutation}.${c.kind === 'workbook' ? 'xlsx' : 'docx'}`);
}
