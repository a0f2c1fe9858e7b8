/**
 * Who may see and do what on the pages: the one rule, pure, shared by the web function
 * on AWS (groups from the Cognito token) and the local web server (groups from a users
 * file or a test's header).
 *
 * Membership is carried by group names: `{committee}-staff`, `{committee}-secretary`
 * and `admin`. A person may be in groups of several committees. Staff of a committee
 * read that committee's status pages, receipts, drafts, documents and workbooks and
 * upload its spreadsheets; its secretary may also close a tertial and upload the
 * committee's template; `admin` (the municipality's IT) reads everything. Nobody sees
 * anything of a committee they are not a member of, and a key that names no committee
 * is nobody's but the administrator's.
 */
import { COMMITTEE_PATTERN, type Tertial } from './domain.js';
import {
  closureKey,
  committeeOfOutputKey,
  isReadableUploadName,
  parsePeriod,
  templateKey,
  uploadFormat,
  uploadKey,
  uploadNameProblem,
} from './keys.js';
import { unsupportedFormatIssue } from './routing-issues.js';

export type CommitteeRole = 'staff' | 'secretary';

export interface Viewer {
  /** Who signed in (an e-mail or a user name), for logs and the page's header. */
  readonly name: string;
  readonly admin: boolean;
  /** The committees the person acts for, with the highest role in each. */
  readonly committees: ReadonlyMap<string, CommitteeRole>;
}

export const ADMIN_GROUP = 'admin';
const ROLE_SUFFIXES: readonly (readonly [string, CommitteeRole])[] = [
  ['-secretary', 'secretary'],
  ['-staff', 'staff'],
];

export function staffGroup(committee: string): string {
  return `${committee}-staff`;
}

export function secretaryGroup(committee: string): string {
  return `${committee}-secretary`;
}

/** A viewer from group names; names that are not ours (another application's groups) are ignored. */
export function viewerFromGroups(name: string, groups: readonly string[]): Viewer {
  const committees = new Map<string, CommitteeRole>();
  let admin = false;
  for (const group of groups) {
    if (group === ADMIN_GROUP) {
      admin = true;
      continue;
    }
    for (const [suffix, role] of ROLE_SUFFIXES) {
      if (!group.endsWith(suffix)) continue;
      const committee = group.slice(0, -suffix.length);
      if (!COMMITTEE_PATTERN.test(committee)) break;
      if (role === 'secretary' || !committees.has(committee)) committees.set(committee, role);
      break;
    }
  }
  return { name, admin, committees };
}

/** The committees whose pages the person may read (the administrator: `undefined`, all). */
export function readableCommittees(viewer: Viewer): ReadonlySet<string> | undefined {
  return viewer.admin ? undefined : new Set(viewer.committees.keys());
}

/** May the person read this key of the documents bucket? */
export function canRead(viewer: Viewer, key: string): boolean {
  if (viewer.admin) return true;
  const committee = committeeOfOutputKey(key);
  return committee !== undefined && viewer.committees.has(committee);
}

/** What a page may ask to send to the uploads bucket. */
export type UploadKind = 'upload' | 'close' | 'template';

export function canAct(viewer: Viewer, committee: string, kind: UploadKind): boolean {
  const role = viewer.committees.get(committee);
  if (kind === 'upload') return role !== undefined;
  // The administrator reads everything but acts for no committee: closing and templates
  // are the secretary's decisions (IAM gives IT its own way in for repairs).
  return role === 'secretary';
}

/** The largest closure body a page may send: three short fields of JSON. */
export const MAX_CLOSURE_BODY_BYTES = 4 * 1024;

export interface UploadRequest {
  readonly kind: UploadKind;
  readonly committee: string;
  readonly year: number;
  readonly tertial: number;
  /** The file's name (uploads only). */
  readonly name?: string;
}

export interface UploadTarget {
  readonly key: string;
  readonly contentType: string;
  readonly maxBytes: number;
}

