import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { repoPath } from '../paths.js';

export interface TertialFunctionOptions {
  /** Handler file relative to the repository root, e.g. `lambdas/ingest/handler.ts`. */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly commandHooks?: nodejs.ICommandHooks;
}

/**
 * A Node.js function as both handlers need it. Bundled locally with esbuild (no Docker).
 */
export function tertialFunction(scope: Construct, id: string, options: TertialFunctionOptions): nodejs.NodejsFunction {
  return new nodejs.NodejsFunction(scope, id, {
    entry: repoPath(options.entry),
    handler: 'handler',
    projectRoot: repoPath(),
    depsLockFilePath: repoPath('package-lock.json'),
    description: options.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    // Graviton: cheaper per GB-second, and the bundle is pure JavaScript (no native modules).
    architecture: lambda.Architecture.ARM_64,
    // Lambda allocates CPU in proportion to memory. Unzipping and walking .xlsx/.docx XML
    // (read-excel-file, docxtemplater/pizzip) is CPU-bound and holds whole files in memory;
    // 1024 MB keeps a large workbook or report at a few seconds instead of tens.
    memorySize: 1024,
    timeout: options.timeout,
    environment: {
      // Stack traces point at the TypeScript sources (see `sourceMap` below).
      NODE_OPTIONS: '--enable-source-maps',
    },
    bundling: {
      format: nodejs.OutputFormat.ESM,
      // Prefer packages' ESM builds so esbuild can tree-shake them.
      mainFields: ['module', 'main'],
      // An ES module has no `require`. A bundled CommonJS dependency that calls
      // `require('fs')` etc. at run time would hit esbuild's "Dynamic require of ... is not
      // supported" shim; give the bundle a real `require`.
      banner: "import { createRequire as __tertialCreateRequire } from 'node:module'; const require = __tertialCreateRequire(import.meta.url);",
      sourceMap: true,
      sourcesContent: false,
      minify: true,
      keepNames: true,
      // `@aws-sdk/*` stays external (the default): the Node.js runtime provides SDK v3.
      commandHooks: options.commandHooks,
    },
  });
}
