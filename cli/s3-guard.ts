/**
 * The gate in front of the local S3 server. s3rver accepts unsigned requests, does not
 * verify Signature Version 4 at all, and stores keys as file paths; on a person's
 * machine that makes its port writable by any web page they open (a plain HTML form
 * POST needs no script) and lets a key like `..%2F..%2Fx` reach files outside the data
 * folder. So every request passes here first, and only a request that
 *
 * - is addressed to loopback (`Host`; a DNS-rebound name is refused),
 * - comes from no browser origin, or from the local web server's own origin,
 * - names keys without `.`/`..` segments, empty segments, encoded separators
 *   (`%2F`, `%5C`), backslashes or control characters (in the path, in
 *   `x-amz-copy-source`, in a form's `key` field and in a multi-object delete), and
 * - carries a valid SigV4 signature for the local credentials: an `Authorization`
 *   header, a presigned query string, or a browser form's signed POST policy,
 *
 * is passed on. Everything here is pure (request parts in, a verdict out), so it is
 * tested without a server; `cli/local-stack.ts` wires it to the port.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** What the gate says about a request: pass it on, or answer with an S3 error. */
export type GuardVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

const PASS: GuardVerdict = { ok: true };

function refuse(status: number, code: string, message: string): GuardVerdict {
  return { ok: false, status, code, message };
}

/**
 * How far a signed request's `X-Amz-Date` may lie from the local clock: AWS's own
 * limit (15 minutes), so a request that works against the local stack works on AWS.
 */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The longest a presigned URL may be valid (`X-Amz-Expires`): AWS's limit, seven days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/**
 * The largest browser form POST the gate reads into memory to check its signed policy
 * before anything is stored. The ingest refuses files over 20 MiB with a receipt; the
 * margin lets such a file through to get that receipt instead of a bare refusal here.
 */
export const MAX_FORM_POST_BYTES = 32 * 1024 * 1024;

/** The largest multi-object delete request body (AWS allows 1,000 keys; that fits well within 1 MiB). */
export const MAX_DELETE_BODY_BYTES = 1024 * 1024;

const ALGORITHM = 'AWS4-HMAC-SHA256';

export interface RequestHead {
  readonly method: string;
  /** The request target exactly as received: path and query string, still percent-encoded. */
  readonly url: string;
  /** Header values as received, one array per lower-case name (Node's `headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
}

export interface GuardOptions {
  readonly credentials: LocalCredentials;
  /** The port the gate listens on; `Host` must name loopback with it. */
  readonly port: number;
  /** Browser origins allowed besides none at all (the local web server's own). */
  readonly allowedOrigins: ReadonlySet<string>;
  readonly now: Date;
}

function header(head: RequestHead, name: string): string | undefined {
  const values = head.headers[name];
  return values && values.length > 0 ? values.join(',') : undefined;
}

/**
 * The checks that need only the request line and headers. A form POST or a
 * multi-object delete then needs its body: see {@link needsBody}, {@link checkFormPost},
 * {@link checkDeleteBody}.
 */
export function checkHead(head: RequestHead, options: GuardOptions): GuardVerdict {
  const host = header(head, 'host')?.toLowerCase();
  if (!host || ![`127.0.0.1:${options.port}`, `localhost:${options.port}`, `[::1]:${options.port}`].includes(host)) {
    return refuse(
      421,
      'MisdirectedRequest',
      'Den lokala S3-servern svarar bara på http://127.0.0.1 och http://localhost.',
    );
  }
  const origin = header(head, 'origin');
  if (origin !== undefined && !options.allowedOrigins.has(origin)) {
    return refuse(
      403,
      'AccessDenied',
      `Begäran kommer från webbplatsen ${printable(origin)}; den lokala S3-servern tar bara emot begäranden från den lokala webbservern.`,
    );
  }
  const target = splitTarget(head.url);
  if (!target) return refuse(400, 'InvalidURI', 'Adressen i begäran går inte att läsa.');
  const keyProblem = checkPath(target.path);
  if (keyProblem) return refuse(400, 'InvalidObjectName', keyProblem);
  const copySource = header(head, 'x-amz-copy-source');
  if (copySource !== undefined) {
    const problem = checkPath(
      copySource.startsWith('/') ? (copySource.split('?')[0] ?? '') : `/${copySource.split('?')[0] ?? ''}`,
    );
    if (problem) return refuse(400, 'InvalidObjectName', problem);
  }
  // A CORS preflight carries no signature by design; it lets nothing through by itself,
  // and only the web server's origin gets here (checked above).
  if (head.method === 'OPTIONS' && origin !== undefined) return PASS;
  if (isFormPost(head, target)) return PASS; // its signature is in the body: checkFormPost
  return checkSignature(head, target, options);
}

