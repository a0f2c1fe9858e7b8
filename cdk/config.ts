/**
 * What differs between municipalities (and between a real and a test deployment), read
 * from CDK context: `npx cdk deploy -c namePrefix=ange-tertial -c notificationEmail=…`.
 * The e-mail address is also a stack parameter (`--parameters NotificationEmail=…`);
 * the context value only sets its default.
 */
import { ConfigError } from '../lambdas/core/errors.js';
import type { Node } from 'constructs';
import { COMMITTEE_PATTERN } from '../lambdas/core/domain.js';

export interface TertialConfig {
  /**
   * Prefix of every name the stack gives (stack, functions, queue, topics, IAM groups
   * and policies), so that two deployments can live in one account. Lower-case
   * letters, digits and `-`, starting with a letter, at most 24 characters.
   */
  readonly namePrefix: string;
  /** Default of the `NotificationEmail` parameter; empty: no subscription. */
  readonly notificationEmail: string;
  /**
   * Only for a test deployment: buckets (with their objects), table and log groups are
   * deleted with the stack. Default false: they are retained.
   */
  readonly destroyOnRemoval: boolean;
  /**
   * The committees the stack serves (`-c committees=ks,bun,sn`): each gets a staff and a
   * secretary group (and role, with `samlProviderArn`). A new committee is a new entry
   * here and a `cdk deploy`.
   */
  readonly committees: readonly string[];
  /**
   * ARN of an IAM SAML identity provider (the municipality's Entra ID, set up once by
   * IT); empty: sign-in with IAM users only. With it, each committee's staff and
   * secretary, and the administrator, also get a role to sign in to through that provider.
   */
  readonly samlProviderArn: string;
  /**
   * The assemble function as a container image with LibreOffice, which makes the PDF
   * beside each document (default). `false` (`-c pdf=false`): a zip function like the
   * others, for a deployer without Docker or Finch; Word documents only.
   */
  readonly pdf: boolean;
  /**
   * E-mail addresses subscribed to each committee's receipts (a filter policy on the
   * `committee` attribute): `-c receiptSubscribers='{"ks":["namn@kommun.se"]}'`.
   */
  readonly receiptSubscribers: Subscribers;
  /** The same for each committee's finished documents (the document topic). */
  readonly documentSubscribers: Subscribers;
}

/** Committee → e-mail addresses. */
export type Subscribers = Readonly<Record<string, readonly string[]>>;

export const DEFAULT_NAME_PREFIX = 'tertial';
/** Kommunstyrelsen: every municipality has one, and its settings are built in. */
export const DEFAULT_COMMITTEES: readonly string[] = ['ks'];
/**
 * Each committee adds six resources (two managed policies, two groups, two SAML roles)
 * to a stack that CloudFormation caps at 500; a municipality has 10–20 committees.
 */
export const MAX_COMMITTEES = 50;
/**
 * Slugs a committee cannot have: `receipts/templates/` holds every committee's template
 * receipts, so a committee named `templates` would read all of them.
 */
export const RESERVED_COMMITTEES: readonly string[] = ['templates'];

const SAML_PROVIDER_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w.-]{1,128}$/;

const NAME_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** CloudFormation `AllowedPattern` of the e-mail parameter: empty or an address. */
export const EMAIL_PARAMETER_PATTERN = '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

export { ConfigError };

