/**
 * One template check in a fresh process, for its peak RSS: bundled by bench/lib/child.ts
 * and run with plain `node`, as bench/parse-child.ts does for workbooks.
 *
 *   node template-check-child.mjs FILE
 *
 * Reports over IPC: the check's wall time, the peak RSS after start-up (modules loaded,
 * file read) and at the end, and the outcome.
 */
import { readFileSync } from 'node:fs';
import { checkTemplate } from '../lambdas/core/render.js';
import { reportChild } from './lib/child-report.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: template-check-child FILE');
const bytes: Uint8Array = readFileSync(file);

await reportChild(() => (checkTemplate(bytes, 'templates/ks.docx').ok ? 'accepted' : 'refused'));
