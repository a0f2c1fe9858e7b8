/**
 * `npm run fuzz [-- --seconds N --out DIR --from SEED --kind workbook|template]`: runs seeded cases of
 * test/fuzz/fuzz.ts for N seconds (default 60), writing each failing input to DIR (default
 * `fuzz-failures/`) with a `.txt` beside it saying why, to be kept as a test fixture. The
 * case about to run is written to DIR/current.* first, so an input that hangs the process
 * is on disk too. Exits 1 when any case failed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { caseFileName, loadSeeds, makeCase, runCase } from './fuzz.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    out: { type: 'string', default: 'fuzz-failures' },
    from: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    kind: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const from = Number(values.from);
if (!(seconds > 0) || !Number.isInteger(from))
  throw new Error('usage: npm run fuzz -- [--seconds N] [--out DIR] [--from SEED]');
const out = values.out;
await mkdir(out, { recursive: true });
const seeds = loadSeeds().filter((s) => values.kind === undefined || s.kind === values.kind);
if (seeds.length === 0) throw new Error('--kind: workbook or template');
const deadline = Date.now() + seconds * 1000;
let runs = 0;
let failures = 0;
for (let id = from; Date.now() < deadline; id++) {
  const c = makeCase(id, seeds);
  await writeFile(join(out, `current.${c.kind === 'workbook' ? 'xlsx' : 'docx'}`), c.bytes);
  const verdict = await runCase(c);
  runs++;
  if (!verdict.ok) {
    failures++;
    await writeFile(join(out, caseFileName(c)), c.bytes);
    await writeFile(
      join(out, `${caseFileName(c)}.txt`),
      `seed ${c.id}: ${c.mutation} of ${c.seedName}\n${verdict.reason}\n`,
    );
    process.stderr.write(`FAIL seed ${c.id} ${c.mutation} of ${c.seedName}: ${verdict.reason}\n`);
  }
}
await rm(join(out, 'current.xlsx'), { force: true });
await rm(join(out, 'current.docx'), { force: true });
process.stdout.write(
  `${runs} cases from seed ${from}, ${failures} failing${failures > 0 ? ` (inputs in ${out}/)` : ''}\n`,
);
process.exitCode = failures > 0 ? 1 : 0;
