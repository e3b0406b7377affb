import { describe, expect, it, vi } from 'vitest';
import type { Database } from '../db/database';
import { startScheduler } from './scheduler';

describe('scheduler', () => {
  it('runs each job on its interval, never overlapping itself, and stops cleanly', async () => {
    vi.useFakeTimers();
    const log = { error: vi.fn() } as never;
    let calls = 0;
    let release: () => void = () => {};
    const job = {
      name: 'slow',
      everyMs: 1000,
      run: () => {
        calls++;
        return new Promise<void>((r) => {
          release = r;
        });
      },
    };
    const stop = startScheduler({} as Database, log, [job]);
    await vi.advanceTimersByTimeAsync(3500);
    expect(calls).toBe(1); // still busy: later ticks skip
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    release();
    await stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(2);
    vi.useRealTimers();
  });
});
