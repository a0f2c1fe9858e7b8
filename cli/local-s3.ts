/**
 * The local S3 server: s3rver behind the gate of `cli/s3-guard.ts`. s3rver itself
 * listens on a Unix socket in a private folder (no TCP port a web page could reach);
 * the only port is the gate's, on 127.0.0.1, which passes a request on only once its
 * signature, origin and keys are checked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { PortInUseError } from './port-error.js';
import {
  checkDeleteBody,
  checkFormPost,
  checkHead,
  errorXml,
  MAX_DELETE_BODY_BYTES,
  MAX_FORM_POST_BYTES,
  needsBody,
  parseMultipart,
  type GuardVerdict,
  type LocalCredentials,
  type RequestHead,
} from './s3-guard.js';

const BROWSER_POST_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>`;

export interface LocalS3Options {
  /** s3rver's files. */
  readonly directory: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly buckets: readonly string[];
  readonly credentials: LocalCredentials;
}

export interface LocalS3 {
  readonly port: number;
  /** s3rver, for its `event` notifications. */
  readonly server: S3rver;
  /** Lets a browser page of this origin (`http://127.0.0.1:4570`) send requests; signed ones, still. */
  allowOrigin(origin: string): void;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (only), turning a taken port into {@link PortInUseError}. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const socketDir = await mkdtemp(join(tmpdir(), 'tertial-s3-'));
  const socketPath = join(socketDir, 's3rver.sock');
  const s3rver = new S3rver({
    directory: options.directory,
    silent: true,
    vhostBuckets: false,
    // CORS so that a page of the local web server can read the answer to its presigned
    // POST; which origins may send at all is the gate's decision (checkHead).
    configureBuckets: options.buckets.map((name) => ({ name, configs: [BROWSER_POST_CORS] })),
  });
  await s3rver.configureBuckets();
  const inner = createServer(s3rver.callback());
  await new Promise<void>((resolve, reject) => {
    inner.once('error', reject);
    inner.listen(socketPath, () => resolve());
  });

  const allowedOrigins = new Set<string>();
  let port = options.port;
  const gate = createServer((req, res) => {
    serve(req, res).catch(() => {
      if (!res.headersSent)
        answer(res, { ok: false, status: 502, code: 'InternalError', message: 'Den lokala S3-servern svarade inte.' });
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head: RequestHead = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headersDistinct };
    const verdict = checkHead(head, { credentials: options.credentials, port, allowedOrigins, now: new Date() });
    if (!verdict.ok) return refuseRequest(req, res, verdict);
    const bodyKind = needsBody(head);
    if (bodyKind === undefined) {
      forward(req, res, req);
      return;
    }
    const limit = bodyKind === 'form' ? MAX_FORM_POST_BYTES : MAX_DELETE_BODY_BYTES;
    const body = await readBody(req, limit);
    if (!body) {
      return refuseRequest(req, res, {
        ok: false,
        status: 413,
        code: 'EntityTooLarge',
        message: `Begäran är större än ${limit} byte.`,
      });
    }
    const bodyVerdict =
      bodyKind === 'form'
        ? checkFormPost(
            decodeURIComponent((head.url.split('?')[0] ?? '').slice(1).split('/')[0] ?? ''),
            parseMultipart(body, req.headers['content-type'] ?? ''),
            {
              credentials: options.credentials,
              now: new Date(),
            },
          )
        : checkDeleteBody(body);
    if (!bodyVerdict.ok) return refuseRequest(req, res, bodyVerdict);
    forward(req, res, body);
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: IncomingMessage | Buffer): void {
    const headers = { ...req.headers };
    if (Buffer.isBuffer(body)) {
      delete headers['transfer-encoding'];
      headers['content-length'] = String(body.length);
    }
    const upstream = request({ socketPath, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) answerError(res, 502, 'InternalError', 'Den lokala S3-servern svarade inte.');
      else res.destroy();
    });
    if (Buffer.isBuffer(body)) upstream.end(body);
    else body.pipe(upstream);
  }

  port = await listenOnLoopback(gate, options.port).catch(async (error: unknown) => {
    await closeServer(inner);
    await rm(socketDir, { recursive: true, force: true });
    throw error;
  });

  return {
    port,
    server: s3rver,
    allowOrigin(origin) {
      allowedOrigins.add(origin);
    },
    async close() {
      await closeServer(gate);
      await closeServer(inner);
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Reads the whole body, or undefined once it exceeds `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Answers a refused request and drains what the client still sends, so it reads the answer. */
function refuseRequest(req: IncomingMessage, res: ServerResponse, verdict: Exclude<GuardVerdict, { ok: true }>): void {
  answer(res, verdict);
  req.resume();
}

function answer(res: ServerResponse, verdict: Exclude<GuardVerdict, { ok: true }>): void {
  answerError(res, verdict.status, verdict.code, verdict.message);
}

function answerError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = Buffer.from(errorXml(code, message), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/xml; charset=utf-8',
    'Content-Length': String(body.length),
    Connection: 'close',
  });
  res.end(body);
}
