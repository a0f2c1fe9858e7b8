/**
 * The few S3 operations the pipeline uses, with "no such object" as a value rather
 * than an exception (a deleted upload or an absent template are normal cases).
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface StoredObject {
  readonly bytes: Uint8Array;
  readonly versionId?: string;
  readonly etag?: string;
  readonly lastModified?: Date;
}

export interface ObjectStore {
  get(bucket: string, key: string, versionId?: string): Promise<StoredObject | undefined>;
  put(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  exists(bucket: string, key: string): Promise<boolean>;
  /** Every object under `prefix`, in key order. */
  list(bucket: string, prefix: string): Promise<ListedObject[]>;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export const CONTENT_TYPES = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NoSuchKey' ||
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchVersion' ||
    e?.$metadata?.httpStatusCode === 404
  );
}

export function s3ObjectStore(s3: S3Client): ObjectStore {
  return {
    async get(bucket, key, versionId) {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
        const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
        return {
          bytes,
          ...(out.VersionId ? { versionId: out.VersionId } : {}),
          ...(out.ETag ? { etag: out.ETag } : {}),
          ...(out.LastModified ? { lastModified: out.LastModified } : {}),
        };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async put(bucket, key, body, contentType) {
      // An explicit length: the SDK cannot tell an empty body from a stream of unknown length.
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ContentLength: Buffer.byteLength(body),
        }),
      );
    },
    async list(bucket, prefix) {
      const listed: ListedObject[] = [];
      let token: string | undefined;
      do {
        const out = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of out.Contents ?? []) {
          if (o.Key) listed.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async exists(bucket, key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
  };
}
