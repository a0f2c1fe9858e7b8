import { jsonLineLog, type Log, type LogLevel } from '../core/log.js';

/** JSON lines on stderr, the CLI's and the tests' default. */
export function stderrLog(minLevel: LogLevel = 'info', base: Record<string, unknown> = {}): Log {
  return jsonLineLog(minLevel, base, (line) => process.stderr.write(line));
}
