/**
 * What a handler builds once per cold start: configuration, clients, the object
 * store and the repository. Handlers call this; domain code receives its results.
 */
import { createClients, type ClientOptions, type Clients } from './clients.js';
import { readRuntimeConfig, type RuntimeConfig } from './config.js';
import { s3ObjectStore, type ObjectStore } from './objects.js';
import { PeriodRepository } from './repository.js';

export interface Runtime {
  readonly config: RuntimeConfig;
  readonly clients: Clients;
  readonly objects: ObjectStore;
  readonly repo: PeriodRepository;
}

export function createRuntime(config: RuntimeConfig = readRuntimeConfig(), options: ClientOptions = {}): Runtime {
  const clients = createClients(config, options);
  return { config, clients, objects: s3ObjectStore(clients.s3), repo: new PeriodRepository(clients.dynamo, config.tableName) };
}
