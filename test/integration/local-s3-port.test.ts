/**
 * The local S3 port is a server on the user's machine: it must refuse requests a web
 * page (or anything else without the local credentials) could send, and keys that a
 * file system would read as a way out of the data folder. The exact requests are sent
 * raw over HTTP; signed ones are signed by the SDK's own signer (`@smithy/signature-v4`),
 * not by the code under test.
 */
import { createHash, createHmac } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../lambdas/storage/clients.js';
import { startTestStack, type TestStack } from '../helpers/local.js';

let stack: TestStack;
let port: number;
const WEB_ORIGIN = 'http://127.0.0.1:45999';

class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret as ArrayBuffer));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function signer(secretAccessKey: string = LOCAL_CREDENTIALS.secretAccessKey): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey },
    region: 'eu-north-1',
    service: 's3',
    sha256: NodeSha256,
    uriEscapePath: false, // S3 signs the path as sent
  });
}

interface Answer {
  status: number;
  body: string;
}

/** Sends one request exactly as given (the path is not normalised or re-encoded). */
function send(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A request signed in the Authorization header, as the SDK and the AWS CLI send it. */
async function sendSigned(
  method: string,
  path: string,
  body: Buffer | string = '',
  secret?: string,
  extra: Record<string, string> = {},
): Promise<Answer> {
  const payload = createHash('sha256').update(body).digest('hex');
  const [pathname, query] = path.split('?') as [string, string | undefined];
  const signed = await signer(secret).sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    path: pathname,
    query: Object.fromEntries(new URLSearchParams(query ?? '')),
    headers: {
      host: `127.0.0.1:${port}`,
      'x-amz-content-sha256': payload,
      'content-length': String(Buffer.byteLength(body)),
      ...extra,
    },
  });
  return send(method, path, signed.headers as Record<string, string>, body);
}

/** Every file under `dir`, relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Posts the form to the uploads bucket as the local web server's page does; the answer's status. */
async function postFromPage(form: { contentType: string; body: Buffer }): Promise<number> {
  return (await send('POST', '/tertial-uploads', { 'content-type': form.contentType, origin: WEB_ORIGIN }, form.body))
    .status;
}

