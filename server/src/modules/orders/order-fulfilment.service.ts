import type { Selectable } from 'kysely';
import type { Actor } from '../../auth/actor';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { periodInstants } from '../../domain/kpi/periods';
import { remainingPerLine } from '../../domain/orders/order-status';
import { formatScaled, parseScaled } from '../../domain/quotes/decimal';
import { AppError, type FieldIssue } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { appendAuditEvent } from '../audit/audit.repository';
import { checkAttachment } from '../contracts/contract-signing.service';
import { notify } from '../notifications/notification.service';
import { insertRecord, updateRecordIn } from '../records/record.service';
import type { HookContext } from '../records/record-definition';
import { taskDefinition } from '../tasks/task.definition';
import type { AcceptanceInput, HandoffInput, ShipmentInput } from './order.schemas';
import {
  assertMayFulfil,
  assertOpen,
  DEPARTMENT_NAMES,
  getOrderIn,
  type OrderLine,
  type OrderRow,
  orderOrThrow,
  orderSide,
  QTY,
  refreshOrderStatus,
} from './order.service';

// Fulfilment of a sales order: hand-offs to the departments (each also a task), shipments and
// the customer's acceptance. Each change recomputes the order's status.

/** A hand-off (交接) to production, procurement, QC or logistics, with its own owner and due date. */
export async function addHandoff(database: Database, actor: Actor, orderId: string, input: HandoffInput) {
  return database.db.transaction().execute(async (trx) => {
    const order = await orderOrThrow(trx, actor, orderId);
    assertMayFulfil(actor, order.ownerId);
    assertOpen(order);
    const assignee = await trx
      .selectFrom('users')
      .select('id')
      .where('tenantId', '=', actor.tenantId)
      .where('id', '=', input.assigneeId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!assignee)
      throw new AppError('REFERENCE_NOT_FOUND', {
        field: 'assigneeId',
        params: { field: 'assigneeId', entity: 'user' },
      });
    const at = new Date().toISOString();
    const dept = DEPARTMENT_NAMES[input.department]!;
    // The hand-off is also a task (任务) in the assignee's list, due by the end of the due day.
    const tenant = await trx
      .selectFrom('tenants')
      .select('timeZone')
      .where('id', '=', actor.tenantId)
      .executeTakeFirstOrThrow();
    const dayEnd = Date.parse(periodInstants(input.dueOn, input.dueOn, tenant.timeZone).end);
    const task = await insertRecord({ actor: orderSide(actor), now: at, trx }, taskDefinition, {
      title: `订单 ${order.number} 交接${dept['zh-CN']}`,
      notes: input.note ?? null,
      dueAt: new Date(dayEnd - 60_000).toISOString(),
      priority: 'normal',
      status: 'open',
      accountId: order.accountId,
      dealId: order.dealId,
      ownerId: input.assigneeId,
    });
    const id = newId('ho');
    await trx
      .insertInto('orderHandoffs')
      .values({
        id,
        tenantId: actor.tenantId,
        orderId,
        department: input.department,
        assigneeId: input.assigneeId,
        dueOn: input.dueOn,
        status: 'open',
        taskId: String(task.id),
        note: input.note ?? null,
        doneAt: null,
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      })
      .execute();
    await notify(trx, {
      tenantId: actor.tenantId,
      to: { userIds: [input.assigneeId] },
      kind: 'order_handoff',
      title: {
        'zh-CN': `订单 ${order.number} 交接${dept['zh-CN']}，${input.dueOn} 前完成`,
        'en-US': `Order ${order.number} handed to ${dept['en-US']}, due ${input.dueOn}`,
      },
      recordType: 'order',
      recordId: orderId,
    });
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'order',
      entityId: orderId,
      action: 'update',
      changes: { note: `handoff ${input.department} → ${input.assigneeId} by ${input.dueOn}` },
      at,
    });
    await refreshOrderStatus(trx, order, actor.userId);
    return getOrderIn(trx, actor, orderId);
  });
}

type HandoffRow = Selectable<DB['orderHandoffs']>;

/**
 * The one way a hand-off gets done, from its route or from its task: the hand-off is marked done
 * (first, so that closing the task finds it done and stops there), its task closed when still
 * open, the order's history noted and its status recomputed.
 */
