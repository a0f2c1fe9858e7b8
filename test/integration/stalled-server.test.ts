/**
 * A server that accepts a request and never answers must not hold an invocation (on AWS
 * until Lambda's timeout, locally the whole stack): the clients bound every request's
 * silence, and the SDK retries the timeout like any transient fault.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../cli/local-stack.js';
import { closureKey } from '../../lambdas/core/keys.js';
import { silentLog } from '../../lambdas/core/log.js';
import { createClients, HTTP_TIMEOUTS } from '../../lambdas/storage/clients.js';

const servers: Server[] = [];
const sockets: Socket[] = [];

/** A TCP server that reads every request and answers none; counts connections. */
async function silentServer(): Promise<{ endpoint: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.push(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { endpoint: `http://127.0.0.1:${address.port}`, connections: () => connections };
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('a server that never answers', () => {
  it('the production bound is finite and on silence, not on the length of a transfer', () => {
    expect(HTTP_TIMEOUTS.socketTimeout).toBeGreaterThan(0);
    expect(HTTP_TIMEOUTS.socketTimeout).toBeLessThanOrEqual(60_000);
    expect(HTTP_TIMEOUTS.connectionTimeout).toBeGreaterThan(0);
  });

  it('DynamoDB: the request times out and is retried, then fails with TimeoutError', async () => {
    const silent = await silentServer();
    const clients = createClients(
      { region: 'eu-north-1', dynamodbEndpoint: silent.endpoint, s3Endpoint: silent.endpoint },
      { maxAttempts: 2, timeouts: { connectionTimeout: 1_000, socketTimeout: 300 } },
    );
    try {
      const started = Date.now();
      await expect(clients.dynamo.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      // Both attempts were made, each on a connection of its own (the stalled one is destroyed).
      expect(silent.connections()).toBe(2);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      clients.s3.destroy();
      clients.dynamo.destroy();
    }
  });

  it('S3: the same', async () => {
    const silent = await silentServer();
    const clients = createClients(
      { region: 'eu-north-1', dynamodbEndpoint: silent.endpoint, s3Endpoint: silent.endpoint },
      { maxAttempts: 2, timeouts: { connectionTimeout: 1_000, socketTimeout: 300 } },
    );
    try {
      await expect(clients.s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      expect(silent.connections()).toBe(2);
    } finally {
      clients.s3.destroy();
      clients.dynamo.destroy();
    }
  });
});

describe('the local stack, waiting for its events', () => {
  it('a bounded wait names the events still running, and the stack settles when they finish', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tertial-stalled-'));
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A PDF conversion that waits until the test lets it go.
    const stack = await startLocalStack({
      dataDir,
      s3Port: 0,
      dynamodbPort: 0,
      log: silentLog,
      convertToPdf: async () => {
        await held;
        return new TextEncoder().encode('%PDF-1.7 held');
      },
    });
    try {
      const period = { committee: 'ks', year: 2031, tertial: 1 } as const;
      await stack.runtime.clients.s3.send(
        new PutObjectCommand({
          Bucket: stack.config.uploadsBucket,
          Key: closureKey(period),
          Body: JSON.stringify({ allowEmpty: true }),
        }),
      );
      await expect(stack.idle(500)).rejects.toThrow(
        `events still in flight after 500 ms: assemble ${stack.config.uploadsBucket}/${closureKey(period)}`,
      );
      release();
      await stack.idle(30_000);
      expect(stack.failedEvents).toEqual([]);
    } finally {
      release();
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
