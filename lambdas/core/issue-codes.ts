/**
 * Every code a person may see in a receipt, on a status page or from the command line:
 * the spreadsheet's issues, and those of closures, templates, committee settings and the
 * upload layout. One closed union, so a new code is added here on purpose (and a typo
 * fails typecheck); receipts already stored keep the codes they were written with.
 */
import type { IssueCode as ParseIssueCode } from './parse/issues.js';

export type IssueCode =
  | ParseIssueCode
  | 'bad_kind'
  | 'bad_name'
  | 'bad_period'
  | 'committee_config_missing'
  | 'config_committee_mismatch'
  | 'conflicting_goal'
  | 'duplicate_activity'
  | 'duplicate_case_section'
  | 'duplicate_file'
  | 'empty_period'
  | 'invalid_closure'
  | 'invalid_config'
  | 'invalid_template'
  | 'misplaced_key'
  | 'missing_header_row'
  | 'missing_heading_style'
  | 'missing_table_caption'
  | 'missing_value'
  | 'not_member'
  | 'not_secretary'
  | 'period_closed'
  | 'period_full'
  | 'technical_fault'
  | 'undefined_goal'
  | 'unknown_closure_field'
  | 'unknown_config_field'
  | 'unknown_focus_area';
