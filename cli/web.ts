/**
 * Serves the output bucket's pages on loopback for `tertial local`: `GET /{key}` is the
 * object `{key}` of the documents bucket, so the status page's relative links to
 * receipts, the draft and the document work as they do behind CloudFront. The pages
 * themselves, the rule of who sees what and the presigned uploads are the web
 * function's code (`lambdas/web/app.ts`); only the sign-in differs.
 *
 * Sign-in: with a users file (`TERTIAL_WEB_USERS`, the same group names as Cognito's:
 * `ks-staff`, `ks-secretary`, `admin`), a person picks their name on `/auth/sign-in`
 * and gets a cookie signed with a key made at start; every page then follows the
 * per-committee rule. Without one, the machine's user is the local administrator (reads
 * every page, uploads nothing from the page).
 *
 * Bound to 127.0.0.1, and only for requests addressed to loopback (a Host check, so a
 * web page elsewhere cannot reach it by DNS rebinding); the sign-in form is accepted
 * only from this server's own origin.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { viewerFromGroups, type UploadTarget, type Viewer } from '../lambdas/core/access.js';
import { html, htmlDocument, type Html } from '../lambdas/core/html.js';
import type { Log } from '../lambdas/core/log.js';
import { silentLog } from '../lambdas/core/log.js';
import type { ObjectStore } from '../lambdas/storage/objects.js';
import { handleWebRequest, securityHeaders, type WebApp, type WebResponse } from '../lambdas/web/app.js';
import { presignPost, type PresignedPost, type SigningCredentials } from '../lambdas/web/presign.js';

/** The local users file: who may sign in, with their groups. */
const UsersFile = z.object({
  users: z
    .array(z.object({ name: z.string().min(1).max(100), groups: z.array(z.string().max(100)).max(100) }))
    .max(1000),
});
export type LocalUsers = z.infer<typeof UsersFile>['users'];

export async function readUsersFile(path: string): Promise<LocalUsers> {
  const parsed = UsersFile.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${path}: not a users file ({"users": [{"name": "anna", "groups": ["ks-staff"]}]}): ${parsed.error.message}`,
    );
  return parsed.data.users;
}

export interface LocalUploads {
  readonly bucket: string;
  /** The local S3 port's address, `http://127.0.0.1:{port}`. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
}

export interface WebServerOptions {
  readonly objects: ObjectStore;
  /** The documents (output) bucket. */
  readonly bucket: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log?: Log;
  /** Who may sign in; without it, every request is the local administrator's. */
  readonly users?: LocalUsers;
  /** Where presigned POSTs go; without it, the page offers no upload. */
  readonly uploads?: LocalUploads;
}

