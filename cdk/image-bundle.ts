/**
 * Bundles one handler as the container image runs it: `index.mjs` (esbuild, with the
 * options the zip functions get from cdk/bundling.ts) and, beside it, the default
 * template. Run by the Dockerfile's build stage:
 *
 *   npx tsx cdk/image-bundle.ts assemble /function
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions, HANDLER_ENTRIES, type HandlerName } from './bundling.js';
import { DEFAULT_TEMPLATE_SOURCE, repoPath } from './paths.js';

const [name, outdir] = process.argv.slice(2);
if (!name || !outdir || !(name in HANDLER_ENTRIES)) {
  console.error(`usage: npx tsx cdk/image-bundle.ts ${Object.keys(HANDLER_ENTRIES).join('|')} OUTDIR`);
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
await build({
  ...esbuildOptions(repoPath(HANDLER_ENTRIES[name as HandlerName]), join(outdir, 'index.mjs'), repoPath()),
  logLevel: 'warning',
});
// Where DEFAULT_TEMPLATE_PATH (/var/task/default.docx) points, as in the zip.
copyFileSync(DEFAULT_TEMPLATE_SOURCE, join(outdir, 'default.docx'));
