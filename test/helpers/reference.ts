/** The reference document's text (Ånge kommun, KS måluppföljning T3 2023), as lines. */
import { readFileSync } from 'node:fs';

const REFERENCE = new URL(
  '../fixtures/reference/kommunstyrelsens-maluppfoljning-tertialrapport-3-2023.txt',
  import.meta.url,
);

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Every non-empty line of the reference, whitespace collapsed, in order. */
export function referenceLines(): string[] {
  return readFileSync(REFERENCE, 'utf8')
    .split(/\r?\n/)
    .map(collapse)
    .filter((line) => line.length > 0);
}

/**
 * The reference lines that do not occur, in order, in `text`. Each line must be found
 * after the previous one; the PDF wrapped paragraphs into lines, so lines are
 * searched in the whitespace-collapsed text of the whole document.
 */
export function missingReferenceLines(text: string): string[] {
  const haystack = collapse(text);
  const missing: string[] = [];
  let from = 0;
  for (const line of referenceLines()) {
    const at = haystack.indexOf(line, from);
    if (at < 0) missing.push(line);
    else from = at + line.length;
  }
  return missing;
}
