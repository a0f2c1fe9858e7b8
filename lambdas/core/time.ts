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

/** `2024-05-14T13:05:00+02:00`: ISO 8601 with Stockholm's offset, for JSON a person may read. */
export function stockholmIso(value: Date | string | number): string {
  const date = toDate(value);
  if (!date) return String(value);
  const p = parts(date);
  const local = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  const offset = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
