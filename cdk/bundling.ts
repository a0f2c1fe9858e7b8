/**
 * How the Lambda handlers are built, in one place: the stack's `NodejsFunction`s and
 * `cdk/measure-bundles.ts` (which runs esbuild directly with the same options to report
 * bundle sizes and import times) both read it.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { BuildOptions } from 'esbuild';

/** The handler files, relative to the repository root; each exports `handler`. */
export const HANDLER_ENTRIES = {
  ingest: 'lambdas/ingest/handler.ts',
  assemble: 'lambdas/assemble/handler.ts',
  templateCheck: 'lambdas/template-check/handler.ts',
  views: 'lambdas/views/handler.ts',
  web: 'lambdas/web/handler.ts',
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;

export const RUNTIME = lambda.Runtime.NODEJS_24_X;

/** esbuild `--target` for {@link RUNTIME}, as `NodejsFunction` derives it. */
export const ESBUILD_TARGET = 'node24';

/** Prefer packages' ESM builds so esbuild can tree-shake them. */
export const MAIN_FIELDS = ['module', 'main'];

/**
 * An ES module has no `require`. A bundled CommonJS dependency that calls
 * `require('fs')` etc. at run time would hit esbuild's "Dynamic require of ... is not
 * supported" shim; give the bundle a real `require`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __tertialCreateRequire } from 'node:module'; const require = __tertialCreateRequire(import.meta.url);";

/**
 * The AWS SDK v3 clients are bundled, not taken from the Lambda runtime:
 * - the code runs against the SDK version in package-lock.json, the one the unit and
 *   integration tests ran against, not whatever version the runtime ships that month
 *   (the runtime's copy is updated by AWS without notice and may lag behind or run
 *   ahead of what we tested, e.g. the S3 checksum defaults changed in a minor release);
 * - measured with `npx tsx cdk/measure-bundles.ts`, a minified, tree-shaken bundle
 *   imports faster than the runtime's SDK, which Node.js loads from many separate files
 *   (figures in the README, "Deploy to AWS").
 */
export const BUNDLE_AWS_SDK = true;

/**
 * The functions' NODE_OPTIONS: none. `--enable-source-maps` made Node.js read and decode
 * each bundle's source map at import, the largest share of a cold start (about a third of
 * the assemble bundle's import, `npm run bench`, bundles). Stack traces stay readable
 * without it: `keepNames` keeps every function's and class's TypeScript name in the
 * minified bundle, so each frame names the function it is in, and the bundle still
 * carries its source map (`index.mjs.map`, without the sources' content) for mapping a
 * frame's `index.mjs:LINE:COLUMN` back to the TypeScript file and line when needed
 * (README, "Deploy to AWS").
 */
export const NODE_OPTIONS: string = '';

/**
 * The most a handler's `index.mjs` may weigh: the import (the cold start) follows the
 * size, as most of it is compiling the bundle (README, "Deploy to AWS").
 * `test/cdk/bundles.test.ts` holds every handler to it, `npm run bench` reports it.
 */
export const MAX_BUNDLE_BYTES = 1024 * 1024;

/**
 * Packages replaced in every bundle, relative to the repository root (esbuild `--alias`,
 * resolved in the working directory, which is the repository root for `NodejsFunction`'s
 * local bundling, `cdk/measure-bundles.ts` and `cdk/image-bundle.ts`):
 * - `pako` (pizzip's inflate and deflate, loaded twice, about 95 KiB of each bundle that
 *   renders) by the same calls over node:zlib (`cdk/pako-zlib/`). esbuild maps a
 *   package's subpaths too, so `pako/dist/pako.es5.min.js` goes to
 *   `cdk/pako-zlib/dist/pako.es5.min.ts`;
 * - `@aws-sdk/credential-provider-node` (the SDK's default credential chain) by the
 *   environment's credentials alone (`cdk/lambda-credentials/`), which is where Lambda
 *   puts the function role's: the chain's other links and the STS and SSO clients they
 *   carry are about 100 KiB of each bundle.
 */
export const ESBUILD_ALIAS: Readonly<Record<string, string>> = {
  pako: './cdk/pako-zlib',
  '@aws-sdk/credential-provider-node': './cdk/lambda-credentials',
};

/**
 * The esbuild options of a handler's bundle, as `NodejsFunction` builds it with the
 * stack's `bundling` props, for the scripts that run esbuild themselves.
 */
export function esbuildOptions(entry: string, outfile: string, rootDir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    outfile,
    absWorkingDir: rootDir,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    keepNames: true,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    alias: { ...ESBUILD_ALIAS },
  };
}

/** What `NodejsFunction` marks external when {@link BUNDLE_AWS_SDK} is false (with the `sdkV3ExcludeSmithyPackages` flag). */
export const RUNTIME_SDK_EXTERNALS = ['@aws-sdk/*', '@smithy/*'];

/**
 * The environment a handler reads when its bundle is imported, with stand-in values:
 * `cdk/measure-bundles.ts` and the bench import each bundle in a fresh process, and an
 * eager read of an unset variable would fail the measurement instead of timing it.
 */
export const IMPORT_ENV: Readonly<Record<string, string>> = {
  UPLOADS_BUCKET: 'u',
  DOCUMENTS_BUCKET: 'd',
  TABLE_NAME: 't',
  SIGN_IN_PARAMETER: 's',
  AWS_REGION: 'eu-north-1',
};
