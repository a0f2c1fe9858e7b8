/**
 * Timing on a shared, noisy machine: every case is measured against its baselines in the
 * same process, interleaved round by round (the order rotates, so no case always runs
 * right after the same other one), and summarised as a median.
 */
import { performance } from 'node:perf_hooks';

export type Case = () => unknown;

export interface Samples {
  readonly [name: string]: readonly number[];
}

export interface InterleaveOptions {
  /** Measured rounds; each runs every case once. */
  readonly rounds: number;
  /** Unmeasured rounds first (JIT, caches). */
  readonly warmup?: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Milliseconds of each case in each round. A collection runs before each sample when `--expose-gc` is on. */
export function interleave(cases: Readonly<Record<string, Case>>, options: InterleaveOptions): Promise<Samples> {
  const timed = Object.fromEntries(
    Object.entries(cases).map(([name, run]) => [
      name,
      async () => {
        const start = performance.now();
        await run();
        return performance.now() - start;
      },
    ]),
  );
  return interleaveTimed(timed, options);
}

/** As {@link interleave}, for cases that time themselves (and leave set-up out): each returns its milliseconds. */
export async function interleaveTimed(
  cases: Readonly<Record<string, () => number | Promise<number>>>,
  options: InterleaveOptions,
): Promise<Samples> {
  const names = Object.keys(cases);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const total = (options.warmup ?? 1) + options.rounds;
  for (let round = 0; round < total; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as string;
      gc?.();
      const ms = await cases[name]!();
      if (round >= total - options.rounds) samples[name]!.push(ms);
    }
  }
  return samples;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Median of the per-round ratios a/b: each round's pair ran back to back, so a slow
 * moment of the machine affects both sides of a ratio alike.
 */
export function medianRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((x, i) => x / (b[i] as number)));
}

export function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
