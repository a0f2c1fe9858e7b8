/**
 * Where the local stack is: bucket and table names, region and ports. Light on purpose
 * (no servers, no SDK), so a command that only talks to a running stack loads nothing
 * of the stack itself.
 */
import { createConnection } from 'node:net';
import type { RuntimeConfig } from '../lambdas/storage/config.js';
import { UsageError } from './args.js';
import { DEFAULT_PORTS, PORT_VARIABLES } from './usage.mjs';

export const LOCAL_BUCKETS = { uploads: 'tertial-uploads', documents: 'tertial-documents' } as const;
export const LOCAL_TABLE = 'tertial';
export const LOCAL_REGION = 'eu-north-1';

export interface LocalPorts {
  readonly s3: number;
  readonly dynamodb: number;
  readonly web: number;
}

/** The ports from `TERTIAL_S3_PORT`, `TERTIAL_DYNAMODB_PORT` and `TERTIAL_WEB_PORT`, or the defaults. */
export function localPorts(env: NodeJS.ProcessEnv = process.env): LocalPorts {
  const read = (key: keyof LocalPorts): number => {
    const name = PORT_VARIABLES[key];
    const raw = env[name];
    if (raw === undefined || raw === '') return DEFAULT_PORTS[key];
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`${name}="${raw}" är inte ett portnummer (0–65535).`);
    return port;
  };
  return { s3: read('s3'), dynamodb: read('dynamodb'), web: read('web') };
}

/** The variable that moves `port`, for a message about it. */
export function portVariable(port: number, ports: LocalPorts): string {
  if (port === ports.dynamodb) return PORT_VARIABLES.dynamodb;
  if (port === ports.web) return PORT_VARIABLES.web;
  return PORT_VARIABLES.s3;
}

export function localRuntimeConfig(ports: LocalPorts): RuntimeConfig {
  return {
    uploadsBucket: LOCAL_BUCKETS.uploads,
    documentsBucket: LOCAL_BUCKETS.documents,
    tableName: LOCAL_TABLE,
    region: LOCAL_REGION,
    s3Endpoint: `http://127.0.0.1:${ports.s3}`,
    dynamodbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
  };
}

/** A local stack that does not answer: the message names the address tried. */
export class StackNotRunningError extends UsageError {
  constructor(readonly address: string) {
    super(
      `Den lokala stacken svarar inte på ${address}. Starta den med "npx tertial local" i ett annat fönster (samma ${PORT_VARIABLES.s3} och ${PORT_VARIABLES.dynamodb} som här).`,
    );
    this.name = 'StackNotRunningError';
  }
}

/** Throws {@link StackNotRunningError} unless something listens on both the S3 and the DynamoDB port. */
export async function assertStackRunning(ports: LocalPorts): Promise<void> {
  for (const port of [ports.s3, ports.dynamodb]) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.setTimeout(2000);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
    if (!open) throw new StackNotRunningError(`http://127.0.0.1:${port}`);
  }
}
