import type { Actor } from '../../auth/actor';
import { subtreeUnitIds } from '../../auth/visibility';
import type { Database } from '../../db/database';
import { AGEING_BUCKETS, type AgeingBucket } from '../../domain/payments/receivables';
import { ageing } from '../payments/receivables.service';

// Collection ageing (应收账龄) from the payments module's receivables: outstanding amounts of the
// signed contracts the caller can see, in ageing buckets as of the period's end (or today when
// the period is still running), narrowed to the dashboard's owner or unit.
export async function collectionAgeingPanel(
  database: Database,
  actor: Actor,
  scope: { to: string; unitId?: string; ownerId?: string },
  today: string,
  units: Array<{ id: string; parentId: string | null }>,
) {
  const asOf = scope.to < today ? scope.to : today;
  const byOwner = !!scope.ownerId;
  const out = await ageing(database.db, actor, { asOf, groupBy: byOwner ? 'owner' : 'team' });
  const unitIds = scope.unitId ? subtreeUnitIds(units, [scope.unitId]) : undefined;
  const items = out.items.filter((i) =>
    byOwner ? i.key === scope.ownerId : unitIds ? unitIds.has(i.key) : true,
  );
  const buckets = Object.fromEntries(AGEING_BUCKETS.map((b) => [b, 0])) as Record<AgeingBucket, number>;
  for (const i of items) for (const b of AGEING_BUCKETS) buckets[b] += i.buckets[b];
  const outstanding = AGEING_BUCKETS.reduce((s, b) => s + buckets[b], 0);
  return {
    available: true as const,
    asOf,
    groupBy: out.groupBy,
    buckets,
    outstanding,
    overdue: outstanding - buckets.not_due,
    items: items.map((i) => ({
      key: i.key,
      name: i.name,
      buckets: i.buckets,
      outstanding: i.outstanding,
      overdue: i.overdue,
    })),
  };
}
