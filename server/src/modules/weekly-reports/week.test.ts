import { describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINE, deadlineOf, isMonday, lastDueWeek, weekRange, weekStartOf } from './week';

const SH = 'Asia/Shanghai';

describe('report weeks', () => {
  it.each([
    ['2026-04-06', '2026-04-06'], // Monday
    ['2026-04-12', '2026-04-06'], // Sunday
    ['2026-04-09', '2026-04-06'],
    ['2026-01-01', '2025-12-29'], // across a year
  ])('%s is in the week of %s', (d, monday) => expect(weekStartOf(d)).toBe(monday));

  it('knows Mondays and the days of a week', () => {
    expect(isMonday('2026-04-06')).toBe(true);
    expect(isMonday('2026-04-07')).toBe(false);
    expect(weekRange('2026-03-30')).toEqual({ from: '2026-03-30', to: '2026-04-05' });
  });

  it.each([
    [DEFAULT_DEADLINE, SH, '2026-04-10T10:00:00.000Z'], // Friday 18:00 Shanghai
    [{ weekday: 1, time: '09:30' }, SH, '2026-04-06T01:30:00.000Z'],
    [{ weekday: 7, time: '23:59' }, 'UTC', '2026-04-12T23:59:00.000Z'],
  ])('deadline %j in %s', (deadline, tz, expected) =>
    expect(deadlineOf('2026-04-06', deadline, tz)).toBe(expected),
  );

  it.each([
    // Just before Friday 18:00 local: the week before is the last one due.
    ['2026-04-10T09:59:00.000Z', '2026-03-30', '2026-04-03T10:00:00.000Z'],
    ['2026-04-10T10:00:00.000Z', '2026-04-06', '2026-04-10T10:00:00.000Z'],
    // Sunday 23:00 local is still the same week; Monday 00:30 local starts the next one.
    ['2026-04-12T15:00:00.000Z', '2026-04-06', '2026-04-10T10:00:00.000Z'],
    ['2026-04-12T16:30:00.000Z', '2026-04-06', '2026-04-10T10:00:00.000Z'],
  ])('at %s the last week due starts %s', (now, weekStart, dueAt) =>
    expect(lastDueWeek(new Date(now), DEFAULT_DEADLINE, SH)).toEqual({ weekStart, dueAt }),
  );
});
