import type { Database } from '../../db/database';
import { daysBetween, matchReceipts } from '../../domain/payments/receivables';
import { newId } from '../../shared/ids';
import { notify } from '../notifications/notification.service';
import { receivablesByContract } from './payment.repository';
import { dateIn } from './payment-dates';

// Overdue reminders (逾期催款): when an instalment with money outstanding passes 1, 31, 61 and
// 91 days overdue (the ageing buckets), its owner and finance are told — once per instalment
// and step, whichever process runs the job and however often. From 31 days the owner's
// manager is told too.
export const REMINDER_STEPS = [
  { step: 'd1', days: 1 },
  { step: 'd31', days: 31 },
  { step: 'd61', days: 61 },
  { step: 'd91', days: 91 },
] as const;

export async function sendOverdueReminders(database: Database, now: Date): Promise<{ sent: number }> {
  const { db } = database;
  let sent = 0;
  const tenants = await db.selectFrom('tenants').select(['id', 'timeZone']).execute();
  for (const tenant of tenants) {
    const today = dateIn(tenant.timeZone, now);
    const due = await db
      .selectFrom('paymentPlans')
      .innerJoin('contracts', 'contracts.id', 'paymentPlans.contractId')
      .select(['paymentPlans.contractId', 'contracts.number', 'contracts.ownerId'])
      .where('paymentPlans.tenantId', '=', tenant.id)
      .where('paymentPlans.dueDate', '<', today)
      .where('contracts.deletedAt', 'is', null)
      .groupBy(['paymentPlans.contractId', 'contracts.number', 'contracts.ownerId'])
      .execute();
    if (!due.length) continue;
    const data = await receivablesByContract(
      db,
      tenant.id,
      due.map((d) => d.contractId),
    );
    for (const contract of due) {
      const d = data.get(contract.contractId)!;
      const { outstanding } = matchReceipts(d.plans, d.receipts);
      for (const plan of d.plans) {
        const owed = outstanding[plan.id] ?? 0;
        const overdue = daysBetween(plan.dueDate, today);
        const reached = REMINDER_STEPS.filter((s) => overdue >= s.days);
        if (owed <= 0 || !reached.length) continue;
        sent += await db.transaction().execute(async (trx) => {
          // The unique (plan, step) key decides who sends: a second run inserts nothing.
          const fresh: string[] = [];
          for (const s of reached) {
            const r = await trx
              .insertInto('paymentReminders')
              .values({
                id: newId('prm'),
                tenantId: tenant.id,
                planId: plan.id,
                step: s.step,
                createdAt: now.toISOString(),
              })
              .onConflict((oc) => oc.columns(['planId', 'step']).doNothing())
              .executeTakeFirst();
            if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) fresh.push(s.step);
          }
          if (!fresh.length) return 0;
          // A plan first seen long overdue gets one reminder, for its highest step.
          const yuan = (owed / 100).toFixed(2);
          await notify(trx, {
            tenantId: tenant.id,
            to: {
              userIds: contract.ownerId ? [contract.ownerId] : [],
              roles: ['finance'],
              managersOf: overdue >= 31 && contract.ownerId ? [contract.ownerId] : [],
            },
            kind: 'payment_overdue',
            title: {
              'zh-CN': `合同 ${contract.number} 回款逾期 ${overdue} 天，未收 ${yuan} 元`,
              'en-US': `Contract ${contract.number}: payment ${overdue} days overdue, ${yuan} outstanding`,
            },
            recordType: 'contract',
            recordId: contract.contractId,
          });
          return 1;
        });
      }
    }
  }
  return { sent };
}
