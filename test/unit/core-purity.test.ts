/**
 * The pure core (`lambdas/core/`) must run anywhere the handlers' domain code runs: in
 * a test, in the CLI, in a bench, without AWS, a Lambda runtime or a disk. Everything
 * that touches those lives in `lambdas/runtime/`, `lambdas/storage/` or the handlers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const CORE = join(ROOT, 'lambdas/core');

/** Modules the core may not import, and why a reader of the failure should care. */
const FORBIDDEN: ReadonlyArray<readonly [RegExp, string]> = [
  [/^@aws-sdk\//, 'the AWS SDK'],
  [/^@smithy\//, 'the AWS SDK'],
  [/^aws-lambda$/, 'Lambda event types'],
  [/^@aws-lambda-powertools\//, 'Powertools'],
  [/^(node:)?fs(\/promises)?$/, 'file system access'],
  [/^(node:)?path(\/posix|\/win32)?$/, 'file paths'],
  [/^(node:)?child_process$/, 'processes'],
];

/** Every module specifier of a source file: static and type imports, re-exports, `import()` and `require()`. */
function moduleSpecifiers(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function forbiddenImports(source: string): Array<{ specifier: string; reason: string }> {
  return moduleSpecifiers(source).flatMap((specifier) => {
    const hit = FORBIDDEN.find(([pattern]) => pattern.test(specifier));
    return hit ? [{ specifier, reason: hit[1] }] : [];
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('the core imports nothing of AWS, Lambda or the file system', () => {
  it('no file under lambdas/core imports the AWS SDK, aws-lambda, Powertools, node:fs or node:path', () => {
    const files = sourceFiles(CORE);
    expect(files.length).toBeGreaterThan(10);
    const violations = files.flatMap((file) =>
      forbiddenImports(readFileSync(file, 'utf8')).map(
        ({ specifier, reason }) => `${relative(ROOT, file)} imports ${specifier} (${reason})`,
      ),
    );
    expect(violations).toEqual([]);
  });

  it('the scan sees type imports, re-exports, dynamic imports and require calls', () => {
    const source = [
      "import type { S3Event } from 'aws-lambda';",
      "export { Logger } from '@aws-lambda-powertools/logger';",
      "const fs = await import('node:fs/promises');",
      "const path = require('path');",
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { inflateRawSync } from 'node:zlib';",
      "import { parseKey } from './keys.js';",
    ].join('\n');
    expect(forbiddenImports(source).map((v) => v.specifier)).toEqual([
      'aws-lambda',
      '@aws-lambda-powertools/logger',
      'node:fs/promises',
      'path',
      '@aws-sdk/client-s3',
    ]);
  });
});