/** Checks a configuration; throws a {@link ConfigError} that names the bad value. */
export function validateConfig(config: TertialConfig): TertialConfig {
  if (!NAME_PREFIX_PATTERN.test(config.namePrefix)) {
    throw new ConfigError(
      `namePrefix must be 2–24 lower-case letters, digits or '-', starting with a letter and not ending with '-': ${JSON.stringify(config.namePrefix)}`,
    );
  }
  if (config.notificationEmail !== '' && !EMAIL_PATTERN.test(config.notificationEmail)) {
    throw new ConfigError(`notificationEmail is not an e-mail address: ${JSON.stringify(config.notificationEmail)}`);
  }
  if (config.committees.length === 0)
    throw new ConfigError('committees must name at least one committee, e.g. -c committees=ks,bun');
  if (config.committees.length > MAX_COMMITTEES) {
    throw new ConfigError(
      `committees: at most ${MAX_COMMITTEES} committees per stack, got ${config.committees.length}`,
    );
  }
  const seen = new Set<string>();
  for (const committee of config.committees) {
    if (!COMMITTEE_PATTERN.test(committee)) {
      throw new ConfigError(`committees: ${JSON.stringify(committee)} is not a committee slug (1–32 of a–z, 0–9, '-')`);
    }
    if (RESERVED_COMMITTEES.includes(committee))
      throw new ConfigError(`committees: ${JSON.stringify(committee)} is reserved by the key layout`);
    if (seen.has(committee)) throw new ConfigError(`committees: ${JSON.stringify(committee)} is listed twice`);
    seen.add(committee);
  }
  if (config.samlProviderArn !== '' && !SAML_PROVIDER_PATTERN.test(config.samlProviderArn)) {
    throw new ConfigError(
      `samlProviderArn is not the ARN of an IAM SAML provider: ${JSON.stringify(config.samlProviderArn)}`,
    );
  }
  for (const [key, subscribers] of [
    ['receiptSubscribers', config.receiptSubscribers],
    ['documentSubscribers', config.documentSubscribers],
  ] as const) {
    for (const [committee, addresses] of Object.entries(subscribers)) {
      if (!COMMITTEE_PATTERN.test(committee))
        throw new ConfigError(`${key}: ${JSON.stringify(committee)} is not a committee slug (1–32 of a–z, 0–9, '-')`);
      if (!Array.isArray(addresses)) throw new ConfigError(`${key}.${committee} must be a list of e-mail addresses`);
      for (const address of addresses as unknown[]) {
        if (typeof address !== 'string' || !EMAIL_PATTERN.test(address))
          throw new ConfigError(`${key}.${committee}: not an e-mail address: ${JSON.stringify(address)}`);
      }
    }
  }
  return config;
}

/** `-c flag=true` arrives as the string "true"; cdk.json and tests may pass a boolean. */
function booleanContext(node: Node, key: string, fallback = false): boolean {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return fallback;
  if (value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ConfigError(`context ${key} must be true or false: ${JSON.stringify(value)}`);
}

function stringContext(node: Node, key: string, fallback: string): string {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new ConfigError(`context ${key} must be a string: ${JSON.stringify(value)}`);
  return value.trim();
}

/** `-c committees=ks,bun` arrives as one string; cdk.json and tests may pass an array. */
function listContext(node: Node, key: string, fallback: readonly string[]): readonly string[] {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return fallback;
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return value.map((item: string) => item.trim());
  throw new ConfigError(`context ${key} must be a comma-separated list: ${JSON.stringify(value)}`);
}

export function readConfig(node: Node): TertialConfig {
  return validateConfig({
    namePrefix: stringContext(node, 'namePrefix', DEFAULT_NAME_PREFIX),
    notificationEmail: stringContext(node, 'notificationEmail', ''),
    destroyOnRemoval: booleanContext(node, 'destroyOnRemoval'),
    committees: listContext(node, 'committees', DEFAULT_COMMITTEES),
    samlProviderArn: stringContext(node, 'samlProviderArn', ''),
    pdf: booleanContext(node, 'pdf', true),
    receiptSubscribers: subscribersContext(node, 'receiptSubscribers'),
    documentSubscribers: subscribersContext(node, 'documentSubscribers'),
  });
}

/** `-c receiptSubscribers='{"ks":["a@b.se"]}'` arrives as a string; cdk.json and tests may give the object. */
function subscribersContext(node: Node, key: string): Subscribers {
  let value: unknown = node.tryGetContext(key);
  if (value === undefined || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ConfigError(`context ${key} must be JSON such as {"ks":["namn@kommun.se"]}: ${value}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`context ${key} must be an object of committee → addresses`);
  return value as Subscribers;
}
