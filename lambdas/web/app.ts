/**
 * The pages in a browser, one request at a time, for a person already signed in: the
 * same code answers behind CloudFront (the web function) and on loopback (`tertial
 * local`'s web server). Who the person is comes from the edge (a verified Cognito token
 * on AWS, the local users file at home); what they may see and do is `core/access.ts`.
 *
 *   GET /                     the status pages of the person's own committees
 *   GET /{key}                an object of the documents bucket, if it is theirs
 *   GET /assets/tertial.js    the page script
 *   GET /api/session?…        what the person may do for a period's committee (JSON)
 *   GET /api/presign?…        a presigned POST for one upload, close or template (JSON)
 */
import {
  canRead,
  decideUpload,
  readableCommittees,
  sessionView,
  type UploadRequest,
  type UploadTarget,
  type Viewer,
} from '../core/access.js';
import { html, htmlDocument, link, STYLESHEET, type Html } from '../core/html.js';
import { keyFileName, parsePeriod, parseStatusPageKey, statusPageKey, statusPagesPrefix } from '../core/keys.js';
import { MAX_TEMPLATE_BYTES, MAX_UPLOAD_BYTES } from '../core/upload-limits.js';
import type { ObjectStore } from '../storage/objects.js';
import { PAGE_SCRIPT, PAGE_SCRIPT_PATH } from './page-script.js';
import type { PresignedPost } from './presign.js';
import { sha256Base64 } from './presign.js';

export interface WebRequest {
  readonly method: string;
  /** The path as sent, percent-encoded, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
}

export interface WebResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export interface WebApp {
  readonly objects: ObjectStore;
  readonly documentsBucket: string;
  /** Signs a POST for the uploads bucket. */
  presign(target: UploadTarget): Promise<PresignedPost>;
  /** Where sign-out goes (a path of the edge). */
  readonly signOutPath: string;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': HTML,
  '.json': JSON_TYPE,
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.js': 'text/javascript; charset=utf-8',
};

/** Office files are saved, not shown; a PDF or a page opens in the browser. */
const DOWNLOADS = new Set(['.docx', '.xlsx']);

/**
 * The policy every answer carries. No inline script anywhere; the one stylesheet by its
 * hash; fetches and form posts only to this origin and the uploads bucket's address.
 */
