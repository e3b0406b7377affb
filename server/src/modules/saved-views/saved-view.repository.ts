import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

interface Owner {
  tenantId: string;
  userId: string;
}

export async function findSavedViews(db: Kysely<DB>, owner: Owner, entity: string) {
  return db
    .selectFrom('savedViews')
    .select(['id', 'entity', 'name', 'definition', 'createdAt'])
    .where('tenantId', '=', owner.tenantId)
    .where('userId', '=', owner.userId)
    .where('entity', '=', entity)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function countSavedViews(db: Kysely<DB>, owner: Owner, entity: string): Promise<number> {
  const r = await db
    .selectFrom('savedViews')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('tenantId', '=', owner.tenantId)
    .where('userId', '=', owner.userId)
    .where('entity', '=', entity)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function findSavedViewByName(db: Kysely<DB>, owner: Owner, entity: string, name: string) {
  return db
    .selectFrom('savedViews')
    .select('id')
    .where('tenantId', '=', owner.tenantId)
    .where('userId', '=', owner.userId)
    .where('entity', '=', entity)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function insertSavedView(
  db: Kysely<DB>,
  row: Owner & { id: string; entity: string; name: string; definition: string; createdAt: string },
): Promise<void> {
  await db.insertInto('savedViews').values(row).execute();
}

/** Deletes one of the user's own views; false when there is none by that id (or it is another's). */
export async function deleteSavedView(db: Kysely<DB>, owner: Owner, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('savedViews')
    .where('tenantId', '=', owner.tenantId)
    .where('userId', '=', owner.userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
