import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';

export async function findCalendarRow(db: Kysely<DB>, tenantId: string) {
  return db.selectFrom('businessCalendars').selectAll().where('tenantId', '=', tenantId).executeTakeFirst();
}

export async function findTenantTimeZone(db: Kysely<DB>, tenantId: string): Promise<string | undefined> {
  const row = await db.selectFrom('tenants').select('timeZone').where('id', '=', tenantId).executeTakeFirst();
  return row?.timeZone ?? undefined;
}

/** The first save of a tenant's calendar; false when another save got there first. */
export async function insertCalendar(
  db: Kysely<DB>,
  row: { tenantId: string; definition: string; updatedAt: string },
): Promise<boolean> {
  const r = await db
    .insertInto('businessCalendars')
    .values({ ...row, version: 1 })
    .onConflict((oc) => oc.column('tenantId').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** A later save, only over the version the caller read. */
export async function updateCalendarIfVersion(
  db: Kysely<DB>,
  tenantId: string,
  version: number,
  set: { definition: string; updatedAt: string },
): Promise<boolean> {
  const r = await db
    .updateTable('businessCalendars')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('tenantId', '=', tenantId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The tenant's own time zone follows its calendar's (reports, schedules). */
export async function setTenantTimeZone(db: Kysely<DB>, tenantId: string, timeZone: string): Promise<void> {
  await db.updateTable('tenants').set({ timeZone }).where('id', '=', tenantId).execute();
}
