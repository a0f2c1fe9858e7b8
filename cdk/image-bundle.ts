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
import { ESBUILD_TARGET, ESM_REQUIRE_BANNER, HANDLER_ENTRIES, MAIN_FIELDS, type HandlerName } from './bundling.js';
import { DEFAULT_TEMPLATE_SOURCE, repoPath } from './paths.js';

const [name, outdir] = process.argv.slice(2);
if (!name || !outdir || !(name in HANDLER_ENTRIES)) {
  console.error(`usage: npx tsx cdk/image-bundle.ts ${Object.keys(HANDLER_ENTRIES).join('|')} OUTDIR`);
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: [repoPath(HANDLER_ENTRIES[name as HandlerName])],
  bundle: true,
  outfile: join(outdir, 'index.mjs'),
  platform: 'node',
  target: ESBUILD_TARGET,
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  keepNames: true,
  mainFields: MAIN_FIELDS,
  banner: { js: ESM_REQUIRE_BANNER },
  logLevel: 'warning',
});
// Where DEFAULT_TEMPLATE_PATH (/var/task/default.docx) points, as in the zip.
copyFileSync(DEFAULT_TEMPLATE_SOURCE, join(outdir, 'default.docx'));
