import { ConfigError } from './errors.js';

/** Everything a handler needs from its environment, checked once at cold start. */
export interface RuntimeConfig {
  readonly uploadsBucket: string;
  readonly documentsBucket: string;
  readonly tableName: string;
  readonly region: string;
  /** Set only for the local stack (s3rver); unset on AWS. */
  readonly s3Endpoint?: string;
  /** Set only for the local stack (dynalite); unset on AWS. */
  readonly dynamodbEndpoint?: string;
  /** Where the default template lives; defaults to the repository's `templates/default.docx`. */
  readonly defaultTemplatePath?: string;
  /** SNS topic that announces each finished document; unset locally. */
  readonly documentTopicArn?: string;
  /** SNS topic that gets one message per receipt; unset locally (the outbox instead). */
  readonly receiptTopicArn?: string;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readRuntimeConfig(env: Env = process.env): RuntimeConfig {
  const config: RuntimeConfig = {
    uploadsBucket: required(env, 'UPLOADS_BUCKET'),
    documentsBucket: required(env, 'DOCUMENTS_BUCKET'),
    tableName: required(env, 'TABLE_NAME'),
    region: optional(env, 'AWS_REGION') ?? optional(env, 'AWS_DEFAULT_REGION') ?? 'eu-north-1',
    s3Endpoint: optional(env, 'S3_ENDPOINT'),
    dynamodbEndpoint: optional(env, 'DYNAMODB_ENDPOINT'),
    defaultTemplatePath: optional(env, 'DEFAULT_TEMPLATE_PATH'),
    documentTopicArn: optional(env, 'DOCUMENT_TOPIC_ARN'),
    receiptTopicArn: optional(env, 'RECEIPT_TOPIC_ARN'),
  };
  for (const [name, url] of [
    ['S3_ENDPOINT', config.s3Endpoint],
    ['DYNAMODB_ENDPOINT', config.dynamodbEndpoint],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(url)) {
      throw new ConfigError(`environment variable ${name} is not an http(s) endpoint: ${url}`);
    }
  }
  return config;
}
