/**
 * The `tertial` command's start, as a person meets it: `tertial --help` and `tertial
 * render` of the example workbooks, each a fresh process, interleaved round by round
 * with a bare `node -e 0` start (the floor of any Node.js command on this machine).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoPath } from '../cdk/paths.js';
import { interleaveTimed, median, medianRatio } from './lib/measure.js';

export interface CliResult {
  readonly bare_ms: number;
  readonly help_ms: number;
  readonly render_ms: number;
  readonly help_vs_bare: number;
  readonly render_vs_bare: number;
  readonly samples: Readonly<Record<string, readonly number[]>>;
}

function timedRun(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    execFile(process.execPath, [...args], { cwd: repoPath(), env: { ...process.env, NODE_OPTIONS: '' } }, (error) => {
      if (error) reject(error);
      else resolve(performance.now() - start);
    });
  });
}

export async function benchCli(rounds: number): Promise<CliResult> {
  const work = await mkdtemp(join(tmpdir(), 'tertial-bench-cli-'));
  try {
    const bin = repoPath('bin', 'tertial.mjs');
    const examples = (await readdir(repoPath('examples')))
      .filter((f) => f.endsWith('.xlsx'))
      .map((f) => join('examples', f));
    const samples = await interleaveTimed(
      {
        bare: () => timedRun(['-e', '0']),
        help: () => timedRun([bin, '--help']),
        render: () => timedRun([bin, 'render', 'ks', '2023-T3', ...examples, '--out', join(work, 'rapport.docx')]),
      },
      { rounds, warmup: 1 },
    );
    const bare = samples.bare ?? [];
    const help = samples.help ?? [];
    const render = samples.render ?? [];
    return {
      bare_ms: median(bare),
      help_ms: median(help),
      render_ms: median(render),
      help_vs_bare: medianRatio(help, bare),
      render_vs_bare: medianRatio(render, bare),
      samples,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
