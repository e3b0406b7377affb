import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB } from '../../db/schema';
import type { Playbook } from '../../domain/sop/playbook';
import { findPublishedPlaybook } from '../sop/sop-run.repository';
import { DEFAULT_DEADLINE, type Deadline } from './week';

/**
 * The weekly report deadline is part of the SOP: the tenant's published deal playbook says it
 * (`weeklyReport`). Before a tenant has one, or when it leaves the deadline out, the shipped
 * default holds (Friday 18:00), as in the default deal playbook.
 */
export async function findDeadlineSource(db: Kysely<DB>, tenantId: string) {
  const published = await findPublishedPlaybook(db, tenantId, 'deal');
  const duty = published ? (JSON.parse(published.definition) as Playbook).weeklyReport : undefined;
  return {
    deadline: duty ? { weekday: duty.weekday, time: duty.time } : DEFAULT_DEADLINE,
    playbook: published
      ? { id: published.playbookId, versionId: published.versionId, version: published.number }
      : null,
  };
}

export async function findDeadline(db: Kysely<DB>, tenantId: string): Promise<Deadline> {
  return (await findDeadlineSource(db, tenantId)).deadline;
}

export async function findReport(db: Kysely<DB>, tenantId: string, ownerId: string, weekStart: string) {
  return db
    .selectFrom('weeklyReports')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('ownerId', '=', ownerId)
    .where('weekStart', '=', weekStart)
    .executeTakeFirst();
}

export async function findReportsOfWeek(
  db: Kysely<DB>,
  tenantId: string,
  weekStart: string,
  ownerIds: string[],
) {
  if (!ownerIds.length) return [];
  return db
    .selectFrom('weeklyReports')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('weekStart', '=', weekStart)
    .where('ownerId', 'in', ownerIds)
    .execute();
}

/** Active reps (the people who owe a weekly report), with when they joined. */
export async function findReps(db: Kysely<DB>, tenantId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'orgUnitId', 'createdAt'])
    .where('tenantId', '=', tenantId)
    .where('role', '=', 'rep')
    .where('status', '=', 'active')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** Inserts an empty report row unless one exists; true when this call made it. */
export async function insertReportIfMissing(
  db: Kysely<DB>,
  row: {
    id: string;
    tenantId: string;
    ownerId: string;
    weekStart: string;
    dueAt: string;
    breachedAt: string | null;
    at: string;
  },
): Promise<boolean> {
  const res = await db
    .insertInto('weeklyReports')
    .values({
      id: row.id,
      tenantId: row.tenantId,
      ownerId: row.ownerId,
      weekStart: row.weekStart,
      status: 'draft',
      plan: null,
      helpNeeded: null,
      summary: null,
      submittedAt: null,
      dueAt: row.dueAt,
      breachedAt: row.breachedAt,
      managerComment: null,
      commentedBy: null,
      commentedAt: null,
      createdAt: row.at,
      updatedAt: row.at,
    })
    .onConflict((oc) => oc.columns(['tenantId', 'ownerId', 'weekStart']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function tenantsWithReps(db: Kysely<DB>) {
  return db
    .selectFrom('tenants')
    .select(['id', 'timeZone'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('users')
          .select('users.id')
          .whereRef('users.tenantId', '=', 'tenants.id')
          .where('users.role', '=', 'rep')
          .where('users.status', '=', 'active'),
      ),
    )
    .orderBy('id')
    .execute();
}

/** Receipts (回款) an owner booked in a week of local dates, inside the caller's visibility. */
export async function findReceiptsOfWeek(
  db: Kysely<DB>,
  actor: Actor,
  ownerId: string,
  range: { from: string; to: string },
) {
  return scopeQuery(
    db
      .selectFrom('receipts')
      .select(['id', 'contractId', 'amount', 'receivedOn'])
      .where('ownerId', '=', ownerId)
      .where('receivedOn', '>=', range.from)
      .where('receivedOn', '<=', range.to),
    actor,
    'receipts',
  )
    .orderBy('receivedOn')
    .orderBy('id')
    .execute();
}

/**
 * Reports whose deadline fell in [from, to) and is decided by `now`: submitted (on time when by
 * the deadline) or marked breached. For SOP compliance; scoped to the owners the caller may see.
 */
export async function findDecidedReports(
  db: Kysely<DB>,
  actor: Actor,
  window: { start: string; end: string },
  owners: string[] | undefined,
  now: string,
) {
  let q = scopeQuery(db.selectFrom('weeklyReports'), actor, 'weeklyReports')
    .select(['ownerId', 'dueAt', 'submittedAt', 'breachedAt'])
    .where('dueAt', '>=', window.start)
    .where('dueAt', '<', window.end)
    .where('dueAt', '<', now)
    .where((eb) => eb.or([eb('submittedAt', 'is not', null), eb('breachedAt', 'is not', null)]));
  if (owners) q = q.where('ownerId', 'in', owners.length ? owners : ['-']);
  return q.execute();
}
