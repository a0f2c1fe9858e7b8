/**
 * Just enough of source map v3 for the bundle report: which source each generated
 * position comes from (to weigh a minified bundle by package, and to charge CPU profile
 * frames of a bundle to the package they came from).
 */
import { placeOf } from './profile.js';

interface RawSourceMap {
  readonly sources: readonly string[];
  readonly mappings: string;
}

export interface SourceMapIndex {
  readonly sources: readonly string[];
  /** Per generated line: segment start columns and their source indexes (-1: unmapped), ascending by column. */
  readonly lines: readonly { readonly columns: Int32Array; readonly sources: Int32Array }[];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

export function indexSourceMap(map: RawSourceMap): SourceMapIndex {
  const lines: { columns: Int32Array; sources: Int32Array }[] = [];
  let source = 0;
  for (const line of map.mappings.split(';')) {
    const columns: number[] = [];
    const sources: number[] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = decodeVlq(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) source += fields[1] ?? 0;
      columns.push(column);
      sources.push(fields.length >= 4 ? source : -1);
    }
    lines.push({ columns: Int32Array.from(columns), sources: Int32Array.from(sources) });
  }
  return { sources: map.sources, lines };
}

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < segment.length; i++) {
    const digit = DIGIT[segment.charCodeAt(i)] ?? -1;
    if (digit < 0) throw new Error(`bad VLQ ${segment}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** The source of a generated position (0-based line and column), or undefined. */
export function sourceAt(index: SourceMapIndex, line: number, column: number): string | undefined {
  const l = index.lines[line];
  if (!l || l.columns.length === 0) return undefined;
  let lo = 0;
  let hi = l.columns.length - 1;
  if ((l.columns[0] as number) > column) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((l.columns[mid] as number) <= column) lo = mid;
    else hi = mid - 1;
  }
  const s = l.sources[lo] as number;
  return s < 0 ? undefined : index.sources[s];
}

/** Bytes of generated code per package or project directory (see `placeOf`), largest first. */
export function bytesByPlace(index: SourceMapIndex, code: string): { name: string; bytes: number }[] {
  const totals = new Map<string, number>();
  const codeLines = code.split('\n');
  index.lines.forEach((l, i) => {
    const length = codeLines[i]?.length ?? 0;
    for (let k = 0; k < l.columns.length; k++) {
      const s = l.sources[k] as number;
      const end = k + 1 < l.columns.length ? (l.columns[k + 1] as number) : length;
      const name = s < 0 ? '(unmapped)' : placeOf(index.sources[s] ?? '');
      totals.set(name, (totals.get(name) ?? 0) + (end - (l.columns[k] as number)));
    }
  });
  return [...totals].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes }));
}
