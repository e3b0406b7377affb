import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

// Report weeks (周报周期) run Monday to Sunday in the tenant's time zone; the deadline is a
// weekday and local time within the week (default Friday 18:00). Pure, no I/O.

export interface Deadline {
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** HH:mm, local. */
  time: string;
}

export const DEFAULT_DEADLINE: Deadline = { weekday: 5, time: '18:00' };

/** The Monday (local date) of the week a local date falls in. */
export function weekStartOf(localDate: string): string {
  const d = dayjs.utc(localDate);
  return d.subtract((d.day() + 6) % 7, 'day').format('YYYY-MM-DD');
}

export function isMonday(localDate: string): boolean {
  return dayjs.utc(localDate).day() === 1;
}

/** The local days of the week that starts on `monday`, both ends included. */
export function weekRange(monday: string): { from: string; to: string } {
  return { from: monday, to: dayjs.utc(monday).add(6, 'day').format('YYYY-MM-DD') };
}

/** The deadline of the week starting `monday`, as a UTC instant. */
export function deadlineOf(monday: string, deadline: Deadline, timeZone: string): string {
  const day = dayjs
    .utc(monday)
    .add(deadline.weekday - 1, 'day')
    .format('YYYY-MM-DD');
  return dayjs.tz(`${day} ${deadline.time}`, timeZone).toISOString();
}

/** The latest week whose deadline has passed at `now`: the one the sweep checks. */
export function lastDueWeek(
  now: Date,
  deadline: Deadline,
  timeZone: string,
): { weekStart: string; dueAt: string } {
  const today = dayjs(now).tz(timeZone).format('YYYY-MM-DD');
  const thisWeek = weekStartOf(today);
  const due = deadlineOf(thisWeek, deadline, timeZone);
  if (due <= now.toISOString()) return { weekStart: thisWeek, dueAt: due };
  const previous = dayjs.utc(thisWeek).subtract(7, 'day').format('YYYY-MM-DD');
  return { weekStart: previous, dueAt: deadlineOf(previous, deadline, timeZone) };
}
