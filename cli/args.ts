/**
 * One argument style for every command, checked strictly: the tertial as `NÄMND PERIOD`
 * (or `--committee NÄMND --period PERIOD`), then the command's files, then its options.
 * Anything unknown or extra is refused with one Swedish line and the command's usage
 * line, never Node's English parseArgs message.
 */
import { TertialError } from '../lambdas/core/errors.js';
import { parseArgs } from 'node:util';
import { COMMITTEE_PATTERN, type Period, type Tertial } from '../lambdas/core/domain.js';
import { COMMANDS, type CommandSpec } from './usage.mjs';
import { editDistance } from '../lambdas/core/parse/near-miss.js';

/** A problem the person running the command can fix: one line, then the usage line; exit code 2. */
export class UsageError extends TertialError {
  constructor(
    message: string,
    readonly usage?: string,
    options?: { cause?: unknown },
  ) {
    super('usage', message, options);
    this.name = 'UsageError';
  }
}

export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** Set for commands that take a tertial. */
  readonly period: Period | undefined;
  readonly files: readonly string[];
}

const TERTIAL_OPTIONS = { committee: { type: 'string' }, period: { type: 'string' } } as const;

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function parseCommand(spec: CommandSpec, args: readonly string[]): ParsedCommand {
  const fail = (message: string): never => {
    throw new UsageError(message, spec.usage);
  };
  const options = { ...spec.options, ...(spec.period ? TERTIAL_OPTIONS : {}) };
  // Not strict: every token is checked here, so the messages are ours.
  const { tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  let lastMultiple: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      // `--previous a.xlsx b.xlsx` (a shell glob): the files after the first belong to it.
      if (lastMultiple !== undefined) (values[lastMultiple] as string[]).push(token.value);
      else positionals.push(token.value);
      continue;
    }
    const name = token.name;
    const option = (options as Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>)[name];
    if (!option) {
      const suggestion = closest(name, Object.keys(options));
      fail(`Okänd flagga "${token.rawName}"${suggestion ? `; menade du --${suggestion}?` : '.'}`);
    }
    lastMultiple = undefined;
    if (option?.type === 'boolean') {
      if (token.inlineValue) fail(`Flaggan --${name} tar inget värde.`);
      values[name] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--')))
      fail(`Flaggan --${name} behöver ett värde.`);
    if (option?.multiple) {
      values[name] = [...((values[name] as string[] | undefined) ?? []), token.value as string];
      lastMultiple = name;
    } else {
      if (values[name] !== undefined) fail(`Flaggan --${name} står två gånger.`);
      values[name] = token.value;
    }
  }

  let period: Period | undefined;
  let rest = positionals;
  if (spec.period) {
    const byOption = values.committee !== undefined || values.period !== undefined;
    const committee = byOption ? (values.committee as string | undefined) : positionals[0];
    const label = byOption ? (values.period as string | undefined) : positionals[1];
    if (committee === undefined || label === undefined) fail('Ange nämnd och period, till exempel: ks 2024-T1.');
    period = parseTertial(committee as string, label as string, fail);
    rest = byOption ? positionals : positionals.slice(2);
  }
  const [min, max] = spec.files;
  if (rest.length > max) fail(max === 0 ? `Okänt argument "${rest[0]}".` : `För många argument: "${rest[max]}".`);
  if (rest.length < min) fail(min === 1 && max === 1 ? 'Ange filen.' : 'Ange minst en fil (.xlsx eller .csv).');
  return { values, period, files: rest };
}

/** `ks` and `2024-T2` (`t2` in any case), strictly; each part blamed on its own. */
function parseTertial(committee: string, label: string, fail: (message: string) => never): Period {
  if (!COMMITTEE_PATTERN.test(committee)) {
    const lower = committee.toLowerCase();
    fail(
      `Nämnden "${committee}" är inte giltig: små bokstäver a–z, siffror och bindestreck, högst 32 tecken` +
        (COMMITTEE_PATTERN.test(lower) ? `; menade du ${lower}?` : ', till exempel ks.'),
    );
  }
  const m = /^(\d{4})-[Tt](\d+)$/.exec(label);
  if (!m) {
    const loose = /^(\d{4})\s*[-–]?\s*[Tt]?\s*([123])$/.exec(label.trim());
    fail(
      `Perioden "${label}" ska skrivas ÅÅÅÅ-TN${loose ? `; menade du ${loose[1]}-T${loose[2]}?` : ', till exempel 2024-T1.'}`,
    );
  }
  const tertial = Number(m?.[2]);
  if (tertial < 1 || tertial > 3)
    fail(`Tertial ${m?.[2]} finns inte: ett år har T1 (januari–april), T2 (maj–augusti) och T3 (september–december).`);
  return { committee, year: Number(m?.[1]), tertial: tertial as Tertial };
}

/** The candidate nearest to `word` (edit distance at most 2, or a prefix), or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d =
      candidate.startsWith(word) && word.length >= 3 ? 0.5 : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}
