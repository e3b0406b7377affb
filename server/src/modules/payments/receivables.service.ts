import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import {
  AGEING_BUCKETS,
  type AgeingBucket,
  ageReceivables,
  collectionFigures,
  daysBetween,
  matchReceipts,
} from '../../domain/payments/receivables';
import { receivablesByContract } from './payment.repository';
import { tenantToday } from './payment-dates';

// Receivables figures (账龄, 回款率, 回款周期) per customer, owner or team, over the signed
// contracts the caller can see. Receipts are matched per contract, then summed per group.

type GroupBy = 'account' | 'owner' | 'team';

async function visibleContracts(db: Kysely<DB>, actor: Actor) {
  return scopeQuery(
    db
      .selectFrom('contracts')
      .leftJoin('accounts', 'accounts.id', 'contracts.accountId')
      .leftJoin('users', 'users.id', 'contracts.ownerId')
      .leftJoin('orgUnits', 'orgUnits.id', 'users.orgUnitId')
      .select([
        'contracts.id',
        'contracts.accountId',
        'contracts.ownerId',
        'contracts.currency',
        'accounts.name as accountName',
        'users.name as ownerName',
        'users.orgUnitId as teamId',
        'orgUnits.name as teamName',
      ]),
    actor,
    'contracts',
  )
    .where('contracts.deletedAt', 'is', null)
    .where('contracts.signedVersion', 'is not', null)
    .orderBy('contracts.id')
    .execute();
}

type ContractRef = Awaited<ReturnType<typeof visibleContracts>>[number];

function groupOf(c: ContractRef, by: GroupBy): { key: string; name: string | null } {
  if (by === 'account') return { key: c.accountId, name: c.accountName };
  if (by === 'owner') return { key: c.ownerId ?? '-', name: c.ownerName };
  return { key: c.teamId ?? '-', name: c.teamName };
}

const emptyBuckets = () =>
  Object.fromEntries(AGEING_BUCKETS.map((b) => [b, 0])) as Record<AgeingBucket, number>;

export async function ageing(db: Kysely<DB>, actor: Actor, q: { asOf?: string; groupBy: GroupBy }) {
  const asOf = q.asOf ?? (await tenantToday(db, actor.tenantId));
  const contracts = await visibleContracts(db, actor);
  const data = await receivablesByContract(
    db,
    actor.tenantId,
    contracts.map((c) => c.id),
  );
  const groups = new Map<
    string,
    { key: string; name: string | null; buckets: Record<AgeingBucket, number> }
  >();
  const totals = emptyBuckets();
  for (const c of contracts) {
    const d = data.get(c.id)!;
    const buckets = ageReceivables(d.plans, d.receipts, asOf);
    const g = groupOf(c, q.groupBy);
    const entry = groups.get(g.key) ?? { ...g, buckets: emptyBuckets() };
    for (const b of AGEING_BUCKETS) {
      entry.buckets[b] += buckets[b];
      totals[b] += buckets[b];
    }
    groups.set(g.key, entry);
  }
  const sum = (b: Record<AgeingBucket, number>) => AGEING_BUCKETS.reduce((s, k) => s + b[k], 0);
  return {
    asOf,
    groupBy: q.groupBy,
    items: [...groups.values()]
      .map((g) => ({ ...g, outstanding: sum(g.buckets), overdue: sum(g.buckets) - g.buckets.not_due }))
      .filter((g) => g.outstanding > 0)
      .sort((a, b) => b.overdue - a.overdue || a.key.localeCompare(b.key)),
    totals: { buckets: totals, outstanding: sum(totals), overdue: sum(totals) - totals.not_due },
  };
}

export async function collection(
  db: Kysely<DB>,
  actor: Actor,
  q: { from: string; to: string; groupBy: GroupBy },
) {
  const contracts = await visibleContracts(db, actor);
  const data = await receivablesByContract(
    db,
    actor.tenantId,
    contracts.map((c) => c.id),
  );
  type Acc = { key: string; name: string | null; due: number; collected: number; weightedDays: number };
  const groups = new Map<string, Acc>();
  const total: Acc = { key: 'total', name: null, due: 0, collected: 0, weightedDays: 0 };
  for (const c of contracts) {
    const d = data.get(c.id)!;
    const f = collectionFigures(d.plans, d.receipts, q.from, q.to);
    if (f.due === 0) continue;
    // The amount-weighted days, summed exactly per group (not an average of averages).
    const weighted = weightedDays(d, q.from, q.to);
    const g = groupOf(c, q.groupBy);
    const entry = groups.get(g.key) ?? { ...g, due: 0, collected: 0, weightedDays: 0 };
    for (const acc of [entry, total]) {
      acc.due += f.due;
      acc.collected += f.collected;
      acc.weightedDays += weighted;
    }
    groups.set(g.key, entry);
  }
  const figures = ({ weightedDays: w, ...a }: Acc) => ({
    ...a,
    rateBp: a.due === 0 ? null : Math.round((a.collected * 10000) / a.due),
    cycleDays: a.collected === 0 ? null : Math.round((w * 10) / a.collected) / 10,
  });
  return {
    from: q.from,
    to: q.to,
    groupBy: q.groupBy,
    items: [...groups.values()].map(figures).sort((a, b) => b.due - a.due || a.key.localeCompare(b.key)),
    totals: figures(total),
  };
}

/** Σ amount × days from due date to receipt, over money collected by `to` on instalments due in the period. */
function weightedDays(
  d: {
    plans: Array<{ id: string; dueDate: string; amount: number }>;
    receipts: Parameters<typeof matchReceipts>[1];
  },
  from: string,
  to: string,
): number {
  const { allocations } = matchReceipts(
    d.plans,
    d.receipts.filter((r) => r.receivedOn <= to),
  );
  const due = new Map(
    d.plans.filter((p) => p.dueDate >= from && p.dueDate <= to).map((p) => [p.id, p.dueDate]),
  );
  let sum = 0;
  for (const a of allocations) {
    const dueDate = due.get(a.planId);
    if (dueDate) sum += a.amount * daysBetween(dueDate, a.receivedOn);
  }
  return sum;
}
