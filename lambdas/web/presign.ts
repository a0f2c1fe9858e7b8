/**
 * A presigned POST for the uploads bucket: the form fields a browser sends with the file
 * so that S3 itself (or the local S3 port) accepts exactly one key, one content type and
 * a bounded size, for a few minutes. Signed with SigV4 over the base64 policy, as S3's
 * browser-based uploads define; the same code signs for AWS (the web function's role,
 * with its session token) and for the local S3 port (the local credentials).
 */
import { createHash, createHmac } from 'node:crypto';
import type { UploadTarget } from '../core/access.js';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface PresignedPost {
  /** Where the form is POSTed: the bucket's address. */
  readonly url: string;
  /** Fields in the order the form must send them; the file goes last, as `file`. */
  readonly fields: Readonly<Record<string, string>>;
  /** The key the file will have, for the page to find its receipt. */
  readonly key: string;
}

/** How long a presigned POST is good for: long enough to choose and send a 20 MB file. */
export const PRESIGNED_POST_SECONDS = 5 * 60;

export interface PresignOptions {
  readonly credentials: SigningCredentials;
  readonly region: string;
  readonly bucket: string;
  /** The bucket's address, e.g. `https://bucket.s3.eu-north-1.amazonaws.com` or `http://127.0.0.1:4569/bucket`. */
  readonly url: string;
  readonly target: UploadTarget;
  readonly now: Date;
}

export function presignPost(options: PresignOptions): PresignedPost {
  const { credentials, region, bucket, target, now } = options;
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, ''); // 20240105T120000Z
  const day = amzDate.slice(0, 8);
  const credential = `${credentials.accessKeyId}/${day}/${region}/s3/aws4_request`;
  const fields: Record<string, string> = {
    key: target.key,
    'Content-Type': target.contentType,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': credential,
    'X-Amz-Date': amzDate,
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  const policy = {
    expiration: new Date(now.getTime() + PRESIGNED_POST_SECONDS * 1000).toISOString(),
    conditions: [
      { bucket },
      ['eq', '$key', target.key],
      ['eq', '$Content-Type', target.contentType],
      ['content-length-range', 1, target.maxBytes],
      { 'x-amz-algorithm': fields['X-Amz-Algorithm'] },
      { 'x-amz-credential': credential },
      { 'x-amz-date': amzDate },
      ...(credentials.sessionToken ? [{ 'x-amz-security-token': credentials.sessionToken }] : []),
    ],
  };
  const encoded = Buffer.from(JSON.stringify(policy), 'utf8').toString('base64');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  fields.Policy = encoded;
  fields['X-Amz-Signature'] = createHmac('sha256', signingKey).update(encoded, 'utf8').digest('hex');
  return { url: options.url, fields, key: target.key };
}

/** A stable short digest, for CSP hashes of the one stylesheet. */
export function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
