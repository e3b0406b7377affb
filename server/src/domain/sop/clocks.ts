import {
  addWorkingDays,
  addWorkingMinutes,
  type CalendarConfig,
  workingDayAt,
} from '../calendar/business-calendar';
import type { TimeLimit } from './playbook';

type Duration = { value: number; unit: 'minutes' | 'hours' | 'working_hours' | 'working_days' | 'days' };

/** An instant a duration after `start`: clock time for minutes/hours/days, working time otherwise. */
export function addDuration(cal: CalendarConfig, start: Date, d: Duration): Date {
  switch (d.unit) {
    case 'minutes':
      return new Date(start.getTime() + d.value * 60_000);
    case 'hours':
      return new Date(start.getTime() + d.value * 3_600_000);
    case 'days':
      return new Date(start.getTime() + d.value * 86_400_000);
    case 'working_hours':
      return addWorkingMinutes(cal, start, d.value * 60);
    case 'working_days':
      return addWorkingDays(cal, start, d.value);
  }
}

/** When a limit started at `start` falls due, and when to warn before that. */
export function clockTimes(
  cal: CalendarConfig,
  limit: TimeLimit,
  start: Date,
): { dueAt: Date; warnAt: Date | null } {
  let dueAt: Date;
  if (limit.duration) dueAt = addDuration(cal, start, limit.duration);
  else if (limit.deadline) {
    // 'daily' and 'same_working_day' mean today's deadline if it is still ahead, else the next working day's.
    dueAt = workingDayAt(
      cal,
      start,
      limit.deadline.time,
      limit.deadline.on === 'next_working_day' ? 'next_working_day' : 'same_working_day',
    );
  } else {
    throw new RangeError(`time limit ${limit.key} has neither a duration nor a deadline`);
  }
  return { dueAt, warnAt: warnAtFor(limit, start, dueAt) };
}

/** The warning counts back in clock time: "4 hours before" is 4 hours before, nights included. */
export function warnAtFor(limit: TimeLimit, start: Date, dueAt: Date): Date | null {
  const w = limit.warnBefore;
  if (!w) return null;
  const warnMs =
    w.unit === 'minutes'
      ? w.value * 60_000
      : w.unit.endsWith('days')
        ? w.value * 86_400_000
        : w.value * 3_600_000;
  return new Date(Math.max(start.getTime(), dueAt.getTime() - warnMs));
}

/**
 * A daily deadline recurs: after one working day's deadline (met or breached), the next one is
 * the same time on the next working day — weekends, holidays and closures skipped, 调休 counted.
 */
export function nextDailyClockTimes(
  cal: CalendarConfig,
  limit: TimeLimit,
  previousDue: Date,
): { startedAt: Date; dueAt: Date; warnAt: Date | null } {
  if (!limit.deadline) throw new RangeError(`time limit ${limit.key} has no deadline`);
  const dueAt = workingDayAt(cal, previousDue, limit.deadline.time, 'next_working_day');
  return { startedAt: previousDue, dueAt, warnAt: warnAtFor(limit, previousDue, dueAt) };
}

export type ClockStatus = 'running' | 'warned' | 'breached' | 'met' | 'cancelled';

/** What a sweep should do with a clock now: nothing, warn, breach, or the next escalation step. */
export function nextClockEvent(
  clock: { status: ClockStatus; dueAt: Date; warnAt: Date | null; escalationStep: number },
  limit: TimeLimit,
  cal: CalendarConfig,
  now: Date,
): { kind: 'warn' } | { kind: 'breach' } | { kind: 'escalate'; step: number } | undefined {
  if (clock.status === 'met' || clock.status === 'cancelled') return undefined;
  if (clock.status !== 'breached') {
    if (now >= clock.dueAt) return { kind: 'breach' };
    if (clock.status === 'running' && clock.warnAt && now >= clock.warnAt) return { kind: 'warn' };
    return undefined;
  }
  const step = limit.escalation[clock.escalationStep];
  if (step && now >= addDuration(cal, clock.dueAt, step.after))
    return { kind: 'escalate', step: clock.escalationStep };
  return undefined;
}
