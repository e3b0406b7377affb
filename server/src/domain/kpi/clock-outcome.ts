// How a time-limit clock (时限) counts in on-time figures. A clock is decided once it is met
// (stopped) or breached, or once its due time has passed while it still runs (the sweep may not
// have marked it yet). On time means met no later than its due time. Cancelled clocks never count.

export type ClockOutcome = 'on_time' | 'late' | 'open' | 'cancelled';

export function clockOutcome(
  clock: { status: string; dueAt: string; stoppedAt: string | null },
  now: Date,
): ClockOutcome {
  if (clock.status === 'cancelled') return 'cancelled';
  if (clock.status === 'met') {
    return clock.stoppedAt !== null && clock.stoppedAt <= clock.dueAt ? 'on_time' : 'late';
  }
  if (clock.status === 'breached') return 'late';
  return new Date(clock.dueAt).getTime() <= now.getTime() ? 'late' : 'open';
}
