/** Reading test fixtures and unwrapping parse results, for the parser's tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { InputIssue, ParseResult, UploadContent } from '../../lambdas/core/domain.js';
import { parseUpload } from '../../lambdas/core/parse/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The bytes of `test/fixtures/{name}`. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES}${name}`));
}

/** The accepted result; throws with every error's message when it was refused. */
export function expectOk(result: ParseResult): { content: UploadContent; warnings: readonly InputIssue[] } {
  if (!result.ok) throw new Error(`expected ok, got errors:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result;
}

/** The refused result's errors; throws when it was accepted. */
export function expectErrors(result: ParseResult): readonly InputIssue[] {
  if (result.ok) throw new Error('expected errors, got ok');
  return result.errors;
}

/** code/sheet/row/column of each issue, for exact comparisons. */
export function where(
  issues: readonly InputIssue[],
): { code: string; sheet?: string; row?: number; column?: string }[] {
  return issues.map(({ code, sheet, row, column }) => ({
    code,
    ...(sheet === undefined ? {} : { sheet }),
    ...(row === undefined ? {} : { row }),
    ...(column === undefined ? {} : { column }),
  }));
}

/** Parses the upload and returns what was accepted; throws with every error's message when it was refused. */
export async function parsed(
  name: string,
  bytes: Uint8Array,
): Promise<{ content: UploadContent; warnings: readonly InputIssue[] }> {
  return expectOk(await parseUpload(name, bytes));
}

/** Parses `test/fixtures/{name}` as an upload of that name and returns what was accepted. */
export function parsedFixture(name: string): Promise<{ content: UploadContent; warnings: readonly InputIssue[] }> {
  return parsed(name, fixture(name));
}
