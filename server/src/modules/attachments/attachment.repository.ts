import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema';

export type AttachmentRow = Selectable<DB['attachments']>;

export async function insertAttachment(trx: Kysely<DB>, row: AttachmentRow): Promise<void> {
  await trx.insertInto('attachments').values(row).execute();
}

export async function findAttachmentById(
  db: Kysely<DB>,
  tenantId: string,
  id: string,
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
}

export async function listAttachmentsByRecord(
  db: Kysely<DB>,
  tenantId: string,
  recordType: string,
  recordId: string,
): Promise<AttachmentRow[]> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('recordType', '=', recordType)
    .where('recordId', '=', recordId)
    .where('deletedAt', 'is', null)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

/** Soft delete; true when this call deleted it (a second delete finds nothing). */
export async function markAttachmentDeleted(
  trx: Kysely<DB>,
  tenantId: string,
  id: string,
  by: string,
  at: string,
): Promise<boolean> {
  const r = await trx
    .updateTable('attachments')
    .set({ deletedAt: at, deletedBy: by })
    .where('tenantId', '=', tenantId)
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