export function contentSecurityPolicy(uploadOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'sha256-${sha256Base64(STYLESHEET)}'`,
    "img-src 'self' data:",
    `connect-src 'self' ${uploadOrigin}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers CloudFront's response headers policy sets too (both, so the local server is the same). */
export function securityHeaders(uploadOrigin: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(uploadOrigin),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

export function contentTypeOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return (
    (dot > key.lastIndexOf('/') ? CONTENT_TYPES[key.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream'
  );
}

/**
 * The object key a request path names, or undefined when the path is not one: `..` or
 * `.` segments, empty segments, an encoded `/` or `\`, control characters or a bad
 * percent-encoding. A path ending in `/` names its `index.html`.
 */
export function keyOfPath(pathname: string): string | undefined {
  if (!pathname.startsWith('/')) return undefined;
  const raw = pathname.slice(1);
  const segments = (raw.endsWith('/') || raw === '' ? `${raw}index.html` : raw).split('/');
  const decoded: string[] = [];
  for (const segment of segments) {
    let s: string;
    try {
      s = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (s === '' || s === '.' || s === '..' || /[/\\\u0000-\u001f\u007f]/.test(s)) return undefined;
    decoded.push(s);
  }
  return decoded.join('/');
}

/** Answers one request of a signed-in person. Storage faults throw (the edge answers 502). */
export async function handleWebRequest(app: WebApp, viewer: Viewer, request: WebRequest): Promise<WebResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return {
      status: 405,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' },
      body: 'Method not allowed.\n',
    };
  }
  const { path } = request;
  if (path === '/' || path === '/index.html') return htmlPage(200, await indexPage(app, viewer));
  if (path === PAGE_SCRIPT_PATH)
    return { status: 200, headers: { 'Content-Type': CONTENT_TYPES['.js'] as string }, body: PAGE_SCRIPT };
  if (path === '/api/session') return session(viewer, request.query);
  if (path === '/api/presign') return presign(app, viewer, request.query);

  const key = keyOfPath(path);
  if (!key)
    return htmlPage(400, page('Ogiltig adress', html`<p>Adressen är inte en sökväg i bucketen.</p>`, viewer, app));
  if (!canRead(viewer, key)) {
    // The same answer whether or not the object exists: nothing of another committee leaks.
    return htmlPage(
      403,
      page(
        'Ingen behörighet',
        html`<p>Sidan hör till en nämnd som du inte är med i. ${link('/', 'Dina statussidor')}</p>`,
        viewer,
        app,
      ),
    );
  }
  const object = await app.objects.get(app.documentsBucket, key);
  if (!object) {
    return htmlPage(
      404,
      page(
        'Finns inte',
        html`<p>Objektet <code>${key}</code> finns inte (ännu). ${link('/', 'Dina statussidor')}</p>`,
        viewer,
        app,
      ),
    );
  }
  const headers: Record<string, string> = { 'Content-Type': contentTypeOf(key) };
  const ext = key.slice(key.lastIndexOf('.')).toLowerCase();
  if (DOWNLOADS.has(ext)) {
    const name = keyFileName(key);
    headers['Content-Disposition'] =
      `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
  }
  return { status: 200, headers, body: object.bytes };
}

function json(status: number, body: unknown): WebResponse {
  return { status, headers: { 'Content-Type': JSON_TYPE }, body: `${JSON.stringify(body)}\n` };
}

function htmlPage(status: number, body: string): WebResponse {
  return { status, headers: { 'Content-Type': HTML }, body };
}

function session(viewer: Viewer, query: URLSearchParams): WebResponse {
  const period = parsePeriod(query.get('committee') ?? '', query.get('year') ?? '', query.get('tertial') ?? '');
  if (!period) return json(400, { code: 'bad_period', message: 'Nämnd, år eller tertial är inte giltiga.' });
  if (!canRead(viewer, statusPageKey(period)))
    return json(403, { code: 'not_member', message: 'Du hör inte till nämnden.' });
  return json(200, sessionView(viewer, period));
}

async function presign(app: WebApp, viewer: Viewer, query: URLSearchParams): Promise<WebResponse> {
  const kind = query.get('kind');
  if (kind !== 'upload' && kind !== 'close' && kind !== 'template')
    return json(400, { code: 'bad_kind', message: 'Okänd sorts uppladdning.' });
  const name = query.get('name');
  const request: UploadRequest = {
    kind,
    committee: query.get('committee') ?? '',
    year: Number(query.get('year')),
    tertial: Number(query.get('tertial')),
    ...(name !== null ? { name } : {}),
  };
  const decision = decideUpload(viewer, request, { uploadBytes: MAX_UPLOAD_BYTES, templateBytes: MAX_TEMPLATE_BYTES });
  if (!decision.ok) return json(decision.status, { code: decision.code, message: decision.message });
  return json(200, await app.presign(decision.target));
}

/** `/`: a link to each status page of the person's committees, newest first. */
async function indexPage(app: WebApp, viewer: Viewer): Promise<string> {
  const committees = readableCommittees(viewer);
  const prefixes =
    committees === undefined ? [statusPagesPrefix()] : [...committees].sort().map((c) => statusPagesPrefix(c));
  const listed = (await Promise.all(prefixes.map((prefix) => app.objects.list(app.documentsBucket, prefix)))).flat();
  const pages = listed
    .flatMap((o) => {
      const period = parseStatusPageKey(o.key);
      return period && canRead(viewer, o.key) ? [period] : [];
    })
    .sort((a, b) => b.year - a.year || b.tertial - a.tertial || a.committee.localeCompare(b.committee, 'sv'));
  const items = pages.map(
    (p) =>
      html`<li>${link(`/${statusPageKey(p).split('/').map(encodeURIComponent).join('/')}`, `${p.committee}: tertial ${p.tertial} ${p.year}`)}</li>`,
  );
  const scope =
    committees === undefined
      ? 'alla nämnder (administratör)'
      : committees.size === 0
        ? 'ingen nämnd'
        : [...committees].sort().join(', ');
  return page(
    'Statussidor',
    html`<p>Du ser statussidorna för ${scope}.</p>
${items.length > 0 ? html`<ul>${items}</ul>` : html`<p>Inga statussidor ännu. De skapas när den första filen för en tertial laddas upp.</p>`}`,
    viewer,
    app,
  );
}

/** The web's own pages (index, refusals): the one layout, with who is signed in. */
function page(title: string, body: Html, viewer: Viewer, app: WebApp): string {
  return htmlDocument({
    title: `${title}: tertial`,
    body: html`<main>
<p class="muted">Inloggad som ${viewer.name}. ${link(app.signOutPath, 'Logga ut')}</p>
<h1>${title}</h1>
${body}
</main>`,
    contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'",
    noindex: true,
  });
}
