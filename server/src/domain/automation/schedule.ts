import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { type CalendarConfig, isWorkingDay } from '../calendar/business-calendar';
import type { Schedule } from './rule';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * The first slot of a schedule strictly after `after`, in the tenant's time zone: every day at
 * HH:MM, every working day (工作日, with 调休) at HH:MM, or every hour at minute MM.
 */
export function nextScheduleSlot(schedule: Schedule, cal: CalendarConfig, after: Date): Date {
  const [h, m] = (schedule.at ?? '09:00').split(':').map(Number) as [number, number];
  const local = dayjs(after).tz(cal.timeZone);
  if (schedule.every === 'hour') {
    let slot = local.minute(m).second(0).millisecond(0);
    if (slot.valueOf() <= after.getTime()) slot = slot.add(1, 'hour');
    return slot.toDate();
  }
  let date = local.format('YYYY-MM-DD');
  for (let i = 0; i < 400; i++) {
    const slot = dayjs.tz(
      `${date} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
      cal.timeZone,
    );
    const fits = schedule.every === 'day' || isWorkingDay(cal, date);
    if (fits && slot.valueOf() > after.getTime()) return slot.toDate();
    date = dayjs(`${date}T00:00:00Z`).utc().add(1, 'day').format('YYYY-MM-DD');
  }
  throw new RangeError('no slot within a year');
}
