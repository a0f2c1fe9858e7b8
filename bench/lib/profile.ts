/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and per
 * package (or project directory), and total (inclusive) time of chosen functions.
 *
 *   node --import tsx bench/lib/profile.ts FILE.cpuprofile [--top 25] [--total name,name]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** 0-based. */
  readonly lineNumber: number;
  readonly columnNumber?: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by function (`name (where:line)`), largest first. */
  readonly functions: readonly { readonly name: string; readonly ms: number }[];
  /** Self time by package (`node_modules/x`) or project directory, largest first. */
  readonly places: readonly { readonly name: string; readonly ms: number }[];
  /** Inclusive time of every function whose name is asked for (summed over its frames, not double-counting recursion). */
  readonly totals: Readonly<Record<string, number>>;
}

/** Where a script URL belongs: `docxtemplater`, `lambdas/core/parse`, `(native)`, `(gc)`. */
export function placeOf(url: string, functionName = ''): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  // node:internal/source_map/source_map → node:internal/source_map
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const project = /\/(lambdas\/[^/]+(?:\/parse)?|bench|cli|cdk)\//.exec(url);
  if (project) return project[1] as string;
  return url.replace(/^.*\//, '');
}

/** A script URL shortened for display: `docxtemplater/js/doc-utils.js`, `lambdas/core/report.ts`. */
function fileOf(url: string): string {
  const nm = /node_modules\/(.*)$/.exec(url);
  if (nm) return nm[1] as string;
  const project = /\/((?:lambdas|bench|cli|cdk)\/.*)$/.exec(url);
  return project ? (project[1] as string) : url.replace(/^.*\//, '');
}

export function summarizeProfile(profile: CpuProfile, totalsFor: readonly string[] = []): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  const totals = new Map<string, number>(totalsFor.map((t) => [t, 0]));
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    const where = url ? `${fileOf(url)}:${lineNumber + 1}` : '';
    const fname = `${functionName || '(anonymous)'}${where ? ` (${where})` : ''}`;
    functions.set(fname, (functions.get(fname) ?? 0) + us);
    const place = placeOf(url, functionName);
    places.set(place, (places.get(place) ?? 0) + us);
    if (totalsFor.length > 0) {
      // Inclusive time: charge this sample to each asked-for function on its stack, once.
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const name = byId.get(cur)?.callFrame.functionName ?? '';
        if (totals.has(name) && !seen.has(name)) {
          seen.add(name);
          totals.set(name, (totals.get(name) ?? 0) + us);
        }
      }
    }
  }
  const sorted = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000 }));
  return {
    totalMs: total / 1000,
    functions: sorted(functions),
    places: sorted(places),
    totals: Object.fromEntries([...totals].map(([k, us]) => [k, us / 1000])),
  };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatSummary(s: ProfileSummary, top = 20): string {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)} %`;
  const lines = [`sampled ${s.totalMs.toFixed(0)} ms`, '', 'self time by package / directory:'];
  for (const p of s.places.slice(0, 12)) lines.push(`  ${pct(p.ms)}  ${p.ms.toFixed(0).padStart(6)} ms  ${p.name}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const f of s.functions.slice(0, top)) lines.push(`  ${pct(f.ms)}  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
  if (Object.keys(s.totals).length > 0) {
    lines.push('', 'inclusive time:');
    for (const [name, ms] of Object.entries(s.totals))
      lines.push(`  ${pct(ms)}  ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '20' }, total: { type: 'string', default: '' } },
  });
  for (const file of positionals) {
    const totals = values.total ? values.total.split(',') : [];
    console.log(`${file}\n${formatSummary(summarizeProfile(readProfile(file), totals), Number(values.top))}\n`);
  }
}
