import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/log.js';

/** Structured JSON logs on AWS, through Powertools; the level comes from POWERTOOLS_LOG_LEVEL. */
export function powertoolsLog(serviceName: string): Log {
  const logger = new Logger({ serviceName });
  const call =
    (fn: (message: string, ...extra: Record<string, unknown>[]) => void) =>
    (message: string, fields?: Record<string, unknown>) =>
      fields ? fn.call(logger, message, fields) : fn.call(logger, message);
  return { debug: call(logger.debug), info: call(logger.info), warn: call(logger.warn), error: call(logger.error) };
}
