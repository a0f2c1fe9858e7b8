/**
 * Bundles each handler with esbuild, with the options the stack gives `NodejsFunction`
 * (cdk/bundling.ts), into a temporary directory and reports, for the SDK bundled and
 * for the SDK taken from the runtime:
 *   - the size of the minified `index.mjs`;
 *   - the time to `import()` it in a fresh Node.js process (median of 5 processes), with
 *     the NODE_OPTIONS the functions run with.
 *
 *   npx tsx cdk/measure-bundles.ts [--runs 5] [--keep] [--node-options '']
 *
 * For the runtime-SDK variant the temporary directory gets a `node_modules` symlink to
 * this repository's, standing in for the runtime's copy of the SDK.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  BUNDLE_AWS_SDK,
  esbuildOptions,
  HANDLER_ENTRIES,
  IMPORT_ENV,
  NODE_OPTIONS,
  RUNTIME_SDK_EXTERNALS,
  type HandlerName,
} from './bundling.js';
import { repoPath } from './paths.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    'node-options': { type: 'string', default: NODE_OPTIONS },
  },
});
const runs = Number(args.runs);

interface Variant {
  readonly name: string;
  readonly external: string[];
}
const variants: Variant[] = [
  { name: 'SDK bundled', external: [] },
  { name: 'SDK from runtime', external: RUNTIME_SDK_EXTERNALS },
];

async function bundle(entry: string, outdir: string, external: string[]): Promise<string> {
  const outfile = path.join(outdir, 'index.mjs');
  await build({ ...esbuildOptions(repoPath(entry), outfile, repoPath()), external, logLevel: 'error' });
  return outfile;
}

/** Milliseconds for `import()` of the file in a new process. */
function importTime(file: string): number {
  const script = `const t = process.hrtime.bigint(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.dirname(file),
    env: { ...process.env, NODE_OPTIONS: args['node-options'], ...IMPORT_ENV },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').at(-1));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tertial-bundles-'));
const rows: string[][] = [];
try {
  for (const [name, entry] of Object.entries(HANDLER_ENTRIES) as [HandlerName, string][]) {
    for (const variant of variants) {
      const dir = path.join(root, name, variant.external.length ? 'runtime-sdk' : 'bundled-sdk');
      fs.mkdirSync(dir, { recursive: true });
      if (variant.external.length) fs.symlinkSync(repoPath('node_modules'), path.join(dir, 'node_modules'), 'dir');
      const file = await bundle(entry, dir, variant.external);
      importTime(file); // warm the file system cache; not counted
      const times = Array.from({ length: runs }, () => importTime(file));
      rows.push([
        name,
        variant.name + ((variant.external.length === 0) === BUNDLE_AWS_SDK ? ' (deployed)' : ''),
        `${(fs.statSync(file).size / 1024).toFixed(0)} KiB`,
        `${median(times).toFixed(0)} ms`,
        times.map((t) => t.toFixed(0)).join(' '),
      ]);
    }
  }
} finally {
  if (args.keep) console.error(`bundles kept in ${root}`);
  else fs.rmSync(root, { recursive: true, force: true });
}

const header = ['function', 'variant', 'index.mjs', `import (median of ${runs})`, 'all runs (ms)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
console.log(
  `node ${process.version}, ${os.arch()}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, NODE_OPTIONS=${JSON.stringify(args['node-options'])}`,
);
console.log(line(header));
for (const r of rows) console.log(line(r));
