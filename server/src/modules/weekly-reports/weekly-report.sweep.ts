import type { Database } from '../../db/database';
import { newId } from '../../shared/ids';
import { notify } from '../notifications/notification.service';
import { insertBreach } from '../sop/sop-run.repository';
import { lastDueWeek } from './week';
import {
  findDeadline,
  findReport,
  findReps,
  insertReportIfMissing,
  tenantsWithReps,
} from './weekly-report.repository';

/** How a missing weekly report is keyed among SOP breaches (no stage of a record: the rep's duty). */
export const WEEKLY_REPORT_STAGE = 'weekly_report';
export const WEEKLY_REPORT_LIMIT = 'weekly_report_due';

/**
 * Records a breach for every rep whose report of the last week due was not submitted by its
 * deadline (set in the deal playbook), once per rep and week — on the report and among the SOP
 * breaches — and tells the rep and their manager. Safe from several
 * processes: the row is inserted with ON CONFLICT DO NOTHING or marked by a conditional update,
 * and only the process whose write took effect notifies.
 */
export async function sweepWeeklyReports(database: Database, now = new Date()) {
  const { db } = database;
  let breached = 0;
  for (const tenant of await tenantsWithReps(db)) {
    const { weekStart, dueAt } = lastDueWeek(now, await findDeadline(db, tenant.id), tenant.timeZone);
    for (const rep of await findReps(db, tenant.id)) {
      // Someone who joined after the deadline owed nothing that week.
      if (rep.createdAt > dueAt) continue;
      const existing = await findReport(db, tenant.id, rep.id, weekStart);
      if (existing?.breachedAt) continue;
      if (existing?.status === 'submitted' && existing.submittedAt && existing.submittedAt <= dueAt) continue;
      const at = now.toISOString();
      await db.transaction().execute(async (trx) => {
        let reportId: string;
        if (existing) {
          const res = await trx
            .updateTable('weeklyReports')
            .set({ breachedAt: at, dueAt, updatedAt: at })
            .where('id', '=', existing.id)
            .where('breachedAt', 'is', null)
            .executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) return;
          reportId = existing.id;
        } else {
          reportId = newId('wrp');
          const made = await insertReportIfMissing(trx, {
            id: reportId,
            tenantId: tenant.id,
            ownerId: rep.id,
            weekStart,
            dueAt,
            breachedAt: at,
            at,
          });
          if (!made) return;
        }
        breached++;
        // An SOP breach like any other: in the breach list waiting for a reason, in compliance.
        await insertBreach(trx, {
          tenantId: tenant.id,
          clockId: null,
          recordType: 'weekly_report',
          recordId: reportId,
          stageKey: WEEKLY_REPORT_STAGE,
          limitKey: WEEKLY_REPORT_LIMIT,
          ownerId: rep.id,
          dueAt,
          breachedAt: at,
        });
        await notify(trx, {
          tenantId: tenant.id,
          to: { userIds: [rep.id], managersOf: [rep.id] },
          kind: 'weekly_report_missing',
          title: {
            'zh-CN': `${rep.name} 未按时提交 ${weekStart} 当周周报`,
            'en-US': `${rep.name} did not submit the weekly report of ${weekStart} on time`,
          },
          recordType: 'weekly_report',
          recordId: reportId,
        });
      });
    }
  }
  return { breached };
}