async function finishHandoff(ctx: HookContext, order: OrderRow, handoff: HandoffRow) {
  const { actor, now: at, trx } = ctx;
  await trx
    .updateTable('orderHandoffs')
    .set({ status: 'done', doneAt: at, updatedAt: at })
    .where('id', '=', handoff.id)
    .execute();
  const task = handoff.taskId
    ? await trx
        .selectFrom('tasks')
        .select(['version', 'status'])
        .where('tenantId', '=', order.tenantId)
        .where('id', '=', handoff.taskId)
        .where('deletedAt', 'is', null)
        .executeTakeFirst()
    : undefined;
  if (task && task.status !== 'done')
    await updateRecordIn(
      { actor: orderSide(actor), now: at, trx },
      taskDefinition,
      handoff.taskId!,
      task.version,
      {
        status: 'done',
      },
    );
  await appendAuditEvent(trx, {
    tenantId: order.tenantId,
    actorId: actor.userId,
    entity: 'order',
    entityId: order.id,
    action: 'update',
    changes: { note: `handoff ${handoff.department} done` },
    at,
  });
  await refreshOrderStatus(trx, order, actor.userId);
}

export async function completeHandoff(database: Database, actor: Actor, orderId: string, handoffId: string) {
  return database.db.transaction().execute(async (trx) => {
    const order = await orderOrThrow(trx, actor, orderId);
    const handoff = await trx
      .selectFrom('orderHandoffs')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('orderId', '=', orderId)
      .where('id', '=', handoffId)
      .executeTakeFirst();
    if (!handoff) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'handoff' } });
    if (handoff.assigneeId !== actor.userId) assertMayFulfil(actor, order.ownerId);
    if (handoff.status === 'done')
      throw new AppError('INVALID_STATE', { params: { reason: 'hand-off is done' } });
    await finishHandoff({ actor, now: new Date().toISOString(), trx }, order, handoff);
    return getOrderIn(trx, actor, orderId);
  });
}

/**
 * A task was marked done (task definition's after-update hook): when it is an open hand-off's
 * task, the hand-off is done too. Whoever may finish the task may finish its hand-off.
 */
export async function finishHandoffOfTask(ctx: HookContext, taskId: string) {
  const { actor, trx } = ctx;
  const handoff = await trx
    .selectFrom('orderHandoffs')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('taskId', '=', taskId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!handoff) return;
  const order = await trx
    .selectFrom('orders')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', handoff.orderId)
    .executeTakeFirstOrThrow();
  await finishHandoff(ctx, order, handoff);
}

/** A shipment (发货) of some quantity of each line; never more than is left to ship, never zero. */
export async function addShipment(database: Database, actor: Actor, orderId: string, input: ShipmentInput) {
  return database.db.transaction().execute(async (trx) => {
    const order = await orderOrThrow(trx, actor, orderId);
    // Concurrent shipments of one order: the second waits and counts the first (PostgreSQL).
    if (database.dialect === 'postgres')
      await trx.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().execute();
    assertMayFulfil(actor, order.ownerId);
    assertOpen(order);
    const lines = JSON.parse(order.lines) as OrderLine[];
    const shipments = await trx
      .selectFrom('shipments')
      .select('lines')
      .where('tenantId', '=', actor.tenantId)
      .where('orderId', '=', orderId)
      .execute();
    const remaining = remainingPerLine({
      ordered: lines.map((l) => l.quantity),
      shipments: shipments.map((s) => ({ lines: JSON.parse(s.lines), accepted: false })),
    });
    const issues: FieldIssue[] = [];
    const seen = new Set<number>();
    const clean: Array<{ lineNo: number; quantity: string }> = [];
    for (const [i, l] of input.lines.entries()) {
      const field = `lines.${i}`;
      if (l.lineNo >= lines.length || seen.has(l.lineNo)) {
        issues.push({ field: `${field}.lineNo`, code: seen.has(l.lineNo) ? 'duplicate' : 'invalid_value' });
        continue;
      }
      seen.add(l.lineNo);
      const q = parseScaled(l.quantity, QTY);
      if (!q.ok) issues.push({ field: `${field}.quantity`, code: q.code });
      else if (q.scaled <= 0n) issues.push({ field: `${field}.quantity`, code: 'must_be_positive' });
      else if (q.scaled > remaining[l.lineNo]!)
        issues.push({
          field: `${field}.quantity`,
          code: 'exceeds_remaining',
          params: { remaining: formatScaled(remaining[l.lineNo]!, QTY) },
        });
      else clean.push({ lineNo: l.lineNo, quantity: formatScaled(q.scaled, QTY) });
    }
    if (issues.length) throw new AppError('SHIPMENT_INVALID', { field: issues[0]!.field, issues });
    const at = new Date().toISOString();
    const id = newId('shp');
    await trx
      .insertInto('shipments')
      .values({
        id,
        tenantId: actor.tenantId,
        orderId,
        carrier: input.carrier,
        trackingNumber: input.trackingNumber,
        shippedOn: input.shippedOn,
        lines: JSON.stringify(clean),
        status: 'shipped',
        acceptanceKind: null,
        acceptedOn: null,
        acceptanceDoc: null,
        acceptanceAttachmentId: null,
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      })
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'order',
      entityId: orderId,
      action: 'update',
      changes: { note: `shipment ${id}: ${input.carrier} ${input.trackingNumber}` },
      at,
    });
    await refreshOrderStatus(trx, order, actor.userId);
    return getOrderIn(trx, actor, orderId);
  });
}

