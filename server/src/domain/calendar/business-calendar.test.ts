import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  addWorkingMinutes,
  type CalendarConfig,
  DEFAULT_CALENDAR,
  isWorkingDay,
  isWorkingTime,
  statutoryDaysOf,
  workingDayAt,
  workingMinutesBetween,
} from './business-calendar';

const cal = DEFAULT_CALENDAR; // Asia/Shanghai, 09:00–12:00 and 13:30–18:00
const sh = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => d.toISOString();

describe('working days over National Day 2025 and Spring Festival 2026', () => {
  it.each([
    ['2025-09-28', true], // Sunday, make-up working day (调休)
    ['2025-09-30', true],
    ['2025-10-01', false],
    ['2025-10-08', false],
    ['2025-10-09', true],
    ['2025-10-11', true], // Saturday, make-up working day
    ['2025-10-12', false],
    ['2026-02-14', true], // Saturday, make-up working day
    ['2026-02-16', false],
    ['2026-02-23', false],
    ['2026-02-24', true],
  ])('%s is a working day → %s', (date, expected) => {
    expect(isWorkingDay(cal, date)).toBe(expected);
  });

  it('lists the year’s holidays and make-up days', () => {
    const y = statutoryDaysOf(2025);
    expect(y.holidays).toEqual(expect.arrayContaining(['2025-10-01', '2025-10-08', '2025-01-01']));
    expect(y.makeUpWorkdays).toEqual(expect.arrayContaining(['2025-09-28', '2025-10-11']));
  });
});

describe('adding working time', () => {
  it.each([
    ['within the morning', '2025-09-30T09:30:00', 120, '2025-09-30T11:30:00'],
    ['across lunch', '2025-09-30T11:00:00', 120, '2025-09-30T14:30:00'],
    ['started before opening', '2025-09-30T07:00:00', 30, '2025-09-30T09:30:00'],
    ['started in the lunch break', '2025-09-30T12:30:00', 30, '2025-09-30T14:00:00'],
    // 2 working hours from 17:00 on the eve of National Day: 1 h that day, then the 9th of October.
    ['across the National Day holiday', '2025-09-30T17:00:00', 120, '2025-10-09T10:00:00'],
    ['Friday 17:30 into Monday', '2025-11-21T17:30:00', 120, '2025-11-24T10:30:00'],
    ['onto a make-up Saturday', '2025-10-10T17:00:00', 120, '2025-10-11T10:00:00'],
    ['into the Spring Festival make-up day', '2026-02-13T17:00:00', 90, '2026-02-14T09:30:00'],
  ])('%s', (_label, start, minutes, due) => {
    expect(iso(addWorkingMinutes(cal, sh(start), minutes))).toBe(iso(sh(due)));
  });

  it('reads instants in the calendar’s time zone: UTC midnight is 08:00 in Shanghai', () => {
    expect(iso(addWorkingMinutes(cal, new Date('2025-11-24T00:00:00Z'), 60))).toBe(
      iso(sh('2025-11-24T10:00:00')),
    );
    expect(isWorkingTime(cal, new Date('2025-11-24T01:30:00Z'))).toBe(true); // 09:30 local
    expect(isWorkingTime(cal, new Date('2025-11-24T04:30:00Z'))).toBe(false); // 12:30 local, lunch
  });

  it('counts working minutes between two instants over a weekend', () => {
    expect(workingMinutesBetween(cal, sh('2025-11-21T17:00:00'), sh('2025-11-24T10:00:00'))).toBe(120);
    expect(workingMinutesBetween(cal, sh('2025-11-24T10:00:00'), sh('2025-11-21T17:00:00'))).toBe(0);
  });

  it('adds whole working days across the holiday', () => {
    expect(iso(addWorkingDays(cal, sh('2025-09-30T10:00:00'), 1))).toBe(iso(sh('2025-10-09T10:00:00')));
  });

  it('finds the 17:00 deadline of the same or the next working day', () => {
    expect(iso(workingDayAt(cal, sh('2025-09-30T10:00:00'), '17:00', 'same_working_day'))).toBe(
      iso(sh('2025-09-30T17:00:00')),
    );
    expect(iso(workingDayAt(cal, sh('2025-09-30T18:30:00'), '17:00', 'same_working_day'))).toBe(
      iso(sh('2025-10-09T17:00:00')),
    );
    expect(iso(workingDayAt(cal, sh('2025-11-21T09:00:00'), '17:00', 'next_working_day'))).toBe(
      iso(sh('2025-11-24T17:00:00')),
    );
  });

  it('honours the tenant’s closures and extra working days', () => {
    const custom: CalendarConfig = { ...cal, closures: ['2025-11-24'], extraWorkingDays: ['2025-11-22'] };
    expect(isWorkingDay(custom, '2025-11-24')).toBe(false);
    expect(isWorkingDay(custom, '2025-11-22')).toBe(true);
    expect(iso(addWorkingMinutes(custom, sh('2025-11-21T17:30:00'), 60))).toBe(
      iso(sh('2025-11-22T09:30:00')),
    );
  });

  it('keeps each calendar’s working days and times apart (they are cached per calendar)', () => {
    const early: CalendarConfig = { ...cal, workingHours: [{ start: '07:00', end: '08:00' }] };
    const berlin: CalendarConfig = { ...cal, timeZone: 'Europe/Berlin', statutoryHolidays: false };
    const start = sh('2025-11-21T06:00:00');
    // The same instant and date through three calendars, asked in turn and again.
    for (let round = 0; round < 2; round++) {
      expect(iso(addWorkingMinutes(cal, start, 30))).toBe(iso(sh('2025-11-21T09:30:00')));
      expect(iso(addWorkingMinutes(early, start, 30))).toBe(iso(sh('2025-11-21T07:30:00')));
      // 06:00 in Shanghai is 23:00 the evening before in Berlin (UTC+1): Thursday, then Friday 09:30.
      expect(iso(addWorkingMinutes(berlin, start, 30))).toBe('2025-11-21T08:30:00.000Z');
      expect(iso(workingDayAt(early, start, '17:00', 'same_working_day'))).toBe(
        iso(sh('2025-11-21T17:00:00')),
      );
      expect(iso(addWorkingDays(berlin, start, 1))).toBe('2025-11-21T22:00:00.000Z');
    }
  });
});
