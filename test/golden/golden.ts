/**
 * Golden files: a rendered document's `word/document.xml`, prettified, and its text, kept
 * under test/fixtures/golden/ and compared line by line, so that a failure shows the diff
 * of exactly what changed in the committee document.
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/golden-documents.test.ts   # refresh them
 *
 * Review the refreshed files with `git diff test/fixtures/golden/` before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

export const GOLDEN_DIR = new URL('../fixtures/golden/', import.meta.url);
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1' || process.env.UPDATE_GOLDEN === 'true';

/**
 * One element per line, indented by depth; an element holding only text stays on one line
 * (`<w:t xml:space="preserve">Text</w:t>`), so text changes are one-line diffs. Machine-written
 * XML only: no comments, CDATA or mixed content beyond that.
 */
export function prettyXml(xml: string): string {
  const tokens = xml.match(/<[^>]+>|[^<]+/g) ?? [];
  const out: string[] = [];
  let depth = 0;
  const pad = (): string => '  '.repeat(Math.max(depth, 0));
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token.startsWith('<?')) {
      out.push(token);
    } else if (token.startsWith('</')) {
      depth--;
      out.push(pad() + token);
    } else if (token.startsWith('<')) {
      const next = tokens[i + 1];
      const after = tokens[i + 2];
      if (token.endsWith('/>')) {
        out.push(pad() + token);
      } else if (next?.startsWith('</')) {
        out.push(pad() + token + next);
        i += 1;
      } else if (next !== undefined && !next.startsWith('<') && after?.startsWith('</')) {
        out.push(pad() + token + next + after);
        i += 2;
      } else {
        out.push(pad() + token);
        depth++;
      }
    } else if (token.trim() !== '') {
      out.push(pad() + token.trim());
    }
  }
  return `${out.join('\n')}\n`;
}

/** Compares `actual` with the golden file `name`, or writes it when refreshing (or when it does not exist yet). */
export function expectGolden(name: string, actual: string): void {
  const url = new URL(name, GOLDEN_DIR);
  if (UPDATE_GOLDEN || !existsSync(url)) {
    writeFileSync(url, actual);
    if (!UPDATE_GOLDEN) throw new Error(`golden file ${name} did not exist; written now, review it and run again`);
    return;
  }
  const expected = readFileSync(url, 'utf8');
  // Line arrays: on a mismatch Vitest prints the changed lines, not two walls of text.
  expect(actual.split('\n'), `${name} differs (UPDATE_GOLDEN=1 refreshes it after review)`).toEqual(
    expected.split('\n'),
  );
}
