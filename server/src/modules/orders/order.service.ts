import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../../auth/actor';
import { assertWritable, canWrite, scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { orderStatus, remainingPerLine } from '../../domain/orders/order-status';
import { formatScaled } from '../../domain/quotes/decimal';
import { containsText } from '../../shared/contains-text';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';
import { appendAuditEvent } from '../audit/audit.repository';
import { isPaidInFull } from '../payments/payment.repository';
import type { StoredLine } from '../quotes/quote.service';
import { findAccountNames } from '../records/record.repository';
import { closeRun, startRun } from '../sop/run.service';

export type OrderRow = Selectable<DB['orders']>;

export interface OrderLine {
  lineNo: number;
  productId: string;
  productName: string;
  sku: string;
  unit: string;
  spec: string | null;
  quantity: string;
  unitPrice: number;
  grossAmount: number;
}

export const DEPARTMENT_NAMES: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  production: { 'zh-CN': '生产', 'en-US': 'production' },
  procurement: { 'zh-CN': '采购', 'en-US': 'procurement' },
  qc: { 'zh-CN': '质检', 'en-US': 'QC' },
  logistics: { 'zh-CN': '物流', 'en-US': 'logistics' },
};

export async function orderOrThrow(trx: Kysely<DB>, actor: Actor, id: string): Promise<OrderRow> {
  const row = await scopeQuery(trx.selectFrom('orders').selectAll(), actor, 'orders')
    .where('orders.id', '=', id)
    .where('orders.deletedAt', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'order' } });
  return row;
}

/**
 * Handing off gives a task to someone outside the owner's side (production, procurement, QC,
 * logistics): whoever may fulfil the order may do that, so its task writes reach everyone.
 */
export function orderSide(actor: Actor): Actor {
  return { ...actor, readableOwners: 'all', writableOwners: 'all' };
}

// Delivery (交付) executes every order; otherwise the owner's side as for any record.
export function assertMayFulfil(actor: Actor, ownerId: string | null) {
  if (actor.role === 'delivery') return;
  assertWritable(actor, 'order', ownerId);
}

async function nextNumber(trx: Kysely<DB>, tenantId: string, at: string) {
  const day = at.slice(0, 10).replace(/-/g, '');
  const row = await trx
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenantId', '=', tenantId)
    .where('number', 'like', `SO${day}-%`)
    .executeTakeFirstOrThrow();
  return `SO${day}-${String(Number(row.n) + 1).padStart(3, '0')}`;
}