/** Whether {@link checkHead}'s pass still waits for the body: a browser form POST or a multi-object delete. */
export function needsBody(head: RequestHead): 'form' | 'delete' | undefined {
  const target = splitTarget(head.url);
  if (!target) return undefined;
  if (isFormPost(head, target)) return 'form';
  if (head.method === 'POST' && target.query.some(([name]) => name === 'delete')) return 'delete';
  return undefined;
}

function isFormPost(head: RequestHead, target: Target): boolean {
  return (
    head.method === 'POST' &&
    target.query.length === 0 &&
    /^multipart\/form-data\s*;/i.test(header(head, 'content-type') ?? '')
  );
}

interface Target {
  /** Still percent-encoded. */
  readonly path: string;
  /** Still percent-encoded. */
  readonly rawQuery: string;
  /** Decoded pairs, in order. */
  readonly query: ReadonlyArray<readonly [string, string]>;
}

function splitTarget(url: string): Target | undefined {
  if (!url.startsWith('/')) return undefined;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const query: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = safeDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    query.push([name, value]);
  }
  return { path, rawQuery, query };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Why a path-style request path (`/bucket/key…`, percent-encoded) names no key the
 * store may touch, in Swedish; undefined when it is fine. s3rver turns keys into file
 * paths, so what a file system would read as a step up or a separator is refused.
 */
