/**
 * Fault injection at the SDK's HTTP layer: the SDK's own retry logic runs against the
 * faults, exactly as it would against DynamoDB throttling, partial batches or a
 * process that dies between two requests. Nothing here mocks `send`.
 */
import { Readable } from 'node:stream';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { HTTP_TIMEOUTS } from '../../lambdas/storage/clients.js';

type Handler = NonNullable<DynamoDBClientConfig['requestHandler']> & {
  handle(request: HttpRequestLike, options?: unknown): Promise<{ response: HttpResponseLike }>;
};
interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}
interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface FaultPlan {
  /** Fraction of requests (of the given operations, or all) answered with a throttling error. */
  readonly throttleRate?: number;
  readonly throttleOperations?: readonly string[];
  /** Fraction of BatchWriteItem requests of which only the first half is applied; the rest comes back as UnprocessedItems. */
  readonly unprocessedRate?: number;
  /** After this many successful requests of `operation`, every request fails: the process is gone. */
  readonly crashAfter?: { readonly operation: string; readonly count: number };
  /** Extra latency before a request of `operation` is sent. */
  readonly delayMs?: { readonly operation: string; readonly ms: number };
  /** Runs before each request is sent (and may wait): to make something happen at an exact point. */
  readonly before?: (operation: string) => Promise<void>;
  /** Deterministic randomness for repeatable runs. */
  readonly seed?: number;
}

export interface FaultStats {
  requests: number;
  throttled: number;
  partialBatches: number;
  crashed: boolean;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function jsonResponse(statusCode: number, body: unknown, errorType?: string): { response: HttpResponseLike } {
  const text = JSON.stringify(body);
  return {
    response: {
      statusCode,
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(Buffer.byteLength(text)),
        ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      },
      body: Readable.from([Buffer.from(text)]),
    },
  };
}

async function readBody(body: unknown): Promise<string> {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  return '';
}

/** A DynamoDB HTTP handler for `endpoint` that injects the planned faults. */
export function faultyDynamoHandler(endpoint: string, plan: FaultPlan): { handler: Handler; stats: FaultStats } {
  const base = new DynamoDBClient({ region: 'eu-north-1', endpoint, requestHandler: HTTP_TIMEOUTS }).config
    .requestHandler as unknown as Handler;
  const random = mulberry32(plan.seed ?? 42);
  const stats: FaultStats = { requests: 0, throttled: 0, partialBatches: 0, crashed: false };
  let done = 0;

  const handler = {
    ...base,
    async handle(request: HttpRequestLike, options?: unknown) {
      stats.requests += 1;
      const operation = (request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '').split('.')[1] ?? '';
      if (stats.crashed) throw Object.assign(new Error('process is gone'), { name: 'ProcessGone' });
      if (plan.before) await plan.before(operation);
      if (plan.delayMs && plan.delayMs.operation === operation)
        await new Promise((r) => setTimeout(r, plan.delayMs?.ms));
      const throttleApplies = !plan.throttleOperations || plan.throttleOperations.includes(operation);
      if (plan.throttleRate && throttleApplies && random() < plan.throttleRate) {
        stats.throttled += 1;
        return jsonResponse(
          400,
          {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'Rate of requests exceeds the allowed throughput.',
          },
          'ProvisionedThroughputExceededException',
        );
      }
      if (operation === 'BatchWriteItem' && plan.unprocessedRate && random() < plan.unprocessedRate) {
        const body = JSON.parse(await readBody(request.body)) as { RequestItems: Record<string, unknown[]> };
        const [table, items] = Object.entries(body.RequestItems)[0] ?? ['', []];
        if (items.length > 1) {
          stats.partialBatches += 1;
          const keep = items.slice(0, Math.ceil(items.length / 2));
          const rest = items.slice(keep.length);
          const text = JSON.stringify({ ...body, RequestItems: { [table]: keep } });
          const forwarded = {
            ...request,
            body: text,
            headers: { ...request.headers, 'content-length': String(Buffer.byteLength(text)) },
          };
          const { response } = await base.handle(forwarded, options);
          const answer = JSON.parse(await readBody(response.body)) as Record<string, unknown>;
          if (response.statusCode !== 200) return jsonResponse(response.statusCode, answer);
          return jsonResponse(200, { ...answer, UnprocessedItems: { [table]: rest } });
        }
      }
      const result = await base.handle(request, options);
      if (plan.crashAfter && plan.crashAfter.operation === operation && ++done >= plan.crashAfter.count)
        stats.crashed = true;
      return result;
    },
  };
  Object.setPrototypeOf(handler, Object.getPrototypeOf(base));
  return { handler: handler as Handler, stats };
}
