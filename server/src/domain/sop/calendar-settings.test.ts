import { describe, expect, it } from 'vitest';
import { addWorkingMinutes, isWorkingDay } from '../calendar/business-calendar';
import {
  type CalendarSettings,
  calendarConfigOf,
  calendarSettingsSchema,
  defaultCalendarSettings,
  isIanaTimeZone,
  settingsFromStored,
} from './calendar-settings';

const settings = (over: Partial<CalendarSettings> = {}): CalendarSettings => ({
  ...defaultCalendarSettings(),
  ...over,
});

describe('calendar settings', () => {
  it.each([
    ['Asia/Shanghai', true],
    ['Asia/Hong_Kong', true],
    ['America/Argentina/Buenos_Aires', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['Asia/Shanghai; drop table', false],
    ['', false],
  ])('knows whether %s is an IANA time zone', (tz, ok) => {
    expect(isIanaTimeZone(tz)).toBe(ok);
  });

  it.each([
    // [what, working weekdays, statutory, date, working?]
    ['a weekday', [1, 2, 3, 4, 5], true, '2025-11-24', true],
    ['a Saturday in a five-day week', [1, 2, 3, 4, 5], true, '2025-11-22', false],
    ['a Saturday in a six-day week', [1, 2, 3, 4, 5, 6], true, '2025-11-22', true],
    ['National Day on a Saturday, six-day week', [1, 2, 3, 4, 5, 6], true, '2025-10-04', false],
    ['the 调休 Sunday before National Day', [1, 2, 3, 4, 5], true, '2025-09-28', true],
    ['National Day without statutory holidays', [1, 2, 3, 4, 5], false, '2025-10-01', true],
    ['the 调休 Sunday without statutory holidays', [1, 2, 3, 4, 5], false, '2025-09-28', false],
  ] as const)('%s', (_what, weekdays, statutory, date, working) => {
    const cal = calendarConfigOf(settings({ workingWeekdays: [...weekdays], statutoryHolidays: statutory }));
    expect(isWorkingDay(cal, date)).toBe(working);
  });

  it('expands closures into days off and keeps extra working days', () => {
    const cal = calendarConfigOf(
      settings({
        closures: [{ name: '年会', from: '2025-12-30', to: '2026-01-02' }],
        extraWorkingDays: [{ date: '2025-11-29', name: '冲刺' }],
      }),
    );
    expect(cal.closures).toEqual(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    expect(isWorkingDay(cal, '2025-12-31')).toBe(false);
    expect(isWorkingDay(cal, '2025-11-29')).toBe(true);
    // Two working hours from Monday 29 Dec 17:00: one that day, the next after the closure, on
    // Sunday 4 Jan 2026 — a make-up working day (调休) after the New Year holiday.
    const due = addWorkingMinutes(cal, new Date('2025-12-29T17:00:00+08:00'), 120);
    expect(due.toISOString()).toBe(new Date('2026-01-04T10:00:00+08:00').toISOString());
  });

  it('refuses bad settings with a field for each problem', () => {
    const r = calendarSettingsSchema.safeParse({
      ...settings(),
      timeZone: 'Mars/Olympus_Mons',
      workingHours: [
        { start: '09:00', end: '08:00' },
        { start: '07:00', end: '18:00' },
      ],
      workingWeekdays: [1, 1],
      closures: [
        { name: '团建', from: '2025-11-24', to: '2025-11-20' },
        { name: '长假', from: '2025-01-01', to: '2026-06-01' },
      ],
      extraWorkingDays: [{ date: '2025-03-01' }, { date: '2025-03-01' }],
    });
    expect(r.success).toBe(false);
    expect(
      r.error!.issues.map((i) => [i.path.join('.'), (i as { params?: { issue?: string } }).params?.issue]),
    ).toEqual([
      ['timeZone', 'invalid_time_zone'],
      ['workingHours.0.end', 'not_after_start'],
      ['workingHours.1.start', 'overlaps_previous'],
      ['workingWeekdays', 'duplicate'],
      ['closures.0.to', 'before_from'],
      ['closures.1.to', 'closure_too_long'],
      ['extraWorkingDays.0.date', 'inside_closure'],
      ['extraWorkingDays.1.date', 'duplicate'],
      ['extraWorkingDays.1.date', 'inside_closure'],
    ]);
  });

  it('reads the older stored form (closures as single dates)', () => {
    const s = settingsFromStored({
      timeZone: 'Asia/Hong_Kong',
      closures: ['2025-05-05'],
      extraWorkingDays: [],
    });
    expect(s).toMatchObject({
      timeZone: 'Asia/Hong_Kong',
      workingWeekdays: [1, 2, 3, 4, 5],
      closures: [{ name: '2025-05-05', from: '2025-05-05', to: '2025-05-05' }],
    });
  });
});
