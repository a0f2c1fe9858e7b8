/**
 * What a handler builds once per cold start: configuration, clients, the object
 * store and the repository. Handlers call this; domain code receives its results.
 */
import type { Log } from '../core/log.js';
import { snsNotifier, type Notifier } from '../runtime/notify.js';
import { createClients, type ClientOptions, type Clients } from './clients.js';
import { readRuntimeConfig, type RuntimeConfig } from './config.js';
import { s3ObjectStore, type ObjectStore } from './objects.js';
import { PeriodRepository } from './repository.js';

export interface Runtime {
  readonly config: RuntimeConfig;
  readonly clients: Clients;
  readonly objects: ObjectStore;
  readonly repo: PeriodRepository;
  /** The receipts and document topics (SNS on AWS, the outbox folder locally). */
  readonly notify: Notifier;
}

export interface RuntimeOptions extends ClientOptions {
  /** Replaces the SNS topics of the configuration (the local stack's outbox). */
  readonly notify?: Notifier;
}

export function createRuntime(config: RuntimeConfig = readRuntimeConfig(), options: RuntimeOptions = {}): Runtime {
  const clients = createClients(config, options);
  const notify =
    options.notify ??
    snsNotifier(config.region, {
      ...(config.receiptTopicArn ? { receipts: config.receiptTopicArn } : {}),
      ...(config.documentTopicArn ? { documents: config.documentTopicArn } : {}),
    });
  return {
    config,
    clients,
    objects: s3ObjectStore(clients.s3),
    repo: new PeriodRepository(clients.dynamo, config.tableName),
    notify,
  };
}

/** What a pipeline step's domain function is given: the runtime's stores and topics, a log and a clock. */
export interface StepDeps {
  readonly objects: ObjectStore;
  readonly repo: PeriodRepository;
  readonly log: Log;
  readonly clock: () => Date;
  readonly documentsBucket: string;
  readonly notify: Notifier;
}

export function stepDeps(runtime: Runtime, log: Log, clock: () => Date = () => new Date()): StepDeps {
  return {
    objects: runtime.objects,
    repo: runtime.repo,
    log,
    clock,
    documentsBucket: runtime.config.documentsBucket,
    notify: runtime.notify,
  };
}
