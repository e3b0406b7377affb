import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

// Periods are whole local days in the tenant's time zone: `from` and `to` are both included,
// so 2026-11-01..2026-11-30 in Asia/Shanghai is [2026-10-31T16:00Z, 2026-11-30T16:00Z).

export const TIME_DIMENSIONS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];

export function isTimeDimension(d: string): d is TimeDimension {
  return (TIME_DIMENSIONS as readonly string[]).includes(d);
}

/** The UTC instants bounding the local days `from`..`to` (inclusive), as [start, end). */
export function periodInstants(from: string, to: string, timeZone: string): { start: string; end: string } {
  const start = dayjs.tz(`${from} 00:00`, timeZone);
  const end = dayjs.tz(`${to} 00:00`, timeZone).add(1, 'day');
  return { start: start.toISOString(), end: end.toISOString() };
}

/** Today's local date in the time zone. */
export function localToday(timeZone: string, now = new Date()): string {
  return dayjs(now).tz(timeZone).format('YYYY-MM-DD');
}

/**
 * The bucket an instant falls in: day `2026-11-25`, week by its Monday `2026-11-23`,
 * month `2026-11`, quarter `2026-Q4`, year `2026` — all in local time.
 */
export function timeBucket(at: string, dim: TimeDimension, timeZone: string): string {
  const d = dayjs(at).tz(timeZone);
  switch (dim) {
    case 'day':
      return d.format('YYYY-MM-DD');
    case 'week':
      return d.subtract((d.day() + 6) % 7, 'day').format('YYYY-MM-DD');
    case 'month':
      return d.format('YYYY-MM');
    case 'quarter':
      return `${d.format('YYYY')}-Q${Math.floor(d.month() / 3) + 1}`;
    case 'year':
      return d.format('YYYY');
  }
}

/** An instant moved by whole calendar months in local time (31 Jan + 1 month = 28/29 Feb). */
export function shiftMonths(at: string, months: number, timeZone: string): string {
  return dayjs(at).tz(timeZone).add(months, 'month').toISOString();
}