/** An order from a signed contract: the signed version's lines, the contract's owner; its SOP run starts. */
export async function createOrder(
  database: Database,
  actor: Actor,
  input: { contractId: string; deliveryDate?: string | null },
) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await database.db.transaction().execute(async (trx) => {
        const contract = await scopeQuery(trx.selectFrom('contracts').selectAll(), actor, 'contracts')
          .where('contracts.id', '=', input.contractId)
          .where('contracts.deletedAt', 'is', null)
          .executeTakeFirst();
        if (!contract)
          throw new AppError('REFERENCE_NOT_FOUND', {
            field: 'contractId',
            params: { field: 'contractId', entity: 'contract' },
          });
        assertMayFulfil(actor, contract.ownerId);
        if (contract.signedVersion === null)
          throw new AppError('INVALID_STATE', { params: { reason: `contract is ${contract.status}` } });
        const existing = await trx
          .selectFrom('orders')
          .select('id')
          .where('tenantId', '=', actor.tenantId)
          .where('contractId', '=', contract.id)
          .where('deletedAt', 'is', null)
          .executeTakeFirst();
        if (existing)
          throw new AppError('ALREADY_EXISTS', { field: 'contractId', params: { field: 'contractId' } });
        const version = await trx
          .selectFrom('contractVersions')
          .select('lines')
          .where('contractId', '=', contract.id)
          .where('number', '=', contract.signedVersion)
          .executeTakeFirstOrThrow();
        const quote = await trx
          .selectFrom('quotes')
          .select('deliveryDate')
          .where('id', '=', contract.quoteId)
          .executeTakeFirstOrThrow();
        const lines: OrderLine[] = (JSON.parse(version.lines) as StoredLine[]).map((l, lineNo) => ({
          lineNo,
          productId: l.productId,
          productName: l.productName,
          sku: l.sku,
          unit: l.unit,
          spec: l.spec,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          grossAmount: l.totals.grossAmount,
        }));
        const at = new Date().toISOString();
        const id = newId('so');
        const row = {
          id,
          tenantId: actor.tenantId,
          number: await nextNumber(trx, actor.tenantId, at),
          contractId: contract.id,
          dealId: contract.dealId,
          accountId: contract.accountId,
          ownerId: contract.ownerId,
          status: 'open',
          currency: contract.currency,
          grossAmount: contract.grossAmount,
          lines: JSON.stringify(lines),
          deliveryDate: input.deliveryDate ?? quote.deliveryDate,
          cancelledAt: null,
          cancelReason: null,
          createdBy: actor.userId,
          createdAt: at,
          updatedAt: at,
          deletedAt: null,
        };
        await trx.insertInto('orders').values(row).execute();
        // The order playbook (订单执行 → 回款 → 售后) runs from the order's creation.
        await startRun(trx, {
          tenantId: actor.tenantId,
          recordType: 'order',
          recordId: id,
          ownerId: row.ownerId,
          at,
        });
        await appendAuditEvent(trx, {
          tenantId: actor.tenantId,
          actorId: actor.userId,
          entity: 'order',
          entityId: id,
          action: 'create',
          changes: { after: { number: row.number, contractId: contract.id, grossAmount: row.grossAmount } },
          at,
        });
        return getOrderIn(trx, actor, id);
      });
    } catch (err) {
      if (attempt < 5 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/** Recomputes and stores an order's status from its parts; returns the new status. */
export async function refreshOrderStatus(trx: Kysely<DB>, order: OrderRow, actorId: string | null) {
  const [handoffs, shipments, paid] = await Promise.all([
    trx
      .selectFrom('orderHandoffs')
      .select('id')
      .where('tenantId', '=', order.tenantId)
      .where('orderId', '=', order.id)
      .execute(),
    trx
      .selectFrom('shipments')
      .select(['lines', 'status'])
      .where('tenantId', '=', order.tenantId)
      .where('orderId', '=', order.id)
      .execute(),
    isPaidInFull(trx, order.tenantId, order.contractId),
  ]);
  const lines = JSON.parse(order.lines) as OrderLine[];
  const status = orderStatus({
    cancelled: order.cancelledAt !== null,
    ordered: lines.map((l) => l.quantity),
    handoffs: handoffs.length,
    shipments: shipments.map((s) => ({ lines: JSON.parse(s.lines), accepted: s.status === 'accepted' })),
    paidInFull: paid,
  });
  if (status !== order.status) {
    const at = new Date().toISOString();
    await trx
      .updateTable('orders')
      .set({ status, version: order.version + 1, updatedAt: at })
      .where('id', '=', order.id)
      .execute();
    await appendAuditEvent(trx, {
      tenantId: order.tenantId,
      actorId,
      entity: 'order',
      entityId: order.id,
      action: 'update',
      changes: { before: { status: order.status }, after: { status } },
      at,
    });
  }
  return status;
}

/** After a receipt: every order of the contract may now be closed. */
export async function refreshContractOrders(
  trx: Kysely<DB>,
  tenantId: string,
  contractId: string,
  actorId: string,
) {
  const orders = await trx
    .selectFrom('orders')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('contractId', '=', contractId)
    .where('deletedAt', 'is', null)
    .execute();
  for (const o of orders) await refreshOrderStatus(trx, o, actorId);
}

export function assertOpen(order: OrderRow) {
  if (order.cancelledAt || order.status === 'closed')
    throw new AppError('INVALID_STATE', { params: { reason: `order is ${order.status}` } });
}

/** Cancels an order nothing of which has shipped, with a reason. */
export async function cancelOrder(
  database: Database,
  actor: Actor,
  orderId: string,
  reason: string,
  expectedVersion: number | undefined,
) {
  return database.db.transaction().execute(async (trx) => {
    const order = await orderOrThrow(trx, actor, orderId);
    assertWritable(actor, 'order', order.ownerId);
    if (expectedVersion === undefined) throw new AppError('PRECONDITION_REQUIRED');
    if (expectedVersion !== order.version)
      throw new AppError('VERSION_MISMATCH', { details: { current: order.version } });
    if (!['open', 'in_fulfilment'].includes(order.status))
      throw new AppError('INVALID_STATE', { params: { reason: `order is ${order.status}` } });
    const at = new Date().toISOString();
    await trx
      .updateTable('orders')
      .set({ cancelledAt: at, cancelReason: reason, updatedAt: at })
      .where('id', '=', orderId)
      .execute();
    await refreshOrderStatus(trx, { ...order, cancelledAt: at }, actor.userId);
    // Its run ends in the playbook's 取消 stage; the clocks still running are cancelled.
    await closeRun(trx, {
      tenantId: actor.tenantId,
      recordType: 'order',
      recordId: orderId,
      actorId: actor.userId,
      at,
      reason: 'order_cancelled',
    });
    return getOrderIn(trx, actor, orderId);
  });
}

export const QTY = 4;

export async function getOrderIn(trx: Kysely<DB>, actor: Actor, id: string) {
  const order = await orderOrThrow(trx, actor, id);
  const [handoffs, shipments] = await Promise.all([
    trx
      .selectFrom('orderHandoffs')
      .selectAll()
      .where('orderId', '=', id)
      .orderBy('createdAt')
      .orderBy('id')
      .execute(),
    trx
      .selectFrom('shipments')
      .selectAll()
      .where('orderId', '=', id)
      .orderBy('createdAt')
      .orderBy('id')
      .execute(),
  ]);
  const lines = JSON.parse(order.lines) as OrderLine[];
  const parsedShipments = shipments.map((s) => ({
    ...s,
    lines: JSON.parse(s.lines) as Array<{ lineNo: number; quantity: string }>,
  }));
  const remaining = remainingPerLine({
    ordered: lines.map((l) => l.quantity),
    shipments: parsedShipments.map((s) => ({ lines: s.lines, accepted: false })),
  });
  const { tenantId: _t, deletedAt: _d, ...rest } = order;
  return {
    ...rest,
    lines: lines.map((l, i) => ({ ...l, remaining: formatScaled(remaining[i]!, QTY) })),
    // The hand-off's own status: its task and it are kept in step both ways.
    handoffs: handoffs.map(({ tenantId: _x, ...h }) => h),
    shipments: parsedShipments.map(({ tenantId: _x, ...s }) => s),
    editable: canWrite(actor, order.ownerId) || actor.role === 'delivery',
  };
}

export const getOrder = (db: Kysely<DB>, actor: Actor, id: string) => getOrderIn(db, actor, id);

export async function listOrders(
  db: Kysely<DB>,
  actor: Actor,
  q: {
    contractId?: string;
    accountId?: string;
    status?: string;
    q?: string;
    sort?: string;
    limit: number;
    offset: number;
  },
) {
  let query = scopeQuery(db.selectFrom('orders'), actor, 'orders').where('orders.deletedAt', 'is', null);
  if (q.contractId) query = query.where('contractId', '=', q.contractId);
  if (q.accountId) query = query.where('accountId', '=', q.accountId);
  if (q.status) query = query.where('status', '=', q.status);
  const term = q.q;
  if (term) {
    query = query.where((eb) =>
      eb.or([
        containsText('orders.number', term),
        eb(
          'orders.contractId',
          'in',
          eb
            .selectFrom('contracts')
            .select('contracts.id')
            .where('contracts.tenantId', '=', actor.tenantId)
            .where(containsText('contracts.number', term)),
        ),
        eb(
          'orders.accountId',
          'in',
          eb
            .selectFrom('accounts')
            .select('accounts.id')
            .where('accounts.tenantId', '=', actor.tenantId)
            .where(containsText('accounts.name', term)),
        ),
      ]),
    );
  }
  const {
    rows,
    total: n,
    hasMore,
  } = await offsetPage<OrderRow>(query, {
    ...q,
    sort: q.sort ?? '-createdAt',
    table: 'orders',
  });
  // The customer's name, for the list.
  const names = await findAccountNames(
    db,
    actor.tenantId,
    rows.map((r) => r.accountId),
  );
  return {
    items: rows.map(({ tenantId: _t, deletedAt: _d, lines, ...r }) => ({
      ...r,
      lines: JSON.parse(lines) as OrderLine[],
      accountName: names.get(r.accountId) ?? null,
    })),
    total: n,
    hasMore,
  };
}