export type UploadDecision =
  | { readonly ok: true; readonly target: UploadTarget }
  | {
      readonly ok: false;
      readonly status: 400 | 403;
      readonly code: 'not_member' | 'not_secretary' | 'bad_period' | 'bad_name';
      readonly message: string;
    };

export const CONTENT_TYPE_BY_SUFFIX: Readonly<Record<string, string>> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export interface UploadLimits {
  /** The ingest's limit for a spreadsheet. */
  readonly uploadBytes: number;
  /** The template check's limit for a template. */
  readonly templateBytes: number;
}

/**
 * Decides a page's request to send a file, and if it is allowed, the one key, content
 * type and size the presigned POST will be fixed to. Messages are Swedish: the page shows them.
 */
export function decideUpload(viewer: Viewer, request: UploadRequest, limits: UploadLimits): UploadDecision {
  const { committee } = request;
  const period =
    Number.isInteger(request.year) && Number.isInteger(request.tertial)
      ? parsePeriod(committee, request.year, request.tertial)
      : undefined;
  if (!period)
    return { ok: false, status: 400, code: 'bad_period', message: 'Nämnd, år eller tertial är inte giltiga.' };
  if (!viewer.committees.has(committee)) {
    return {
      ok: false,
      status: 403,
      code: 'not_member',
      message: `Du hör inte till nämnden ${committee} och kan inte skicka filer till den.`,
    };
  }
  if (!canAct(viewer, committee, request.kind)) {
    return {
      ok: false,
      status: 403,
      code: 'not_secretary',
      message:
        request.kind === 'close'
          ? 'Bara nämndsekreteraren kan stänga tertialen.'
          : 'Bara nämndsekreteraren kan ladda upp nämndens mall.',
    };
  }
  switch (request.kind) {
    case 'upload': {
      const name = request.name ?? '';
      if (!isReadableUploadName(name) || name.includes('/') || name.includes('\\')) {
        // A format the pipeline would refuse is answered in the pipeline's own words (which
        // format it is, how to save it as .xlsx), before anything is sent.
        const format = uploadFormat(name);
        const message =
          'refuse' in format && !name.includes('/') && !name.includes('\\') && uploadNameProblem(name) === undefined
            ? unsupportedFormatIssue(name, format.refuse).message
            : 'Filen ska vara en arbetsbok (.xlsx) eller en CSV-fil (.csv) med ett vanligt filnamn.';
        return { ok: false, status: 400, code: 'bad_name', message };
      }
      const suffix = name.slice(name.lastIndexOf('.')).toLowerCase();
      return {
        ok: true,
        target: {
          key: uploadKey(period, name),
          contentType: CONTENT_TYPE_BY_SUFFIX[suffix] as string,
          maxBytes: limits.uploadBytes,
        },
      };
    }
    case 'close':
      return {
        ok: true,
        target: { key: closureKey(period), contentType: 'application/json', maxBytes: MAX_CLOSURE_BODY_BYTES },
      };
    case 'template':
      return {
        ok: true,
        target: {
          key: templateKey(committee),
          contentType: CONTENT_TYPE_BY_SUFFIX['.docx'] as string,
          maxBytes: limits.templateBytes,
        },
      };
  }
}

/** What a page's script is told about the signed-in person and one period's committee. */
export interface SessionView {
  readonly name: string;
  readonly committee: string;
  readonly canUpload: boolean;
  readonly canClose: boolean;
  readonly canUploadTemplate: boolean;
}

export function sessionView(
  viewer: Viewer,
  period: { committee: string; year: number; tertial: Tertial },
): SessionView {
  return {
    name: viewer.name,
    committee: period.committee,
    canUpload: canAct(viewer, period.committee, 'upload'),
    canClose: canAct(viewer, period.committee, 'close'),
    canUploadTemplate: canAct(viewer, period.committee, 'template'),
  };
}
