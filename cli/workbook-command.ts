/**
 * `tertial workbook`: writes the workbook staff fill in (lambdas/core/workbook.ts), with
 * the previous tertial carried over from files (`--previous`, offline) or from the
 * running local stack (`--from-local`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseCommitteeConfig, type CommitteeConfig } from '../lambdas/core/committee.js';
import {
  formatPeriod,
  type InputIssue,
  type Period,
  type Tertial,
  type UploadContent,
} from '../lambdas/core/domain.js';
import { configKey } from '../lambdas/core/keys.js';
import { parseUpload } from '../lambdas/core/parse/index.js';
import { buildWorkbook, carryOver, type WorkbookGoal } from '../lambdas/core/workbook.js';
import { createRuntime, type Runtime } from '../lambdas/storage/runtime.js';
import type { ParsedCommand } from './args.js';
import { formatIssue } from './issue-text.js';
import { assertStackRunning, LOCAL_BUCKETS, localPorts, localRuntimeConfig } from './local-config.js';
import { TertialError } from '../lambdas/core/errors.js';

/** A problem the person running the command can fix; printed as one line, exit code 2. */
class WorkbookUsageError extends TertialError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** Writes the workbook; returns the exit code. Faults (a stack that does not answer) throw. */
export async function workbookCommand(cmd: ParsedCommand): Promise<number> {
  try {
    return await run(cmd);
  } catch (err) {
    if (!(err instanceof WorkbookUsageError)) throw err;
    process.stderr.write(`tertial: ${err.message}\n`);
    return 2;
  }
}

async function run(cmd: ParsedCommand): Promise<number> {
  const values = cmd.values as {
    out?: string;
    previous?: string[];
    'from-local'?: boolean;
    goals?: string;
    config?: string;
  };
  const period = cmd.period as Period;
  const previousFiles = values.previous ?? [];
  if (!values.out)
    throw new WorkbookUsageError('Ange var arbetsboken ska sparas med --out, till exempel --out uppfoljning.xlsx.');
  if (!values.out.toLowerCase().endsWith('.xlsx'))
    throw new WorkbookUsageError(`--out ska vara en .xlsx-fil, inte "${values.out}".`);
  if (values['from-local'] && previousFiles.length > 0)
    throw new WorkbookUsageError('Använd antingen --previous eller --from-local, inte båda.');

  const problems: InputIssue[] = [];
  let config: CommitteeConfig | undefined;
  if (values.config) config = configFrom(period.committee, await readFile(values.config, 'utf8'), problems);

  let goals: WorkbookGoal[] = [];
  if (values.goals) goals = [...((await parseFiles([values.goals], problems))[0]?.goals ?? [])];

  let previous: UploadContent[] | undefined;
  let source = '';
  if (values['from-local']) {
    const earlier = previousTertial(period);
    if (!earlier)
      throw new WorkbookUsageError(
        `Tertial 1 har ingen tidigare tertial samma år att föra över från. Skriv arbetsboken utan --from-local.`,
      );
    const local = await withLocalRuntime((runtime) => readLocal(runtime, earlier, config === undefined, problems));
    previous = local.previous;
    config ??= local.config;
    source = formatPeriod(earlier);
  } else if (previousFiles.length > 0) {
    previous = await parseFiles(previousFiles, problems);
    source = previousFiles.map((f) => basename(f)).join(', ');
  }

  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`fel: ${formatIssue(p)}\n`);
    process.stderr.write(`tertial: ingen arbetsbok skapades (${problems.length} fel).\n`);
    return 1;
  }

  const bytes = await buildWorkbook({
    period,
    ...(config ? { config } : {}),
    ...(previous ? { previous } : {}),
    goals,
  });
  await writeFile(values.out, bytes);
  const carried = carryOver(previous ?? [], goals);
  const what = `${carried.goals.length} mål, ${carried.activities.length} ${carried.activities.length === 1 ? 'aktivitet' : 'aktiviteter'}`;
  process.stdout.write(
    `Arbetsboken för ${formatPeriod(period)} är sparad: ${resolve(values.out)} (${what}${previous ? ` förda över från ${source}` : ''}).\n`,
  );
  return 0;
}

function configFrom(committee: string, json: string | undefined, problems: InputIssue[]): CommitteeConfig | undefined {
  const result = parseCommitteeConfig(committee, json);
  if (!result.ok) {
    problems.push(...result.errors);
    return undefined;
  }
  for (const w of result.warnings) process.stderr.write(`varning: ${formatIssue(w)}\n`);
  return result.config;
}

/** Parses each file as an upload; a file with errors is reported and carries nothing. */
async function parseFiles(paths: readonly string[], problems: InputIssue[]): Promise<UploadContent[]> {
  const contents: UploadContent[] = [];
  for (const path of paths) {
    const result = await parseUpload(basename(path), await readFile(path));
    if (result.ok) contents.push(result.content);
    else problems.push(...result.errors);
  }
  return contents;
}

function previousTertial(period: Period): Period | undefined {
  return period.tertial === 1 ? undefined : { ...period, tertial: (period.tertial - 1) as Tertial };
}

async function readLocal(
  runtime: Runtime,
  earlier: Period,
  wantConfig: boolean,
  problems: InputIssue[],
): Promise<{ previous: UploadContent[]; config?: CommitteeConfig }> {
  const record = await runtime.repo.getPeriod(earlier);
  if (!record)
    throw new WorkbookUsageError(
      `${formatPeriod(earlier)} har inga uppladdade filer i den lokala stacken, så det finns inget att föra över.`,
    );
  const uploads = await runtime.repo.readActiveUploads(record);
  let config: CommitteeConfig | undefined;
  if (wantConfig) {
    const object = await runtime.objects.get(LOCAL_BUCKETS.uploads, configKey(earlier.committee));
    config = configFrom(earlier.committee, object ? new TextDecoder().decode(object.bytes) : undefined, problems);
  }
  return { previous: uploads.map((u) => u.content), ...(config ? { config } : {}) };
}

/**
 * Clients for the running local stack, as `tertial upload` and `tertial status` make them
 * (cli/main.ts keeps its helper private; the ports come from the same variables).
 */
async function withLocalRuntime<T>(use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const ports = localPorts();
  await assertStackRunning(ports);
  const runtime = createRuntime(localRuntimeConfig(ports));
  try {
    return await use(runtime);
  } finally {
    runtime.clients.s3.destroy();
    runtime.clients.dynamo.destroy();
  }
}
