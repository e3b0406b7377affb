import type { Kysely } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import type { Stage } from '../../domain/sop/playbook';
import { AppError } from '../../shared/errors';
import { appendAuditEvent } from '../audit/audit.repository';
import type { RunAdapter } from '../sop/run-adapters';
import { assertMayFulfil, getOrderIn } from './order.service';

// How the run service reaches a sales order (订单执行 → 回款 → 售后 → 完成 / 取消). An order has no
// stage column: its stage is its run's. A move bumps the order's version (If-Match) and writes
// an audit note; a move into the playbook's closed/lost stage cancels the order, as
// POST /api/orders/:id/cancel does.

/** The order as conditions see it: its columns, `amount` (= grossAmount) and its hand-offs. */
export async function orderConditionRecord(
  trx: Kysely<DB>,
  tenantId: string,
  id: string,
  actor?: Actor,
): Promise<Record<string, unknown> | undefined> {
  let q = trx
    .selectFrom('orders')
    .selectAll()
    .where('orders.tenantId', '=', tenantId)
    .where('orders.id', '=', id)
    .where('orders.deletedAt', 'is', null);
  if (actor) q = scopeQuery(q, actor, 'orders');
  const order = await q.executeTakeFirst();
  if (!order) return undefined;
  const handoffs = await trx
    .selectFrom('orderHandoffs')
    .leftJoin('tasks', 'tasks.id', 'orderHandoffs.taskId')
    .select(['orderHandoffs.status', 'tasks.status as taskStatus'])
    .where('orderHandoffs.tenantId', '=', tenantId)
    .where('orderHandoffs.orderId', '=', id)
    .execute();
  return {
    ...order,
    amount: order.grossAmount,
    handoffCount: handoffs.length,
    // A hand-off done in the assignee's task list is done too.
    handoffsDone: handoffs.filter((h) => h.status === 'done' || h.taskStatus === 'done').length,
  };
}

const cancels = (stage: Stage) => stage.terminal === 'lost' || stage.terminal === 'closed';

async function writeOrderMove(
  database: Database,
  actor: Actor,
  id: string,
  expectedVersion: number | undefined,
  move: { from: string; target: Stage; reasonLabel: string | null },
  afterWrite: (
    trx: Kysely<DB>,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ) => Promise<void>,
) {
  return database.db.transaction().execute(async (trx) => {
    const order = await orderConditionRecord(trx, actor.tenantId, id, actor);
    if (!order) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'order' } });
    assertMayFulfil(actor, (order.ownerId as string | null) ?? null);
    if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
    const version = Number(order.version);
    const stale = () =>
      new AppError('VERSION_MISMATCH', { field: 'If-Match', details: { current: version } });
    if (expectedVersion !== version) throw stale();
    const cancelling = cancels(move.target);
    if (cancelling && !['open', 'in_fulfilment'].includes(String(order.status)))
      throw new AppError('INVALID_STATE', {
        field: 'toStage',
        params: { reason: `order is ${order.status}` },
      });
    const at = new Date().toISOString();
    const patch = cancelling
      ? { cancelledAt: at, cancelReason: move.reasonLabel, status: 'cancelled' }
      : ({} as Record<string, unknown>);
    const r = await trx
      .updateTable('orders')
      .set({ ...patch, version: version + 1, updatedAt: at })
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw stale();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'order',
      entityId: id,
      action: 'update',
      changes: {
        ...(cancelling ? { before: { status: order.status }, after: { status: 'cancelled' } } : {}),
        note: `stage ${move.from} → ${move.target.key}`,
      },
      at,
    });
    const after = { ...order, ...patch, version: version + 1, updatedAt: at };
    await afterWrite(trx, order, after);
    return { dto: await getOrderIn(trx, actor, id), version: version + 1 };
  });
}

export const orderRunAdapter = (): RunAdapter => ({
  recordType: 'order',
  table: 'orders',
  load: (trx, actor, id) => orderConditionRecord(trx, actor.tenantId, id, actor),
  conditionRecord: (trx, tenantId, id) => orderConditionRecord(trx, tenantId, id),
  // Its own column says only whether it was cancelled; any other stage is its run's.
  stageOf: (record, playbook) =>
    (record.cancelledAt ? playbook.stages.find(cancels)?.key : undefined) ?? playbook.stages[0]!.key,
  enteredAtOf: (record) => String(record.createdAt),
  gateRecord: (record) => ({ ...record }),
  stageColumns: () => ({}),
  closed: (record) => (record.cancelledAt ? 'cancelled' : undefined),
  // Delivery (交付) works every order; otherwise the owner's side.
  assertWritable: (actor, record) => assertMayFulfil(actor, (record.ownerId as string | null) ?? null),
  writeMove: writeOrderMove,
});

/**
 * Orders and their stage events for SOP compliance figures (the order process): the orders the
 * actor sees (narrowed to `owners` when given) created before the window's end.
 */
export async function findOrderStageHistory(
  db: Kysely<DB>,
  actor: Actor,
  w: { end: string },
  owners: string[] | undefined,
) {
  let q = scopeQuery(
    db
      .selectFrom('orders')
      .select(['id', 'ownerId', 'createdAt'])
      .where('deletedAt', 'is', null)
      .where('createdAt', '<', w.end),
    actor,
    'orders',
  );
  if (owners) q = q.where('orders.ownerId', 'in', owners.length ? owners : ['-']);
  const records = (await q.orderBy('id').execute()).map((o) => ({ ...o, stage: '' }));
  const events: Array<{
    recordId: string;
    fromStage: string | null;
    toStage: string;
    at: string;
    playbookVersionId: string | null;
  }> = [];
  const ids = records.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    events.push(
      ...(await db
        .selectFrom('stageEvents')
        .select(['recordId', 'fromStage', 'toStage', 'at', 'playbookVersionId'])
        .where('tenantId', '=', actor.tenantId)
        .where('recordType', '=', 'order')
        .where('recordId', 'in', ids.slice(i, i + 500))
        .orderBy('at')
        .orderBy('id')
        .execute()),
    );
  }
  return { records, events };
}