export interface WebServer {
  /** `http://127.0.0.1:{port}` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'tertial_session';
const LOCAL_ADMIN: Viewer = viewerFromGroups('lokal administratör', ['admin']);

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const log = options.log ?? silentLog;
  let port = options.port;
  const cookieKey = randomBytes(32);
  const users = options.users ? new Map(options.users.map((u) => [u.name, u])) : undefined;
  const uploadOrigin = options.uploads ? new URL(options.uploads.endpoint).origin : '';

  const app: WebApp = {
    objects: options.objects,
    documentsBucket: options.bucket,
    signOutPath: '/auth/sign-out',
    presign: async (target: UploadTarget): Promise<PresignedPost> => {
      const uploads = options.uploads;
      if (!uploads) throw new Error('the local web server has no uploads bucket');
      return presignPost({ ...uploads, url: `${uploads.endpoint}/${uploads.bucket}`, target, now: new Date() });
    },
  };

  const sign = (name: string) => createHmac('sha256', cookieKey).update(name, 'utf8').digest('base64url');
  function viewerOf(req: IncomingMessage): Viewer | undefined {
    if (!users) return LOCAL_ADMIN;
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (!cookie) return undefined;
    const dot = cookie.lastIndexOf('.');
    const name = Buffer.from(cookie.slice(0, dot), 'base64url').toString('utf8');
    const mac = Buffer.from(cookie.slice(dot + 1), 'utf8');
    const expected = Buffer.from(sign(name), 'utf8');
    if (dot < 0 || mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    const user = users.get(name);
    return user ? viewerFromGroups(user.name, user.groups) : undefined;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('web server could not answer', { url: req.url, error });
      if (!res.headersSent)
        send(res, {
          status: 502,
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
          body: page('Fel', html`<p>Den lokala S3-servern svarade inte.</p>`),
        });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) {
      send(res, {
        status: 421,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: 'Only http://127.0.0.1 or http://localhost is served.\n',
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname === '/auth/sign-in' && users) return signIn(req, res, url);
    if (pathname === '/auth/sign-out') {
      res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
      return redirect(res, users ? '/auth/sign-in' : '/');
    }
    const viewer = viewerOf(req);
    if (!viewer) {
      if (pathname.startsWith('/api/')) {
        send(res, {
          status: 401,
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          body: '{"code":"signed_out","message":"Logga in först."}\n',
        });
        return;
      }
      return redirect(res, `/auth/sign-in?next=${encodeURIComponent(pathname)}`);
    }
    const answer = await handleWebRequest(app, viewer, {
      method: req.method ?? 'GET',
      path: pathname,
      query: url.searchParams,
    });
    send(res, answer, req.method === 'HEAD');
  }

  async function signIn(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const next = safeNext(url.searchParams.get('next'));
    if (req.method === 'POST') {
      // Only this server's own form: a page elsewhere cannot sign the browser in as someone else.
      // With `Referrer-Policy: no-referrer` a browser sends `Origin: null`; its Fetch Metadata says the rest.
      if (!isOwnOrigin(req.headers.origin, port) && req.headers['sec-fetch-site'] !== 'same-origin') {
        send(res, { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Forbidden.\n' });
        return;
      }
      const form = new URLSearchParams((await readBody(req, 4096)) ?? '');
      const name = form.get('user') ?? '';
      if (!users?.has(name)) {
        send(res, {
          status: 403,
          headers: { 'Content-Type': 'text/html; charset=utf-8' },
          body: signInPage(users, next, 'Okänd användare.'),
        });
        return;
      }
      res.setHeader(
        'Set-Cookie',
        `${SESSION_COOKIE}=${Buffer.from(name, 'utf8').toString('base64url')}.${sign(name)}; Path=/; HttpOnly; SameSite=Strict`,
      );
      return redirect(res, safeNext(form.get('next')));
    }
    send(
      res,
      { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: signInPage(users, next) },
      req.method === 'HEAD',
    );
  }

  function send(res: ServerResponse, answer: WebResponse, headOnly = false): void {
    const bytes = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
    res.writeHead(answer.status, {
      ...securityHeaders(uploadOrigin),
      ...answer.headers,
      'Content-Length': String(bytes.length),
    });
    res.end(headOnly ? undefined : bytes);
  }

  function redirect(res: ServerResponse, location: string): void {
    res.writeHead(303, { ...securityHeaders(uploadOrigin), Location: location, 'Content-Length': '0' });
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

function isOwnOrigin(origin: string | undefined, port: number): boolean {
  return (
    origin !== undefined &&
    [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].includes(origin.toLowerCase())
  );
}

/** A path of this server to go back to after signing in; anything else goes to the index. */
function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function signInPage(
  users: ReadonlyMap<string, { name: string; groups: readonly string[] }> | undefined,
  next: string,
  problem?: string,
): string {
  const options = [...(users?.values() ?? [])].map(
    (u) => html`<option value="${u.name}">${u.name} (${u.groups.join(', ')})</option>`,
  );
  return page(
    'Logga in',
    html`${problem && html`<p class="notice" role="alert">${problem}</p>`}
<p>Den lokala stacken har användarna i användarfilen. På AWS loggar du in med kommunens konto.</p>
<form method="post" action="/auth/sign-in" class="actions">
<input type="hidden" name="next" value="${next}">
<label for="user">Användare</label>
<select id="user" name="user">${options}</select>
<br><button type="submit">Logga in</button>
</form>`,
  );
}

/** The server's own pages (sign-in, errors): the one layout. */
function page(title: string, body: Html): string {
  return htmlDocument({
    title: `${title}: tertial lokalt`,
    body: html`<main>\n<h1>${title}</h1>\n${body}\n</main>`,
    contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  });
}
