/**
 * The README's table of what each function role reads and writes ("Access") against
 * the synthesized grants, so the documented prefixes cannot drift from the policies.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TertialStack } from '../../cdk/stack.js';
import { grantsOfRole, logicalId, synth, type Json } from './synth.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of the table whose header starts `| function | reads | writes |`. */
function functionTable(): Map<string, { reads: string; writes: string; table: string }> {
  const lines = README.split('\n');
  const start = lines.findIndex((line) => line.startsWith('| function | reads | writes |'));
  if (start < 0) throw new Error('README has no "| function | reads | writes |" table');
  const rows = new Map<string, { reads: string; writes: string; table: string }>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [name, reads, writes, table] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()) as [string, string, string, string];
    rows.set(name, { reads, writes, table });
  }
  return rows;
}

/** The folder a key pattern is in: `templates/{c}/…` → `templates/`, `receipts/*` + `/stangning.json` → `receipts/`. */
function folderOf(pattern: string): string {
  const cut = pattern.search(/[*{…]/);
  const head = cut < 0 ? pattern : pattern.slice(0, cut);
  return head.slice(0, head.lastIndexOf('/') + 1);
}

/** The folders a cell names, per bucket in parentheses (`(input)`, `(output)`). */
function prefixesOf(cell: string, defaultBucket: 'input' | 'output'): string[] {
  const out: string[] = [];
  for (const part of cell.split(';')) {
    const bucket = /\(input\)/.test(part) ? 'input' : /\(output\)/.test(part) ? 'output' : defaultBucket;
    for (const match of part.matchAll(/`([a-z_]+\/[^`]*)`/g)) out.push(`${bucket}:${folderOf(match[1] as string)}`);
  }
  return [...new Set(out)].sort();
}

let stack: TertialStack;
let resources: Record<string, Json>;

beforeAll(() => {
  ({ stack, resources } = synth());
});

/** The README row's title → the function's role. */
const FUNCTIONS = {
  ingest: () => stack.ingest.role,
  assemble: () => stack.assemble.role,
  'template check': () => stack.templateCheck.role,
  views: () => stack.views.role,
  web: () => stack.webAccess.web.role,
} as const;

describe('README "Access": what each function role reads and writes', () => {
  /** `input:receipts/` for each prefix the role may use `action` on. */
  const granted = (role: (typeof FUNCTIONS)[keyof typeof FUNCTIONS], action: string): string[] => {
    const buckets: Record<string, string> = {
      [logicalId(stack.buckets.uploads)]: 'input',
      [logicalId(stack.buckets.documents)]: 'output',
    };
    return [
      ...new Set(
        grantsOfRole(resources, logicalId(role()))
          .filter((g) => g.actions.includes(action))
          .flatMap((g) => g.resources)
          .flatMap((resource) => {
            const m = /^([A-Za-z0-9]+):arn\/(.*)$/.exec(resource);
            return m && buckets[m[1] as string] ? [`${buckets[m[1] as string]}:${folderOf(m[2] as string)}`] : [];
          }),
      ),
    ].sort();
  };

  it('lists the five functions: the four of the pipeline and the web function', () => {
    expect([...functionTable().keys()].sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it.each(Object.entries(FUNCTIONS))('%s: the prefixes it writes are the ones the README lists', (title, role) => {
    const row = functionTable().get(title);
    expect(prefixesOf(row?.writes ?? '', 'output')).toEqual(granted(role, 's3:PutObject'));
  });

  it.each(Object.entries(FUNCTIONS))('%s: the prefixes it reads are the ones the README lists', (title, role) => {
    const row = functionTable().get(title);
    expect(prefixesOf(row?.reads ?? '', 'output')).toEqual(granted(role, 's3:GetObject'));
  });

  it.each(Object.entries(FUNCTIONS))(
    '%s: the table actions, and the item kinds of each, are the ones the README lists',
    (title, role) => {
      const row = functionTable().get(title);
      // `PERIOD#…`, `COMMITTEE#…`: GetItem, Query; `PERIOD#…`: BatchWriteItem
      const documented = (row?.table ?? '').split(';').flatMap((part) => {
        const kinds = [...part.matchAll(/`([A-Z]+#)…`/g)].map((m) => m[1] as string).sort();
        return [...part.matchAll(/\b(GetItem|Query|UpdateItem|BatchWriteItem|PutItem|DeleteItem|Scan)\b/g)].map(
          (m) => `dynamodb:${m[1]} [${kinds.join(' ')}]`,
        );
      });
      const granted = grantsOfRole(resources, logicalId(role()))
        .filter((g) => g.actions.some((a) => a.startsWith('dynamodb:')))
        .flatMap((g) => {
          const patterns = [
            g.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? [],
          ].flat() as string[];
          const kinds = patterns.map((p) => p.replace(/\*$/, '')).sort();
          return g.actions.map((a) => `${a} [${kinds.join(' ')}]`);
        });
      expect(documented.sort()).toEqual(granted.sort());
    },
  );
});
