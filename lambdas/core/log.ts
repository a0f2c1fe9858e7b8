/**
 * The logging surface the pipeline needs. Powertools' Logger satisfies it on AWS; the
 * local stack and the tests pass their own. Messages are English; the bucket, key and
 * period go into the structured fields so every line can be found again.
 */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * One JSON object per line, for the CLI and the local stack. Where the lines go is the
 * caller's choice (`stderrLog` in `lambdas/runtime/log.ts` writes them to stderr).
 */
export function jsonLineLog(minLevel: LogLevel, base: Record<string, unknown>, write: (line: string) => void): Log {
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const emit = (level: keyof typeof order) => (message: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[minLevel]) return;
    write(
      `${JSON.stringify({ level: level.toUpperCase(), timestamp: new Date().toISOString(), message, ...base, ...fields }, errorReplacer)}\n`,
    );
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error)
    return { name: value.name, message: value.message, ...(value.cause ? { cause: String(value.cause) } : {}) };
  return value;
}

/** A log whose every line carries `fields` (the bucket, key and period of one event). */
export function withFields(log: Log, fields: Record<string, unknown>): Log {
  return {
    debug: (m, f) => log.debug(m, { ...fields, ...f }),
    info: (m, f) => log.info(m, { ...fields, ...f }),
    warn: (m, f) => log.warn(m, { ...fields, ...f }),
    error: (m, f) => log.error(m, { ...fields, ...f }),
  };
}
