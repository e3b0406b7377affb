import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import { newId } from '../../shared/ids';
import { changeOwnerIf } from '../assignment/pool-owner';
import { appendAuditEvent } from '../audit/audit.repository';
import { managerOf } from '../notifications/notification.service';

type EscalationAction = 'notify' | 'reassign' | 'return_to_pool';

const OWNED_TABLES = { lead: 'leads', deal: 'deals', account: 'accounts' } as const;

/**
 * What an escalation step does beyond telling people (升级动作): `reassign` hands the record to
 * the owner's manager, `return_to_pool` gives a lead back to the public pool (公海). Runs in the
 * sweep's transaction, and only if the record still has the owner the clock knew, so a record
 * someone has just taken over is left alone. Returns a note for the history, or undefined.
 */
export async function applyEscalationAction(
  trx: Kysely<DB>,
  c: { tenantId: string; recordType: string; recordId: string; runId: string; clockId: string },
  action: EscalationAction,
  at: string,
): Promise<string | undefined> {
  if (action === 'notify') return undefined;
  const table = OWNED_TABLES[c.recordType as keyof typeof OWNED_TABLES];
  if (!table) return undefined;
  const record = await trx
    .selectFrom(table)
    .select(['id', 'ownerId'])
    .where('tenantId', '=', c.tenantId)
    .where('id', '=', c.recordId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  if (!record?.ownerId) return undefined;
  const from = record.ownerId;

  if (action === 'return_to_pool') {
    if (c.recordType !== 'lead') return undefined;
    const moved = await changeOwnerIf(trx, {
      tenantId: c.tenantId,
      entity: 'lead',
      id: c.recordId,
      expectedOwnerId: from,
      toOwnerId: null,
      actorId: null,
      reason: 'sla escalation: returned to the pool',
      now: at,
    });
    if (!moved) return undefined;
    // Nobody owns it now: its clocks stop; whoever claims it starts the lead's clock afresh.
    await trx
      .updateTable('sopClocks')
      .set({ status: 'cancelled', stoppedAt: at, nextCheckAt: null })
      .where('runId', '=', c.runId)
      .where('status', 'in', ['running', 'warned'])
      .execute();
    await trx.updateTable('sopClocks').set({ nextCheckAt: null }).where('id', '=', c.clockId).execute();
    await trx
      .updateTable('sopRuns')
      .set({ ownerId: null, updatedAt: at })
      .where('id', '=', c.runId)
      .execute();
    return 'returned to the pool';
  }

  const manager = await managerOf(trx, c.tenantId, from);
  if (!manager) return undefined;
  if (c.recordType === 'lead' || c.recordType === 'account') {
    const moved = await changeOwnerIf(trx, {
      tenantId: c.tenantId,
      entity: c.recordType,
      id: c.recordId,
      expectedOwnerId: from,
      toOwnerId: manager,
      actorId: null,
      reason: 'sla escalation: reassigned to the manager',
      now: at,
    });
    if (!moved) return undefined;
  } else {
    const r = await trx
      .updateTable('deals')
      .set((eb) => ({ ownerId: manager, updatedAt: at, version: eb('version', '+', 1) }))
      .where('tenantId', '=', c.tenantId)
      .where('id', '=', c.recordId)
      .where('ownerId', '=', from)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return undefined;
    await trx
      .insertInto('ownerTransfers')
      .values({
        id: newId('otr'),
        tenantId: c.tenantId,
        entity: 'deal',
        entityId: c.recordId,
        fromOwnerId: from,
        toOwnerId: manager,
        reason: 'sla escalation: reassigned to the manager',
        actorId: 'system',
        createdAt: at,
      })
      .execute();
    await appendAuditEvent(trx, {
      tenantId: c.tenantId,
      actorId: null,
      entity: 'deal',
      entityId: c.recordId,
      action: 'transfer',
      changes: { before: { ownerId: from }, after: { ownerId: manager } },
      at,
    });
  }
  // The run and its open clocks follow the new owner.
  await trx
    .updateTable('sopRuns')
    .set({ ownerId: manager, updatedAt: at })
    .where('id', '=', c.runId)
    .execute();
  await trx
    .updateTable('sopClocks')
    .set({ ownerId: manager })
    .where('runId', '=', c.runId)
    .where('status', 'in', ['running', 'warned', 'breached'])
    .execute();
  return `reassigned to ${manager}`;
}
