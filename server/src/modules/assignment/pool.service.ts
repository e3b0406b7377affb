import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import type { Actor } from '../../auth/actor';
import { ROLE_POLICIES } from '../../auth/roles';
import { canWrite } from '../../auth/visibility';
import type { Database } from '../../db/database';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { countClaimsSince, countHoldings, OPEN_LEAD_STATUSES } from './assignment.repository';
import { getSalesPolicy } from './assignment.service';
import { changeOwnerIf, POOL_TABLES, type PoolEntity } from './pool-owner';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Midnight of `now`'s day in the tenant's time zone, as a UTC instant: quotas are per local day. */
export function startOfLocalDay(now: Date, timeZone: string): string {
  return dayjs(now).tz(timeZone).startOf('day').toDate().toISOString();
}

/** A rep takes a record from the public pool (领取), within the daily quota and the customer cap. */
export async function claimFromPool(database: Database, actor: Actor, entity: PoolEntity, id: string) {
  if (ROLE_POLICIES[actor.role].write === 'none') throw new AppError('FORBIDDEN');
  return database.db.transaction().execute(async (trx) => {
    const now = new Date();
    const table = POOL_TABLES[entity];
    const row = await trx
      .selectFrom(table)
      .select(['id', 'ownerId'])
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();
    if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity } });
    if (row.ownerId !== null) {
      // Someone owns it. Whoever could see it, or saw it in the pool today (lost the race), is
      // told it was claimed; to anyone else it is simply not there.
      const visible = actor.readableOwners === 'all' || actor.readableOwners.has(row.ownerId);
      const since = new Date(now.getTime() - 86_400_000).toISOString();
      const leftPoolToday = await trx
        .selectFrom('ownerTransfers')
        .select('id')
        .where('tenantId', '=', actor.tenantId)
        .where('entity', '=', entity)
        .where('entityId', '=', id)
        .where('fromOwnerId', 'is', null)
        .where('createdAt', '>=', since)
        .executeTakeFirst();
      if (!visible && !leftPoolToday) throw new AppError('RECORD_NOT_FOUND', { params: { entity } });
      throw new AppError('ALREADY_CLAIMED');
    }
    const policy = await getSalesPolicy(trx, actor.tenantId);
    const tenant = await trx
      .selectFrom('tenants')
      .select('timeZone')
      .where('id', '=', actor.tenantId)
      .executeTakeFirstOrThrow();
    if (policy.claimQuotaPerDay !== null) {
      const used = await countClaimsSince(
        trx,
        actor.tenantId,
        actor.userId,
        startOfLocalDay(now, tenant.timeZone),
      );
      if (used >= policy.claimQuotaPerDay) {
        throw new AppError('CLAIM_QUOTA_REACHED', { params: { quota: policy.claimQuotaPerDay } });
      }
    }
    if (policy.maxCustomersPerRep !== null) {
      const h = (await countHoldings(trx, actor.tenantId, [actor.userId])).get(actor.userId)!;
      if (h.openLeads + h.accounts >= policy.maxCustomersPerRep) {
        throw new AppError('CUSTOMER_CAP_REACHED', {
          params: { name: actor.name, cap: policy.maxCustomersPerRep },
        });
      }
    }
    const at = now.toISOString();
    const moved = await changeOwnerIf(trx, {
      tenantId: actor.tenantId,
      entity,
      id,
      expectedOwnerId: null,
      toOwnerId: actor.userId,
      actorId: actor.userId,
      reason: 'claim',
      now: at,
    });
    if (!moved) throw new AppError('ALREADY_CLAIMED');
    await trx
      .insertInto('poolClaims')
      .values({
        id: newId('clm'),
        tenantId: actor.tenantId,
        userId: actor.userId,
        entity,
        entityId: id,
        claimedAt: at,
      })
      .execute();
    return { id, ownerId: actor.userId, claimedAt: at };
  });
}

/** The owner (or their manager) gives a record back to the pool (退回公海), with a reason. */
export async function releaseToPool(
  database: Database,
  actor: Actor,
  entity: PoolEntity,
  id: string,
  reason: string,
) {
  return database.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom(POOL_TABLES[entity])
      .select(['id', 'ownerId'])
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', id)
      .where('deletedAt', 'is', null)
      .executeTakeFirst();
    if (!row || row.ownerId === null || !canWrite(actor, row.ownerId)) {
      const visible =
        row &&
        (row.ownerId === null || actor.readableOwners === 'all' || actor.readableOwners.has(row.ownerId));
      throw new AppError(visible ? 'INVALID_STATE' : 'RECORD_NOT_FOUND', {
        params: { entity, reason: 'not owned' },
      });
    }
    const moved = await changeOwnerIf(trx, {
      tenantId: actor.tenantId,
      entity,
      id,
      expectedOwnerId: row.ownerId,
      toOwnerId: null,
      actorId: actor.userId,
      reason: `release: ${reason}`,
      now: new Date().toISOString(),
    });
    if (!moved) throw new AppError('VERSION_MISMATCH');
    return { id, ownerId: null };
  });
}

/**
 * The pool sweep (公海回收): leads and customers without a follow-up for the tenant's set number
 * of days go back to the pool. A customer with an open deal stays with its owner. Returns what
 * moved. Safe to run from several processes: each move only applies to the owner it read.
 */
export async function recycleIdleRecords(database: Database, now = new Date()) {
  const moved: Array<{ tenantId: string; entity: PoolEntity; id: string; fromOwnerId: string }> = [];
  const policies = await database.db.selectFrom('salesPolicies').selectAll().execute();
  for (const p of policies) {
    for (const entity of ['lead', 'account'] as const) {
      const days = entity === 'lead' ? p.leadRecycleDays : p.accountRecycleDays;
      if (!days) continue;
      const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
      const db = database.db;
      const idle =
        entity === 'lead'
          ? await db
              .selectFrom('leads')
              .select(['id', 'ownerId'])
              .where('tenantId', '=', p.tenantId)
              .where('ownerId', 'is not', null)
              .where('deletedAt', 'is', null)
              .where('status', 'in', [...OPEN_LEAD_STATUSES])
              .where((eb) => eb(eb.fn.coalesce('lastActivityAt', 'assignedAt', 'createdAt'), '<', cutoff))
              .limit(10_000)
              .execute()
          : await db
              .selectFrom('accounts')
              .select(['id', 'ownerId'])
              .where('tenantId', '=', p.tenantId)
              .where('ownerId', 'is not', null)
              .where('deletedAt', 'is', null)
              .where((eb) => eb(eb.fn.coalesce('lastActivityAt', 'assignedAt', 'createdAt'), '<', cutoff))
              .where((eb) =>
                eb.not(
                  eb.exists(
                    eb
                      .selectFrom('deals')
                      .select('deals.id')
                      .whereRef('deals.accountId', '=', 'accounts.id')
                      .where('deals.status', '=', 'open')
                      .where('deals.deletedAt', 'is', null),
                  ),
                ),
              )
              .limit(10_000)
              .execute();
      for (const r of idle) {
        const ok = await db.transaction().execute((trx) =>
          changeOwnerIf(trx, {
            tenantId: p.tenantId,
            entity,
            id: r.id,
            expectedOwnerId: r.ownerId,
            toOwnerId: null,
            actorId: null,
            reason: `recycled: idle ${days} days`,
            now: now.toISOString(),
          }),
        );
        if (ok) moved.push({ tenantId: p.tenantId, entity, id: r.id, fromOwnerId: r.ownerId! });
      }
    }
  }
  return moved;
}
