import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

/**
 * Absolute paths resolved from this file, not from `process.cwd()`, so `cdk synth`
 * and the tests behave the same whatever directory they are started from.
 */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const repoPath = (...segments: string[]): string => path.join(REPO_ROOT, ...segments);

/** The default Word template, copied into the assemble bundle next to `index.mjs`. */
export const DEFAULT_TEMPLATE_SOURCE = repoPath('templates', 'default.docx');