function multipart(
  fields: ReadonlyArray<readonly [string, string]>,
  file: Buffer,
  boundary = '----tertialform7MA4YWxkTrZu0gW',
): { body: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  for (const [name, value] of fields)
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The fields of a POST policy signed as AWS's presigned POST is (the policy's base64 signed with the SigV4 key). */
function signedPolicyFields(
  conditions: unknown[],
  secret: string = LOCAL_CREDENTIALS.secretAccessKey,
  expiresInMs = 10 * 60_000,
): [string, string][] {
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const amzDate = `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
  const credential = `${LOCAL_CREDENTIALS.accessKeyId}/${date}/eu-north-1/s3/aws4_request`;
  const policy = Buffer.from(
    JSON.stringify({
      expiration: new Date(now.getTime() + expiresInMs).toISOString(),
      conditions: [
        ...conditions,
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': credential },
        { 'x-amz-date': amzDate },
      ],
    }),
  ).toString('base64');
  const h = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const key = h(h(h(h(`AWS4${secret}`, date), 'eu-north-1'), 's3'), 'aws4_request');
  return [
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', credential],
    ['x-amz-date', amzDate],
    ['policy', policy],
    ['x-amz-signature', createHmac('sha256', key).update(policy).digest('hex')],
  ];
}

beforeAll(async () => {
  stack = await startTestStack();
  port = Number(new URL(stack.config.s3Endpoint as string).port);
  stack.allowBrowserOrigin(WEB_ORIGIN);
}, 60_000);

afterAll(async () => {
  await stack?.dispose();
});

describe('the local S3 port (hostile requests)', () => {
  it('10.9: refuses a PUT to /tertial-uploads/uploads/..%2F..%2Fx.xlsx, signed or not, and writes nothing outside the data folder', async () => {
    const root = stack.dataDir;
    const parent = dirname(root);
    expect((await readdir(parent)).filter((name) => name.includes('x.xlsx'))).toEqual([]);
    const workbook = await readFile('examples/ks-2023-T3-aktiviteter.xlsx');

    const unsigned = await send(
      'PUT',
      '/tertial-uploads/uploads/..%2F..%2Fx.xlsx',
      { 'content-length': String(workbook.length) },
      workbook,
    );
    expect(unsigned.status).toBe(400);
    expect(unsigned.body).toMatch(/<Code>InvalidObjectName<\/Code>/);

    const signed = await sendSigned('PUT', '/tertial-uploads/uploads/..%2F..%2Fx.xlsx', workbook);
    expect(signed.status).toBe(400);
    for (const path of [
      '/tertial-uploads/uploads/..%5C..%5Cx.xlsx',
      '/tertial-uploads/uploads/../../x.xlsx',
      '/tertial-uploads/uploads/%2E%2E/x.xlsx',
      '/tertial-uploads/uploads//x.xlsx',
    ]) {
      expect((await sendSigned('PUT', path, workbook)).status, path).toBe(400);
    }
    const copy = await sendSigned('PUT', '/tertial-uploads/uploads/ks/2024/T1/kopia.xlsx', '', undefined, {
      'x-amz-copy-source': '/tertial-uploads/..%2F..%2Fetc/passwd',
    });
    expect(copy.status).toBe(400);

    await stack.idle();
    // The parent is the shared temporary directory, where other tests come and go: what
    // the attack could write there is a file named after its key.
    expect((await readdir(parent)).filter((name) => name.includes('x.xlsx'))).toEqual([]);
    expect((await filesUnder(root)).filter((f) => f.includes('x.xlsx'))).toEqual([]);
    expect(await stack.output('receipts/x.xlsx.json')).toBeUndefined();
  });

  it('10.9: refuses a multipart form POST with a foreign Origin header, and nothing is stored or ingested', async () => {
    const key = 'uploads/ks/2024/T1/fran-webbsida.xlsx';
    const workbook = await readFile('examples/ks-2023-T3-aktiviteter.xlsx');
    // Even a correctly signed policy (the local credentials are public) is refused from another site.
    const form = multipart(
      [['key', key], ...signedPolicyFields([{ bucket: 'tertial-uploads' }, ['starts-with', '$key', 'uploads/']])],
      workbook,
    );
    const answer = await send(
      'POST',
      '/tertial-uploads',
      { 'content-type': form.contentType, 'content-length': String(form.body.length), origin: 'https://example.com' },
      form.body,
    );
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/<Code>AccessDenied<\/Code>/);
    expect(answer.body).toMatch(/example\.com/);

    // The plain cross-site form of the attack: no signature at all (the browser sends no Origin on some navigations).
    const plain = multipart([['key', key]], workbook);
    const unsigned = await send(
      'POST',
      '/tertial-uploads',
      { 'content-type': plain.contentType, 'content-length': String(plain.body.length) },
      plain.body,
    );
    expect(unsigned.status).toBe(403);

    await stack.idle();
    const head = await sendSigned('HEAD', `/tertial-uploads/${key}`);
    expect(head.status).toBe(404);
    expect(await stack.output('receipts/ks/2024/T1/fran-webbsida.xlsx.json')).toBeUndefined();
  });

  it('takes a form POST with a valid POST-policy signature from the local web server’s origin, and ingests it', async () => {
    const key = 'uploads/ks/2024/T1/fran-sidan.xlsx';
    const workbook = await readFile('examples/ks-2023-T3-aktiviteter.xlsx');
    const fields = signedPolicyFields([
      { bucket: 'tertial-uploads' },
      ['eq', '$key', key],
      ['content-length-range', 1, 20 * 1024 * 1024],
    ]);
    const form = multipart([['key', key], ...fields], workbook);
    const answer = await send(
      'POST',
      '/tertial-uploads',
      { 'content-type': form.contentType, 'content-length': String(form.body.length), origin: WEB_ORIGIN },
      form.body,
    );
    expect(answer.status, answer.body).toBe(204);
    await stack.idle();
    const receipt = await stack.outputJson<{ status: string }>('receipts/ks/2024/T1/fran-sidan.xlsx.json');
    expect(receipt?.status).toBe('accepted');

    // The same signed policy does not stretch to another key, a wrong secret or an expired policy.
    const other = multipart([['key', 'uploads/ks/2024/T1/annan.xlsx'], ...fields], workbook);
    expect(await postFromPage(other)).toBe(403);
    const forged = multipart(
      [['key', key], ...signedPolicyFields([{ bucket: 'tertial-uploads' }, ['eq', '$key', key]], 'not-the-secret')],
      workbook,
    );
    expect(await postFromPage(forged)).toBe(403);
    const expired = multipart(
      [['key', key], ...signedPolicyFields([{ bucket: 'tertial-uploads' }, ['eq', '$key', key]], undefined, -60_000)],
      workbook,
    );
    expect(await postFromPage(expired)).toBe(403);
    const traversal = multipart(
      [
        ['key', 'uploads/../../x.xlsx'],
        ...signedPolicyFields([{ bucket: 'tertial-uploads' }, ['starts-with', '$key', 'uploads/']]),
      ],
      workbook,
    );
    expect(await postFromPage(traversal)).toBe(400);
  });

  it('refuses unsigned requests, a wrong secret, a foreign Host and a tampered presigned URL; takes a valid presigned one', async () => {
    const key = '/tertial-documents/receipts/ks/2024/T1/fran-sidan.xlsx.json';
    expect((await send('GET', key, {})).status).toBe(403);
    expect((await sendSigned('GET', key, '', 'not-the-secret')).status).toBe(403);
    expect((await sendSigned('GET', key)).status).toBe(200);
    expect((await send('GET', key, { host: `evil.example:${port}` })).status).toBe(421);

    const presigned = await signer().presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port,
        path: key,
        headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { expiresIn: 300 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    expect((await send('GET', `${key}?${query}`, {})).status).toBe(200);
    expect((await send('GET', `${key.replace('fran-sidan', 'annan')}?${query}`, {})).status).toBe(403);
  });

  it('refuses a multi-object delete naming a key with .. segments', async () => {
    const body = '<Delete><Object><Key>uploads/../../x.xlsx</Key></Object></Delete>';
    const md5 = createHash('md5').update(body).digest('base64');
    const answer = await sendSigned('POST', '/tertial-uploads?delete=', body, undefined, { 'content-md5': md5 });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/InvalidObjectName/);
  });
});
