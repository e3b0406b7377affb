import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import {
  AGEING_BUCKETS,
  type AgeingBucket,
  ageReceivables,
  collectionTotals,
  type InstalmentCollection,
  instalmentCollections,
  roundCollection,
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
  // The instalments due in the period, per group; rate and cycle come from the same domain rule
  // as the KPIs collection_rate and collection_cycle_days (sums per group, not averages of averages).
  type Group = { key: string; name: string | null; items: InstalmentCollection[] };
  const groups = new Map<string, Group>();
  const all: InstalmentCollection[] = [];
  for (const c of contracts) {
    const d = data.get(c.id)!;
    const items = instalmentCollections(d.plans, d.receipts, q.from, q.to);
    if (!items.some((i) => i.due > 0)) continue;
    const g = groupOf(c, q.groupBy);
    const entry = groups.get(g.key) ?? { ...g, items: [] };
    entry.items.push(...items);
    all.push(...items);
    groups.set(g.key, entry);
  }
  return {
    from: q.from,
    to: q.to,
    groupBy: q.groupBy,
    items: [...groups.values()]
      .map(({ items, ...g }) => ({ ...g, ...roundCollection(collectionTotals(items)) }))
      .sort((a, b) => b.due - a.due || a.key.localeCompare(b.key)),
    totals: { key: 'total', name: null, ...roundCollection(collectionTotals(all)) },
  };
}
