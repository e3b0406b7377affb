import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { startLeadRun } from '../sop/lead-sop.service';

export type PoolEntity = 'lead' | 'account';
export const POOL_TABLES = { lead: 'leads', account: 'accounts' } as const;

/**
 * Moves a pool record to a new owner (or back to the pool with null), only if its owner is still
 * the one expected: a claim races other claims, a recycle races a follow-up. Writes the transfer
 * history and the audit event. Returns false when someone else got there first.
 */
export async function changeOwnerIf(
  trx: Kysely<DB>,
  m: {
    tenantId: string;
    entity: PoolEntity;
    id: string;
    expectedOwnerId: string | null;
    toOwnerId: string | null;
    actorId: string | null;
    reason: string;
    now: string;
  },
): Promise<boolean> {
  const table = POOL_TABLES[m.entity];
  let q = trx
    .updateTable(table)
    .set((eb) => ({
      ownerId: m.toOwnerId,
      assignedAt: m.toOwnerId ? m.now : null,
      updatedAt: m.now,
      version: eb('version', '+', 1),
    }))
    .where('tenantId', '=', m.tenantId)
    .where('id', '=', m.id)
    .where('deletedAt', 'is', null);
  q =
    m.expectedOwnerId === null ? q.where('ownerId', 'is', null) : q.where('ownerId', '=', m.expectedOwnerId);
  const r = await q.executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await trx
    .insertInto('ownerTransfers')
    .values({
      id: newId('otr'),
      tenantId: m.tenantId,
      entity: m.entity,
      entityId: m.id,
      fromOwnerId: m.expectedOwnerId,
      toOwnerId: m.toOwnerId,
      reason: m.reason,
      actorId: m.actorId ?? 'system',
      createdAt: m.now,
    })
    .execute();
  // A lead that reaches an owner from the pool starts its first-contact clock then.
  if (m.entity === 'lead' && m.toOwnerId)
    await startLeadRun(trx, { id: m.id, tenantId: m.tenantId, ownerId: m.toOwnerId }, m.now);
  await appendAuditEvent(trx, {
    tenantId: m.tenantId,
    actorId: m.actorId,
    entity: m.entity,
    entityId: m.id,
    action: 'transfer',
    changes: { before: { ownerId: m.expectedOwnerId }, after: { ownerId: m.toOwnerId }, note: m.reason },
    at: m.now,
  });
  return true;
}
