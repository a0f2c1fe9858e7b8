import type { InputIssue } from '../lambdas/core/domain.js';

/** One line for a person: the file, then the message (which names sheet, row and column). */
export function formatIssue(issue: InputIssue): string {
  return issue.file ? `${issue.file}: ${issue.message}` : issue.message;
}