/** The customer signed for (签收) or accepted (验收) a shipment, with the document and its scan. */
export async function acceptShipment(
  database: Database,
  actor: Actor,
  orderId: string,
  shipmentId: string,
  input: AcceptanceInput,
) {
  return database.db.transaction().execute(async (trx) => {
    const order = await orderOrThrow(trx, actor, orderId);
    assertMayFulfil(actor, order.ownerId);
    const shipment = await trx
      .selectFrom('shipments')
      .selectAll()
      .where('tenantId', '=', actor.tenantId)
      .where('orderId', '=', orderId)
      .where('id', '=', shipmentId)
      .executeTakeFirst();
    if (!shipment) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'shipment' } });
    if (shipment.status === 'accepted')
      throw new AppError('INVALID_STATE', { params: { reason: 'shipment is accepted' } });
    if (input.acceptedOn < shipment.shippedOn)
      throw new AppError('VALIDATION_FAILED', {
        field: 'acceptedOn',
        issues: [{ field: 'acceptedOn', code: 'before_from' }],
      });
    if (input.attachmentId)
      await checkAttachment(trx, actor.tenantId, input.attachmentId, 'attachmentId', {
        type: 'order',
        id: orderId,
      });
    const at = new Date().toISOString();
    await trx
      .updateTable('shipments')
      .set({
        status: 'accepted',
        acceptanceKind: input.kind,
        acceptedOn: input.acceptedOn,
        acceptanceDoc: input.document,
        acceptanceAttachmentId: input.attachmentId ?? null,
        updatedAt: at,
      })
      .where('id', '=', shipmentId)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      entity: 'order',
      entityId: orderId,
      action: 'update',
      changes: { note: `shipment ${shipmentId} ${input.kind} on ${input.acceptedOn} (${input.document})` },
      at,
    });
    await refreshOrderStatus(trx, order, actor.userId);
    return getOrderIn(trx, actor, orderId);
  });
}

/**
 * A hand-off's task was opened again after being done (task definition's after-update hook): the
 * hand-off is open again too, so the order and the task list never disagree. A cancelled order's
 * hand-offs stay as they are.
 */
export async function reopenHandoffOfTask(ctx: HookContext, taskId: string) {
  const { actor, now: at, trx } = ctx;
  const handoff = await trx
    .selectFrom('orderHandoffs')
    .selectAll()
    .where('tenantId', '=', actor.tenantId)
    .where('taskId', '=', taskId)
    .where('status', '=', 'done')
    .executeTakeFirst();
  if (!handoff) return;
  const order = await trx
    .selectFrom('orders')
    .select(['id', 'tenantId', 'cancelledAt'])
    .where('tenantId', '=', actor.tenantId)
    .where('id', '=', handoff.orderId)
    .executeTakeFirstOrThrow();
  if (order.cancelledAt) throw new AppError('INVALID_STATE', { params: { reason: 'order is cancelled' } });
  await trx
    .updateTable('orderHandoffs')
    .set({ status: 'open', doneAt: null, updatedAt: at })
    .where('id', '=', handoff.id)
    .execute();
  await appendAuditEvent(trx, {
    tenantId: order.tenantId,
    actorId: actor.userId,
    entity: 'order',
    entityId: order.id,
    action: 'update',
    changes: { note: `handoff ${handoff.department} reopened` },
    at,
  });
}
