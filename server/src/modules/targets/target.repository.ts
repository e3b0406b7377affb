import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { DB, TargetTable } from '../../db/schema';

// Targets are owned like records: a rep's target by the rep, a unit's by its manager, the
// company's by nobody (admin and sales ops only), so scopeQuery decides who sees which.

export type TargetRow = Omit<TargetTable, 'version'> & { version: number };

const COLUMNS = [
  'id',
  'tenantId',
  'metric',
  'period',
  'level',
  'subjectId',
  'parentId',
  'ownerId',
  'value',
  'method',
  'weight',
  'milestones',
  'version',
  'createdBy',
  'createdAt',
  'updatedAt',
] as const;

export async function findTargets(
  db: Kysely<DB>,
  actor: Actor,
  filter: { metric?: string; period?: string; level?: string; parentId?: string; subjectIds?: string[] },
): Promise<TargetRow[]> {
  let q = db.selectFrom('targets').select(COLUMNS);
  if (filter.metric) q = q.where('metric', '=', filter.metric);
  if (filter.period) q = q.where('period', '=', filter.period);
  if (filter.level) q = q.where('level', '=', filter.level);
  if (filter.parentId) q = q.where('parentId', '=', filter.parentId);
  if (filter.subjectIds) q = q.where('subjectId', 'in', filter.subjectIds.length ? filter.subjectIds : ['-']);
  return scopeQuery(q, actor, 'targets')
    .orderBy('period')
    .orderBy('metric')
    .orderBy('level')
    .orderBy('id')
    .execute() as Promise<TargetRow[]>;
}

export async function findTargetById(db: Kysely<DB>, actor: Actor, id: string) {
  return scopeQuery(
    db.selectFrom('targets').select(COLUMNS).where('id', '=', id),
    actor,
    'targets',
  ).executeTakeFirst() as Promise<TargetRow | undefined>;
}

/** Tenant-wide, visibility aside: the slot a new target takes must be free for everyone. */
export async function findTargetBySubject(
  db: Kysely<DB>,
  tenantId: string,
  key: { metric: string; period: string; subjectId: string },
) {
  return db
    .selectFrom('targets')
    .select(COLUMNS)
    .where('tenantId', '=', tenantId)
    .where('metric', '=', key.metric)
    .where('period', '=', key.period)
    .where('subjectId', '=', key.subjectId)
    .executeTakeFirst() as Promise<TargetRow | undefined>;
}

export async function insertTarget(db: Kysely<DB>, row: Omit<TargetRow, 'version'>) {
  await db.insertInto('targets').values(row).execute();
}

export async function updateTarget(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
  version: number,
  set: Partial<
    Pick<TargetRow, 'value' | 'milestones' | 'method' | 'weight' | 'parentId' | 'ownerId' | 'updatedAt'>
  >,
): Promise<boolean> {
  const res = await db
    .updateTable('targets')
    .set({ ...set, version: version + 1 })
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The tenant's org (units with their managers, users) and name: what target subjects are made of. */
export async function findOrg(db: Kysely<DB>, tenantId: string) {
  const [tenant, units, users] = await Promise.all([
    db
      .selectFrom('tenants')
      .select(['name', 'timeZone'])
      .where('id', '=', tenantId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('orgUnits')
      .select(['id', 'parentId', 'name', 'kind', 'managerId'])
      .where('tenantId', '=', tenantId)
      .orderBy('name')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('users')
      .select(['id', 'name', 'orgUnitId', 'role', 'status'])
      .where('tenantId', '=', tenantId)
      .orderBy('name')
      .orderBy('id')
      .execute(),
  ]);
  return { tenantName: tenant.name, timeZone: tenant.timeZone, units, users };
}

/** Money received (回款) in local days from..to by the visible owners (optionally narrowed). */
export async function sumReceipts(
  db: Kysely<DB>,
  actor: Actor,
  range: { from: string; to: string },
  owners: string[] | undefined,
): Promise<number> {
  let q = db
    .selectFrom('receipts')
    .select((eb) => eb.fn.sum<number>('receipts.amount').as('total'))
    .where('receipts.receivedOn', '>=', range.from)
    .where('receipts.receivedOn', '<=', range.to);
  if (owners) q = q.where('receipts.ownerId', 'in', owners.length ? owners : ['-']);
  const row = await scopeQuery(q, actor, 'receipts').executeTakeFirst();
  return Number(row?.total ?? 0);
}
