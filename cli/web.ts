/**
 * Serves the output bucket's pages on loopback for `tertial local`: `GET /{key}` is the
 * object `{key}` of the documents bucket, so the status page's relative links to
 * receipts, the draft and the document work as they would from any static host in
 * front of the bucket. `/` lists the periods' status pages.
 *
 * Read-only (GET and HEAD), bound to 127.0.0.1, and only for requests addressed to
 * loopback (a Host check, so a web page elsewhere cannot reach it by DNS rebinding).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { html, htmlDocument, link, type Html } from '../lambdas/core/html.js';
import { parseStatusPageKey, statusPageKey, statusPagesPrefix } from '../lambdas/core/keys.js';
import type { Log } from '../lambdas/core/log.js';
import { silentLog } from '../lambdas/core/log.js';
import type { ObjectStore } from '../lambdas/storage/objects.js';

export const DEFAULT_WEB_PORT = 4570;

export interface WebServerOptions {
  readonly objects: ObjectStore;
  /** The documents (output) bucket. */
  readonly bucket: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log?: Log;
}

export interface WebServer {
  /** `http://127.0.0.1:{port}` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
};

/** Office files are saved, not shown; a PDF or a page opens in the browser. */
const DOWNLOADS = new Set(['.docx', '.xlsx']);

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

export function contentTypeOf(key: string): string {
  const dot = key.lastIndexOf('.');
  return (dot > key.lastIndexOf('/') ? CONTENT_TYPES[key.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream';
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

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const log = options.log ?? silentLog;
  let port = options.port;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('web server could not answer', { url: req.url, error });
      if (!res.headersSent) send(res, 502, 'text/html; charset=utf-8', page('Fel', html`<p>Den lokala S3-servern svarade inte.</p>`));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, port)) {
      send(res, 421, 'text/plain; charset=utf-8', 'Only http://127.0.0.1 or http://localhost is served.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.\n');
      return;
    }
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (pathname === '/' || pathname === '/index.html') {
      send(res, 200, CONTENT_TYPES['.html'] as string, await indexPage(options), req.method === 'HEAD');
      return;
    }
    const key = keyOfPath(pathname);
    if (!key) {
      send(res, 400, 'text/html; charset=utf-8', page('Ogiltig adress', html`<p>Adressen är inte en sökväg i bucketen.</p>`), req.method === 'HEAD');
      return;
    }
    const object = await options.objects.get(options.bucket, key);
    if (!object) {
      send(res, 404, 'text/html; charset=utf-8', page('Finns inte', html`<p>Objektet <code>${key}</code> finns inte (ännu). <a href="/">Alla statussidor</a></p>`), req.method === 'HEAD');
      return;
    }
    const ext = key.slice(key.lastIndexOf('.')).toLowerCase();
    if (DOWNLOADS.has(ext)) {
      const name = key.slice(key.lastIndexOf('/') + 1);
      res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    }
    send(res, 200, contentTypeOf(key), object.bytes, req.method === 'HEAD');
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

function send(res: ServerResponse, status: number, contentType: string, body: string | Uint8Array, headOnly = false): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Content-Length': String(bytes.length) });
  res.end(headOnly ? undefined : bytes);
}

/** `/`: a link to each period's status page, newest first. */
async function indexPage(options: WebServerOptions): Promise<string> {
  const pages = (await options.objects.list(options.bucket, statusPagesPrefix()))
    .flatMap((o) => {
      const period = parseStatusPageKey(o.key);
      return period ? [period] : [];
    })
    .sort((a, b) => b.year - a.year || b.tertial - a.tertial || a.committee.localeCompare(b.committee, 'sv'));
  const items = pages.map((p) => html`<li>${link(`/${statusPageKey(p).split('/').map(encodeURIComponent).join('/')}`, `${p.committee}: tertial ${p.tertial} ${p.year}`)}</li>`);
  return page(
    'Statussidor',
    items.length > 0
      ? html`<p>En statussida per nämnd och tertial, i utdatabucketen <code>${options.bucket}</code>.</p><ul>${items}</ul>`
      : html`<p>Inga statussidor ännu. De skapas när den första filen för en tertial laddas upp.</p>`,
  );
}

/** The server's own pages (index, errors): the one layout. */
function page(title: string, body: Html): string {
  return htmlDocument({
    title: `${title}: tertial lokalt`,
    body: html`<main>\n<h1>${title}</h1>\n${body}\n</main>`,
    contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'",
  });
}
