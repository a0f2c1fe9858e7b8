/**
 * Fresh processes for the peak-RSS cases. The child's entry is bundled with esbuild, with
 * the options the CDK stack bundles the Lambdas with (cdk/bundling.ts), and run with plain
 * `node`: no tsx loader, no inspector, nothing in its memory the Lambda would not have.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../cdk/bundling.js';
import { repoPath } from '../../cdk/paths.js';

/** Bundles `entry` (relative to the repository) into `outdir`; returns the .mjs path. */
export async function bundleChild(entry: string, outdir: string): Promise<string> {
  const outfile = path.join(outdir, `${path.basename(entry, '.ts')}.mjs`);
  await build({
    ...esbuildOptions(repoPath(entry), outfile, repoPath()),
    // The Node.js that runs the benchmark, not the Lambda runtime's.
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: false,
    logLevel: 'error',
  });
  return outfile;
}

/** Runs the bundled child with `args` and resolves with the one message it sends. */
export function runChild<T>(file: string, args: readonly string[], timeoutMs = 120_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = fork(file, [...args], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let message: T | undefined;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${path.basename(file)} ${args.join(' ')}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (m) => {
      message = m as T;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && message !== undefined) resolve(message);
      else reject(new Error(`${path.basename(file)} ${args.join(' ')} exited with ${code}`));
    });
  });
}
