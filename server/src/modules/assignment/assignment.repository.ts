import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

export const OPEN_LEAD_STATUSES = ['new', 'contacted', 'qualified'] as const;

export async function findPolicy(db: Kysely<DB>, tenantId: string) {
  return db.selectFrom('salesPolicies').selectAll().where('tenantId', '=', tenantId).executeTakeFirst();
}

export async function findActiveRules(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('assignmentRules')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('status', '=', 'active')
    .orderBy('priority')
    .orderBy('id')
    .execute();
}

/** Active reps in the given units (a unit's subtree is resolved by the caller). */
export async function findActiveRepsInUnits(db: Kysely<DB>, tenantId: string, unitIds: string[]) {
  if (!unitIds.length) return [];
  return db
    .selectFrom('users')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('orgUnitId', 'in', unitIds)
    .where('role', '=', 'rep')
    .where('status', '=', 'active')
    .execute();
}

export async function findActiveUsers(db: Kysely<DB>, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('tenantId', '=', tenantId)
    .where('id', 'in', ids)
    .where('status', '=', 'active')
    .execute();
}

/** Open leads and accounts held per user: the load and the customer count (客户保有量). */
export async function countHoldings(db: Kysely<DB>, tenantId: string, userIds: string[]) {
  const out = new Map<string, { openLeads: number; accounts: number }>();
  for (const id of userIds) out.set(id, { openLeads: 0, accounts: 0 });
  if (!userIds.length) return out;
  const leads = await db
    .selectFrom('leads')
    .select(['ownerId', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenantId', '=', tenantId)
    .where('ownerId', 'in', userIds)
    .where('deletedAt', 'is', null)
    .where('status', 'in', [...OPEN_LEAD_STATUSES])
    .groupBy('ownerId')
    .execute();
  const accounts = await db
    .selectFrom('accounts')
    .select(['ownerId', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenantId', '=', tenantId)
    .where('ownerId', 'in', userIds)
    .where('deletedAt', 'is', null)
    .groupBy('ownerId')
    .execute();
  for (const r of leads) out.get(r.ownerId!)!.openLeads = Number(r.n);
  for (const r of accounts) out.get(r.ownerId!)!.accounts = Number(r.n);
  return out;
}

export async function countClaimsSince(db: Kysely<DB>, tenantId: string, userId: string, since: string) {
  const r = await db
    .selectFrom('poolClaims')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .where('claimedAt', '>=', since)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}
