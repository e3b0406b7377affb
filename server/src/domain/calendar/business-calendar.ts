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

// The SLA sweep asks the same few days of one calendar thousands of times, and a time-zone
// conversion through dayjs costs tens of microseconds: local dates come from one cached
// Intl formatter per zone, and each calendar's working intervals are kept per local date for as
// long as the calendar object lives (the sweep reads each tenant's calendar once).
const zoneFormats = new Map<string, Intl.DateTimeFormat>();
const intervalsByCalendar = new WeakMap<CalendarConfig, Map<string, readonly WorkingSpan[]>>();

/** One working interval of a day as UTC instants. */
export interface WorkingSpan {
  readonly start: Date;
  readonly end: Date;
}

const instantsByCalendar = new WeakMap<CalendarConfig, Map<string, Date>>();

// One Intl formatter per zone and shape, built once: building one costs far more than using it.
const FORMAT_SHAPES = {
  // en-CA writes dates as YYYY-MM-DD.
  date: ['en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }],
  time: ['en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }],
} as const satisfies Record<string, readonly [string, Intl.DateTimeFormatOptions]>;

function zoneFormat(shape: keyof typeof FORMAT_SHAPES, timeZone: string): Intl.DateTimeFormat {
  const key = `${shape} ${timeZone}`;
  let format = zoneFormats.get(key);
  if (!format) {
    const [locale, options] = FORMAT_SHAPES[shape];
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    zoneFormats.set(key, format);
  }
  return format;
}

function localDate(cal: CalendarConfig, at: Date): string {
  return zoneFormat('date', cal.timeZone).format(at);
}

/** The local time of day of an instant, 'HH:mm:ss'. */
function localTimeOfDay(cal: CalendarConfig, at: Date): string {
  return zoneFormat('time', cal.timeZone).format(at);
}

/** The instant of a local date and time of day ('HH:mm') in the calendar's zone, kept per calendar. */
function localInstant(cal: CalendarConfig, date: string, time: string): Date {
  let instants = instantsByCalendar.get(cal);
  if (!instants) {
    instants = new Map();
    instantsByCalendar.set(cal, instants);
  }
  const key = `${date} ${time}`;
  let at = instants.get(key);
  if (!at) {
    at = dayjs.tz(key, cal.timeZone).toDate();
    instants.set(key, at);
  }
  return at;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The working intervals of one local date as UTC instants; none on a day off. */
export function workingIntervalsOn(cal: CalendarConfig, date: string): readonly WorkingSpan[] {
  let days = intervalsByCalendar.get(cal);
  if (!days) {
    days = new Map();
    intervalsByCalendar.set(cal, days);
  }
  let spans = days.get(date);
  if (!spans) {
    spans = isWorkingDay(cal, date)
      ? cal.workingHours.map((h) => ({
          start: localInstant(cal, date, h.start),
          end: localInstant(cal, date, h.end),
        }))
      : [];
    days.set(date, spans);
  }
  return spans;
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
  let date = localDate(cal, start);
  const timeOfDay = localTimeOfDay(cal, start);
  let left = days;
  for (let i = 0; i < MAX_DAYS_SCANNED && left > 0; i++) {
    date = nextDate(date);
    if (isWorkingDay(cal, date)) left--;
  }
  return dayjs.tz(`${date} ${timeOfDay}`, cal.timeZone).toDate();
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
    const candidate = localInstant(cal, date, time);
    if (candidate >= at) return new Date(candidate);
  }
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    date = nextDate(date);
    if (isWorkingDay(cal, date)) return new Date(localInstant(cal, date, time));
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
