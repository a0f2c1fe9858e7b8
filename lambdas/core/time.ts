/**
 * Times as people read them: Swedish local time (Europe/Stockholm, summer time
 * included), whatever the time zone of the machine or the Lambda (UTC). The one place
 * that formats a time for a person; JSON gets ISO 8601 with the offset.
 */

/** The committee's time zone. */
const TIME_ZONE = 'Europe/Stockholm';

const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const LONG_DAY = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

function parts(date: Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const out: Record<string, string> = {};
  for (const p of PARTS.formatToParts(date)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
}

function toDate(value: Date | string | number): Date | undefined {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The day in Stockholm, `2024-05-14`: a document's date. */
export function stockholmDate(value: Date | string | number): string {
  const date = toDate(value);
  if (!date) return String(value);
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day}`;
}

/** `2024-05-14 13:05` in Stockholm: a time in a table or a line of the command line. */
export function stockholmMinute(value: Date | string | number): string {
  const date = toDate(value);
  if (!date) return String(value);
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `14 maj 2024 kl. 13:05` in Stockholm: a time in running text. */
export function stockholmLong(value: Date | string | number): string {
  const date = toDate(value);
  if (!date) return String(value);
  const p = parts(date);
  return `${LONG_DAY.format(date)} kl. ${p.hour}:${p.minute}`;
}

/**
 * `2024-05-14T13:05:00+02:00` (`+01:00` in winter): ISO 8601 with Stockholm's offset, the
 * one form of a time in JSON a person reads (receipts, `tertial status --json`). Keeps the
 * milliseconds when there are any (`…:00.120+02:00`), so no precision of an event time is
 * lost and one instant always gives the same string. Two such strings (or one and a UTC
 * `…Z` string written before) do not sort as text across a change of offset: compare
 * them with {@link compareInstants}.
 */
export function stockholmIso(value: Date | string | number): string {
  const date = toDate(value);
  // As `Date.prototype.toISOString`: JSON gets a time or nothing, never "Invalid Date".
  if (!date) throw new RangeError(`not a time: ${String(value)}`);
  const p = parts(date);
  const local = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  const seconds = Math.floor(date.getTime() / 1000) * 1000;
  const offset = Math.round((local - seconds) / 60000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const ms = date.getTime() - seconds;
  const fraction = ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${fraction}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Orders two ISO 8601 times by the instants they name, whatever their offsets: negative
 * when `a` is earlier, zero when they are the same instant (`2024-10-27T02:10:00+01:00`
 * and `2024-10-27T01:10:00.000Z`), positive when later. A time that does not parse sorts
 * before every time that does.
 */
export function compareInstants(a: string, b: string): number {
  const x = Date.parse(a);
  const y = Date.parse(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
  return x - y;
}
