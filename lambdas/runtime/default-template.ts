import { readFileSync } from 'node:fs';
import { DEFAULT_TEMPLATE_NAME } from '../core/render.js';

/** Reads `templates/default.docx` (next to this package), or the given file. */
export function loadDefaultTemplate(path?: string): Uint8Array {
  return new Uint8Array(readFileSync(path ?? new URL(`../../templates/${DEFAULT_TEMPLATE_NAME}`, import.meta.url)));
}
