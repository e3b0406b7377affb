import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { type PlanInstalment, planFromTerms, type Receipt } from '../../domain/payments/receivables';
import { newId } from '../../shared/ids';

// Payment plans (回款计划) and receipts (回款记录) as plain rows; the receivable figures are
// computed from them by the domain rules in domain/payments/receivables.ts.

export interface ContractForPlan {
  tenantId: string;
  id: string;
  accountId: string;
  ownerId: string | null;
  grossAmount: number;
  currency: string;
}

/**
 * Writes a contract's plan from its terms, replacing an earlier one (an amendment with new
 * terms). Reminders of replaced instalments go with them; receipts that named one fall back
 * to oldest-due-first matching.
 */
export async function writePaymentPlan(
  trx: Kysely<DB>,
  contract: ContractForPlan,
  signedOn: string,
  terms: Array<{ name: string; percent: number; daysAfterSigning: number }>,
  at: string,
) {
  const old = await trx
    .selectFrom('paymentPlans')
    .select('id')
    .where('tenantId', '=', contract.tenantId)
    .where('contractId', '=', contract.id)
    .execute();
  if (old.length) {
    const ids = old.map((o) => o.id);
    await trx.deleteFrom('paymentReminders').where('planId', 'in', ids).execute();
    await trx.updateTable('receipts').set({ planId: null }).where('planId', 'in', ids).execute();
    await trx.deleteFrom('paymentPlans').where('id', 'in', ids).execute();
  }
  const instalments = planFromTerms(contract.grossAmount, signedOn, terms);
  for (const [i, p] of instalments.entries()) {
    await trx
      .insertInto('paymentPlans')
      .values({
        id: newId('pp'),
        tenantId: contract.tenantId,
        contractId: contract.id,
        accountId: contract.accountId,
        ownerId: contract.ownerId,
        seq: i + 1,
        name: p.name,
        percent: terms[i]!.percent,
        dueDate: p.dueDate,
        amount: p.amount,
        currency: contract.currency,
        createdAt: at,
      })
      .execute();
  }
}

export function findPlans(trx: Kysely<DB>, tenantId: string, contractIds: string[]) {
  if (!contractIds.length) return Promise.resolve([]);
  return trx
    .selectFrom('paymentPlans')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('contractId', 'in', contractIds)
    .orderBy('contractId')
    .orderBy('seq')
    .execute();
}

export function findReceipts(trx: Kysely<DB>, tenantId: string, contractIds: string[]) {
  if (!contractIds.length) return Promise.resolve([]);
  return trx
    .selectFrom('receipts')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('contractId', 'in', contractIds)
    .orderBy('receivedOn')
    .orderBy('id')
    .execute();
}

/** Plans and receipts of each contract, shaped for the domain rules. */
export async function receivablesByContract(trx: Kysely<DB>, tenantId: string, contractIds: string[]) {
  const [plans, receipts] = await Promise.all([
    findPlans(trx, tenantId, contractIds),
    findReceipts(trx, tenantId, contractIds),
  ]);
  const out = new Map<string, { plans: PlanInstalment[]; receipts: Receipt[] }>();
  for (const id of contractIds) out.set(id, { plans: [], receipts: [] });
  for (const p of plans)
    out.get(p.contractId)?.plans.push({ id: p.id, dueDate: p.dueDate, amount: p.amount });
  for (const r of receipts)
    out
      .get(r.contractId)
      ?.receipts.push({ id: r.id, receivedOn: r.receivedOn, amount: r.amount, planId: r.planId });
  return out;
}

/** The contract's plan is fully paid (there is a plan, and nothing of it is outstanding). */
export async function isPaidInFull(trx: Kysely<DB>, tenantId: string, contractId: string): Promise<boolean> {
  const plans = await findPlans(trx, tenantId, [contractId]);
  if (!plans.length) return false;
  const due = plans.reduce((s, p) => s + p.amount, 0);
  const row = await trx
    .selectFrom('receipts')
    .select((eb) => eb.fn.sum<number>('amount').as('total'))
    .where('tenantId', '=', tenantId)
    .where('contractId', '=', contractId)
    .executeTakeFirst();
  return Number(row?.total ?? 0) >= due;
}
