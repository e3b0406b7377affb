import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database';
import { sweepApprovalClocks } from '../modules/approvals/approval-clock.service';
import { recycleIdleRecords } from '../modules/assignment/pool.service';
import { runScheduledRules } from '../modules/automation/automation.schedule';
import { recoverStaleImports } from '../modules/import/import-recovery.service';
import { deliverOutbox } from '../modules/notifications/notification.delivery';
import { sendOverdueReminders } from '../modules/payments/payment-reminders';
import { sweepClocks } from '../modules/sop/clock.service';
import { sweepWeeklyReports } from '../modules/weekly-reports/weekly-report.sweep';

export interface Job {
  name: string;
  everyMs: number;
  /** Also run once as the scheduler starts (work a stopped process left behind). */
  atStart?: boolean;
  run(database: Database, now: Date): Promise<unknown>;
}

// Periodic work. Every job is safe to run from several server processes at once: each of its
// changes is a conditional update on the state it read, so a step happens once whoever runs it.
export const JOBS: Job[] = [
  { name: 'sla-sweep', everyMs: 30_000, run: (db, now) => sweepClocks(db, now) },
  { name: 'approval-time-limits', everyMs: 60_000, run: (db, now) => sweepApprovalClocks(db, now) },
  { name: 'pool-recycle', everyMs: 10 * 60_000, run: (db, now) => recycleIdleRecords(db, now) },
  { name: 'automation-schedule', everyMs: 60_000, run: (db, now) => runScheduledRules(db, now) },
  { name: 'notification-delivery', everyMs: 5_000, run: (db, now) => deliverOutbox(db, now) },
  {
    name: 'payment-overdue-reminders',
    everyMs: 60 * 60_000,
    run: (db, now) => sendOverdueReminders(db, now),
  },
  { name: 'weekly-report-sweep', everyMs: 10 * 60_000, run: (db, now) => sweepWeeklyReports(db, now) },
  // Imports whose validating or committing process stopped (its lease ran out): failed with the reason.
  { name: 'import-recovery', everyMs: 60_000, atStart: true, run: (db, now) => recoverStaleImports(db, now) },
];

/** Starts the jobs; returns a function that stops them and waits for a run in progress. */
export function startScheduler(
  database: Database,
  log: FastifyBaseLogger,
  jobs: Job[] = JOBS,
): () => Promise<void> {
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let busy = false;
    const tick = () => {
      if (busy) return; // a slow run is not overlapped by the next tick
      busy = true;
      const p = job
        .run(database, new Date())
        .catch((err) => log.error({ err, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    if (job.atStart) tick();
    return setInterval(tick, job.everyMs);
  });
  return async () => {
    for (const t of timers) clearInterval(t);
    await Promise.all(running);
  };
}