function checkPath(path: string): string | undefined {
  if (!path.startsWith('/')) return 'Adressen i begäran är ingen sökväg.';
  if (/%(2f|5c)/i.test(path)) return 'Objektnamnet innehåller ett kodat snedstreck (%2F eller %5C); det tas inte emot.';
  const segments = path.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const decoded = safeDecode(segments[i] as string);
    if (decoded === undefined) return 'Objektnamnet har en felaktig procentkodning.';
    const problem = keySegmentProblem(decoded, i === segments.length - 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Why a decoded object key is refused; undefined when it is fine. For a form's `key` field and a delete's `<Key>`. */
function checkKey(key: string): string | undefined {
  if (key === '') return 'Objektnamnet är tomt.';
  const segments = key.split('/');
  for (let i = 0; i < segments.length; i++) {
    const problem = keySegmentProblem(segments[i] as string, i === segments.length - 1);
    if (problem) return problem;
  }
  return undefined;
}

function keySegmentProblem(segment: string, last: boolean): string | undefined {
  if (segment === '.' || segment === '..') return `Objektnamnet innehåller delen "${segment}"; det tas inte emot.`;
  // A trailing slash is a folder marker (the S3 console's "Create folder"); inside a key an empty part would alias another.
  if (segment === '' && !last) return 'Objektnamnet innehåller två snedstreck i rad; det tas inte emot.';
  if (segment.includes('\\')) return 'Objektnamnet innehåller ett omvänt snedstreck (\\); det tas inte emot.';
  if (/[\u0000-\u001f\u007f]/.test(segment)) return 'Objektnamnet innehåller ett styrtecken; det tas inte emot.';
  return undefined;
}

// --- Signature Version 4 ----------------------------------------------------------

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Credential {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

function parseCredential(value: string): Credential | undefined {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!/^\d{8}$/.test(date) || region === '' || service === '') return undefined;
  return { accessKeyId, date, region, service };
}

/** `20240101T120000Z` → ms, or undefined. */
function parseAmzDate(value: string | undefined): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const ms = Date.UTC(y as number, (mo as number) - 1, d as number, h as number, mi as number, s as number);
  return Number.isNaN(ms) ? undefined : ms;
}

const UNSIGNED: GuardVerdict = refuse(
  403,
  'AccessDenied',
  'Begäran saknar en giltig signatur (AWS Signature Version 4) för den lokala stackens nycklar (S3RVER/S3RVER).',
);
const BAD_SIGNATURE: GuardVerdict = refuse(
  403,
  'SignatureDoesNotMatch',
  'Signaturen stämmer inte med begäran. Den lokala stacken har nycklarna AWS_ACCESS_KEY_ID=S3RVER och AWS_SECRET_ACCESS_KEY=S3RVER.',
);

function checkSignature(head: RequestHead, target: Target, options: GuardOptions): GuardVerdict {
  const authorization = header(head, 'authorization');
  const presigned = target.query.some(([name]) => name === 'X-Amz-Algorithm');
  if (authorization !== undefined && presigned)
    return refuse(400, 'InvalidArgument', 'Begäran har både en Authorization-rubrik och en signatur i adressen.');
  if (authorization !== undefined) return checkHeaderSignature(head, target, authorization, options);
  if (presigned) return checkPresigned(head, target, options);
  return UNSIGNED;
}

function checkHeaderSignature(
  head: RequestHead,
  target: Target,
  authorization: string,
  options: GuardOptions,
): GuardVerdict {
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(authorization.trim());
  if (!m) return UNSIGNED;
  const fields = new Map<string, string>();
  for (const part of (m[1] as string).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parseCredential(fields.get('Credential') ?? '');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return UNSIGNED;
  const amzDate = header(head, 'x-amz-date');
  const at = parseAmzDate(amzDate);
  if (at === undefined || !amzDate?.startsWith(credential.date)) return UNSIGNED;
  if (Math.abs(options.now.getTime() - at) > MAX_CLOCK_SKEW_MS) {
    return refuse(
      403,
      'RequestTimeTooSkewed',
      'Begärans tid (X-Amz-Date) ligger mer än 15 minuter från datorns klocka.',
    );
  }
  const payloadHash = header(head, 'x-amz-content-sha256');
  if (payloadHash === undefined) return UNSIGNED;
  return verify(
    head,
    target,
    { credential, signedHeaders, signature, amzDate: amzDate as string, payloadHash, excludeQuery: undefined },
    options,
  );
}

function checkPresigned(head: RequestHead, target: Target, options: GuardOptions): GuardVerdict {
  const q = new Map(target.query);
  if (q.get('X-Amz-Algorithm') !== ALGORITHM) return UNSIGNED;
  const credential = parseCredential(q.get('X-Amz-Credential') ?? '');
  const signedHeaders = q.get('X-Amz-SignedHeaders');
  const signature = q.get('X-Amz-Signature');
  const amzDate = q.get('X-Amz-Date');
  const at = parseAmzDate(amzDate);
  const expires = Number(q.get('X-Amz-Expires'));
  if (!credential || !signedHeaders || !signature || at === undefined || !amzDate?.startsWith(credential.date))
    return UNSIGNED;
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) return UNSIGNED;
  const now = options.now.getTime();
  if (now < at - MAX_CLOCK_SKEW_MS) return refuse(403, 'AccessDenied', 'Den signerade adressen gäller inte ännu.');
  if (now > at + expires * 1000) return refuse(403, 'AccessDenied', 'Den signerade adressen har gått ut.');
  const payloadHash = q.get('X-Amz-Content-Sha256') ?? header(head, 'x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD';
  return verify(
    head,
    target,
    { credential, signedHeaders, signature, amzDate, payloadHash, excludeQuery: 'X-Amz-Signature' },
    options,
  );
}

interface SignatureParts {
  readonly credential: Credential;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly amzDate: string;
  readonly payloadHash: string;
  readonly excludeQuery: string | undefined;
}

function verify(head: RequestHead, target: Target, parts: SignatureParts, options: GuardOptions): GuardVerdict {
  const { credential } = parts;
  if (credential.accessKeyId !== options.credentials.accessKeyId || credential.service !== 's3') return BAD_SIGNATURE;
  const names = parts.signedHeaders.split(';');
  // Host must be signed: that is what ties the signature to this server.
  if (!names.includes('host') || names.some((n) => n !== n.toLowerCase() || n === '')) return BAD_SIGNATURE;
  const canonicalHeaders = names
    .map((name) => {
      const values = head.headers[name];
      if (!values) return undefined;
      return `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
    })
    .join('');
  if (names.some((name) => !head.headers[name])) return BAD_SIGNATURE;
  const canonicalQuery = target.query
    .filter(([name]) => name !== parts.excludeQuery)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const key = signingKey(options.credentials.secretAccessKey, credential.date, credential.region, credential.service);
  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  // S3 signs the path as the client sent it (encoded once, not normalised); clients differ
  // in which characters they leave unencoded, so the strict re-encoding is tried as well.
  const candidates = new Set([
    target.path,
    target.path
      .split('/')
      .map((s) => uriEncode(safeDecode(s) ?? s))
      .join('/'),
  ]);
  for (const uri of candidates) {
    const canonicalRequest = [
      head.method,
      uri,
      canonicalQuery,
      canonicalHeaders,
      parts.signedHeaders,
      parts.payloadHash,
    ].join('\n');
    const stringToSign = [ALGORITHM, parts.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    if (equalHex(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'), parts.signature)) return PASS;
  }
  return BAD_SIGNATURE;
}

// --- Browser form POST (a signed POST policy) ---------------------------------------

export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly value: Buffer;
}

/**
 * The parts of a `multipart/form-data` body, up to and including the first `file` part
 * (S3 ignores what follows it). Undefined when the body is not well-formed.
 */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  if (!body.subarray(0, delimiter.length).equals(delimiter)) return undefined;
  const parts: FormPart[] = [];
  let pos = delimiter.length;
  const next = Buffer.from(`\r\n--${boundary}`);
  for (;;) {
    if (body.subarray(pos, pos + 2).toString() === '--') return parts; // the closing delimiter
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') return undefined;
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return undefined;
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const end = body.indexOf(next, headerEnd + 4);
    if (end < 0) return undefined;
    const disposition = /^content-disposition:\s*form-data\s*;(.*)$/im.exec(headers)?.[1];
    if (!disposition) return undefined;
    const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), value: body.subarray(headerEnd + 4, end) });
    if (name.toLowerCase() === 'file') return parts;
    pos = end + next.length;
  }
}

/**
 * Checks a browser form POST to `/{bucket}`: a POST policy signed with the local
 * credentials, not expired, whose conditions hold for the form's fields and the file's
 * size, and a `key` field that names an allowed key.
 */
export function checkFormPost(
  bucket: string,
  parts: readonly FormPart[] | undefined,
  options: Pick<GuardOptions, 'credentials' | 'now'>,
): GuardVerdict {
  if (!parts) return refuse(400, 'MalformedPOSTRequest', 'Formulärets innehåll går inte att läsa.');
  const fields = new Map<string, string>();
  let file: FormPart | undefined;
  for (const part of parts) {
    if (part.name.toLowerCase() === 'file') file = part;
    else fields.set(part.name.toLowerCase(), part.value.toString('utf8'));
  }
  const policy = fields.get('policy');
  const credential = parseCredential(fields.get('x-amz-credential') ?? '');
  const signature = fields.get('x-amz-signature');
  if (!policy || !credential || !signature || fields.get('x-amz-algorithm') !== ALGORITHM) return UNSIGNED;
  if (credential.accessKeyId !== options.credentials.accessKeyId || credential.service !== 's3') return BAD_SIGNATURE;
  const key = signingKey(options.credentials.secretAccessKey, credential.date, credential.region, credential.service);
  if (!equalHex(createHmac('sha256', key).update(policy, 'utf8').digest('hex'), signature)) return BAD_SIGNATURE;

  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as typeof document;
  } catch {
    return refuse(400, 'InvalidPolicyDocument', 'Formulärets policy är inte giltig JSON.');
  }
  const expiration = typeof document.expiration === 'string' ? Date.parse(document.expiration) : Number.NaN;
  if (Number.isNaN(expiration))
    return refuse(400, 'InvalidPolicyDocument', 'Formulärets policy saknar giltighetstid (expiration).');
  if (options.now.getTime() > expiration) return refuse(403, 'AccessDenied', 'Formulärets policy har gått ut.');
  if (!Array.isArray(document.conditions))
    return refuse(400, 'InvalidPolicyDocument', 'Formulärets policy saknar villkor (conditions).');
  if (!file) return refuse(400, 'InvalidArgument', 'Formuläret har ingen fil.');
  const objectKey = fields.get('key');
  if (objectKey === undefined) return refuse(400, 'InvalidArgument', 'Formuläret saknar fältet key.');
  const keyProblem = checkKey(objectKey);
  if (keyProblem) return refuse(400, 'InvalidObjectName', keyProblem);

  const values = new Map(fields);
  values.set('bucket', bucket);
  const covered = new Set<string>();
  for (const condition of document.conditions as unknown[]) {
    const failed = conditionFails(condition, values, file.value.length, covered);
    if (failed) return refuse(403, 'AccessDenied', `Formuläret uppfyller inte policyns villkor: ${failed}.`);
  }
  // As on AWS: every field the form sends must be named by a condition, the key first of all.
  for (const name of values.keys()) {
    if (['policy', 'x-amz-signature', 'file'].includes(name) || name.startsWith('x-ignore-')) continue;
    if (!covered.has(name))
      return refuse(403, 'AccessDenied', `Formulärets fält ${printable(name)} omfattas inte av policyn.`);
  }
  return PASS;
}

function conditionFails(
  condition: unknown,
  values: ReadonlyMap<string, string>,
  fileSize: number,
  covered: Set<string>,
): string | undefined {
  if (Array.isArray(condition)) {
    const [op, a, b] = condition as unknown[];
    if (op === 'content-length-range') {
      if (typeof a !== 'number' || typeof b !== 'number') return 'content-length-range';
      return fileSize < a || fileSize > b ? `filens storlek ${fileSize} byte` : undefined;
    }
    if ((op !== 'eq' && op !== 'starts-with') || typeof a !== 'string' || !a.startsWith('$') || typeof b !== 'string')
      return printable(JSON.stringify(condition));
    const name = a.slice(1).toLowerCase();
    covered.add(name);
    const value = values.get(name) ?? '';
    return (op === 'eq' ? value === b : value.startsWith(b)) ? undefined : printable(name);
  }
  if (condition !== null && typeof condition === 'object') {
    for (const [rawName, expected] of Object.entries(condition)) {
      const name = rawName.toLowerCase();
      covered.add(name);
      if (typeof expected !== 'string' || values.get(name) !== expected) return printable(name);
    }
    return undefined;
  }
  return printable(JSON.stringify(condition));
}

/** The keys of a multi-object delete request (`POST /{bucket}?delete`), each checked like a path's key. */
export function checkDeleteBody(body: Buffer): GuardVerdict {
  const xml = body.toString('utf8');
  for (const m of xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)) {
    const key = (m[1] as string).replace(/&(lt|gt|amp|quot|apos|#x?[0-9a-f]+);/gi, (entity: string, name: string) => {
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
      if (named[name.toLowerCase()]) return named[name.toLowerCase()] as string;
      const code =
        name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    });
    const problem = checkKey(key);
    if (problem) return refuse(400, 'InvalidObjectName', problem);
  }
  return PASS;
}

/** An S3-style error body, so the SDK and the AWS CLI show the code and the message. */
export function errorXml(code: string, message: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error>\n`;
}

/** A value from a request, safe to quote in a message: printable and short. */
function printable(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}
