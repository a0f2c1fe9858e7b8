/**
 * What differs between municipalities (and between a real and a test deployment), read
 * from CDK context: `npx cdk deploy -c namePrefix=ange-tertial -c notificationEmail=…`.
 * The e-mail address is also a stack parameter (`--parameters NotificationEmail=…`);
 * the context value only sets its default.
 */
import type { Node } from 'constructs';

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
}

export const DEFAULT_NAME_PREFIX = 'tertial';

const NAME_PREFIX_PATTERN = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** CloudFormation `AllowedPattern` of the e-mail parameter: empty or an address. */
export const EMAIL_PARAMETER_PATTERN = '^$|^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

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
  return config;
}

/** `-c flag=true` arrives as the string "true"; cdk.json and tests may pass a boolean. */
function booleanContext(node: Node, key: string): boolean {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ConfigError(`context ${key} must be true or false: ${JSON.stringify(value)}`);
}

function stringContext(node: Node, key: string, fallback: string): string {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new ConfigError(`context ${key} must be a string: ${JSON.stringify(value)}`);
  return value.trim();
}

export function readConfig(node: Node): TertialConfig {
  return validateConfig({
    namePrefix: stringContext(node, 'namePrefix', DEFAULT_NAME_PREFIX),
    notificationEmail: stringContext(node, 'notificationEmail', ''),
    destroyOnRemoval: booleanContext(node, 'destroyOnRemoval'),
  });
}
