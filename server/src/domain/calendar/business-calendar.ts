import chineseDays from 'chinese-days';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

// The working calendar (工作日历) time limits count in: working hours on working days, where
// working days follow the Chinese statutory calendar with its make-up working days (调休) from the
// chinese-days package, plus the tenant's own closures and extra working days.

export interface WorkingInterval {
  /** 'HH:mm' local time */
  start: string;
  end: string;
}

export interface CalendarConfig {
  timeZone: string;
  workingHours: WorkingInterval[];
  /** Extra days off (YYYY-MM-DD), e.g. a company outing. */
  closures: string[];
  /** Extra working days (YYYY-MM-DD) beyond the statutory ones. */
  extraWorkingDays: string[];
  /** ISO weekdays worked (1 = Monday … 7 = Sunday); Monday–Friday when absent. */
  workingWeekdays?: number[];
  /** Follow the statutory holidays and 调休 make-up days (default true). */
  statutoryHolidays?: boolean;
}

const WEEKDAY_NAMES = new Set(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);

export const DEFAULT_CALENDAR: CalendarConfig = {
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  closures: [],
  extraWorkingDays: [],
};

const MAX_DAYS_SCANNED = 3 * 366;

export function isWorkingDay(cal: CalendarConfig, date: string): boolean {
  if (cal.closures.includes(date)) return false;
  if (cal.extraWorkingDays.includes(date)) return true;
  const statutory = cal.statutoryHolidays !== false;
  if (!cal.workingWeekdays && statutory) return chineseDays.isWorkday(date);
  // A statutory holiday or make-up day (named for its festival) decides; otherwise the week does.
  if (statutory) {
    const detail = chineseDays.getDayDetail(date);
    if (!WEEKDAY_NAMES.has(detail.name)) return detail.work;
  }
  const isoWeekday = ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  return (cal.workingWeekdays ?? [1, 2, 3, 4, 5]).includes(isoWeekday);
}

function localDate(cal: CalendarConfig, at: Date): string {
  return dayjs(at).tz(cal.timeZone).format('YYYY-MM-DD');
}

function nextDate(date: string): string {
  return dayjs(`${date}T00:00:00Z`).utc().add(1, 'day').format('YYYY-MM-DD');
}

/** The working intervals of one local date as UTC instants; none on a day off. */
export function workingIntervalsOn(cal: CalendarConfig, date: string): Array<{ start: Date; end: Date }> {
  if (!isWorkingDay(cal, date)) return [];
  return cal.workingHours.map((h) => ({
    start: dayjs.tz(`${date} ${h.start}`, cal.timeZone).toDate(),
    end: dayjs.tz(`${date} ${h.end}`, cal.timeZone).toDate(),
  }));
}

export function isWorkingTime(cal: CalendarConfig, at: Date): boolean {
  return workingIntervalsOn(cal, localDate(cal, at)).some((i) => at >= i.start && at < i.end);
}

/** The instant `minutes` of working time after `start` (a limit started out of hours starts at the next opening). */
export function addWorkingMinutes(cal: CalendarConfig, start: Date, minutes: number): Date {
  let remaining = minutes * 60_000;
  let date = localDate(cal, start);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    for (const interval of workingIntervalsOn(cal, date)) {
      if (interval.end <= start) continue;
      const from = interval.start > start ? interval.start : start;
      const available = interval.end.getTime() - from.getTime();
      if (remaining <= available) return new Date(from.getTime() + remaining);
      remaining -= available;
    }
    date = nextDate(date);
  }
  throw new RangeError('no working time within three years: check the calendar');
}

/** Whole working days: the same local time on the n-th following working day. */
export function addWorkingDays(cal: CalendarConfig, start: Date, days: number): Date {
  const local = dayjs(start).tz(cal.timeZone);
  let date = local.format('YYYY-MM-DD');
  let left = days;
  for (let i = 0; i < MAX_DAYS_SCANNED && left > 0; i++) {
    date = nextDate(date);
    if (isWorkingDay(cal, date)) left--;
  }
  return dayjs.tz(`${date} ${local.format('HH:mm:ss')}`, cal.timeZone).toDate();
}

/** Working minutes between two instants (0 when b is not after a). */
export function workingMinutesBetween(cal: CalendarConfig, a: Date, b: Date): number {
  if (b <= a) return 0;
  let total = 0;
  let date = localDate(cal, a);
  const last = localDate(cal, b);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    for (const interval of workingIntervalsOn(cal, date)) {
      const from = Math.max(interval.start.getTime(), a.getTime());
      const to = Math.min(interval.end.getTime(), b.getTime());
      if (to > from) total += to - from;
    }
    if (date === last) break;
    date = nextDate(date);
  }
  return Math.round(total / 60_000);
}

/**
 * A deadline at a local time of day: the same working day if `at` is before that time on a
 * working day and `sameDay` is asked for, otherwise the next working day (e.g. "by 17:00").
 */
export function workingDayAt(
  cal: CalendarConfig,
  at: Date,
  time: string,
  which: 'same_working_day' | 'next_working_day',
): Date {
  let date = localDate(cal, at);
  if (which === 'same_working_day' && isWorkingDay(cal, date)) {
    const candidate = dayjs.tz(`${date} ${time}`, cal.timeZone).toDate();
    if (candidate >= at) return candidate;
  }
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    date = nextDate(date);
    if (isWorkingDay(cal, date)) return dayjs.tz(`${date} ${time}`, cal.timeZone).toDate();
  }
  throw new RangeError('no working day within three years: check the calendar');
}

/** Holidays and make-up working days of a year, for the settings screen. */
export function statutoryDaysOf(year: number): { holidays: string[]; makeUpWorkdays: string[] } {
  const holidays: string[] = [];
  const makeUpWorkdays: string[] = [];
  let date = `${year}-01-01`;
  while (date.startsWith(String(year))) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const work = chineseDays.isWorkday(date);
    if (!work && !weekend) holidays.push(date);
    if (work && weekend) makeUpWorkdays.push(date);
    date = nextDate(date);
  }
  return { holidays, makeUpWorkdays };
}
