import { type CalendarConfig, workingIntervalsOn } from '../calendar/business-calendar';

const DAY_MS = 86_400_000;

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * Working hours between two instants on the working calendar, for many stays at once. Each
 * local date's working intervals are looked up once and cached; the first and last days are
 * intersected with them and whole days in between add their cached totals, so thousands of
 * month-long stays cost milliseconds rather than a calendar scan each.
 */
export function workingHoursCounter(cal: CalendarConfig): (a: Date, b: Date) => number {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone: cal.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const intervals = new Map<string, Array<[number, number]>>();
  const intervalsOn = (date: string) => {
    let list = intervals.get(date);
    if (!list) {
      list = workingIntervalsOn(cal, date).map(
        (i) => [i.start.getTime(), i.end.getTime()] as [number, number],
      );
      intervals.set(date, list);
    }
    return list;
  };
  const overlap = (date: string, from: number, to: number) =>
    intervalsOn(date).reduce(
      (s, [start, end]) => s + Math.max(0, Math.min(end, to) - Math.max(start, from)),
      0,
    );
  return (a, b) => {
    const from = a.getTime();
    const to = b.getTime();
    if (to <= from) return 0;
    const first = format.format(a);
    const last = format.format(b);
    if (first === last) return overlap(first, from, to) / 3_600_000;
    let ms = overlap(first, from, to) + overlap(last, from, to);
    for (let d = nextDate(first); d < last; d = nextDate(d)) ms += overlap(d, from, to);
    return ms / 3_600_000;
  };
}
