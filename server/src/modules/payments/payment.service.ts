import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../../auth/actor';
import { scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import type { DB } from '../../db/schema';
import { daysBetween, matchReceipts } from '../../domain/payments/receivables';
import { containsText } from '../../shared/contains-text';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';
import { appendAuditEvent } from '../audit/audit.repository';
import { notify } from '../notifications/notification.service';
import { refreshContractOrders } from '../orders/order.service';
import { findPlans, findReceipts } from './payment.repository';
import type { ListReceiptsQuery, ReceiptInput } from './payment.schemas';
import { tenantToday } from './payment-dates';

// Receipts (回款记录) are recorded by finance; the payment plan shows each instalment's
// received and outstanding amounts, matched named-instalment first, then oldest due first.
const RECORDING_ROLES = new Set(['finance', 'admin']);

async function visibleContract(trx: Kysely<DB>, actor: Actor, id: string, field?: string) {
  const row = await scopeQuery(trx.selectFrom('contracts').selectAll(), actor, 'contracts')
    .where('contracts.id', '=', id)
    .where('contracts.deletedAt', 'is', null)
    .executeTakeFirst();
  if (!row) {
    if (field) throw new AppError('REFERENCE_NOT_FOUND', { field, params: { field, entity: 'contract' } });
    throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'contract' } });
  }
  return row;
}

export async function recordReceipt(database: Database, actor: Actor, input: ReceiptInput) {
  if (!RECORDING_ROLES.has(actor.role)) throw new AppError('FORBIDDEN');
  return database.db.transaction().execute((trx) => recordReceiptIn(trx, database.dialect, actor, input));
}

/** Who may record receipts (the API and the payments import). */
export function canRecordReceipts(actor: Actor): boolean {
  return RECORDING_ROLES.has(actor.role);
}

/**
 * The receipt, inside the caller's transaction: the API's one path, also taken by the payments
 * import (which runs a batch of receipts in one transaction).
 */
export async function recordReceiptIn(
  trx: Kysely<DB>,
  dialect: Database['dialect'],
  actor: Actor,
  input: ReceiptInput,
) {
  if (!RECORDING_ROLES.has(actor.role)) throw new AppError('FORBIDDEN');
  const contract = await visibleContract(trx, actor, input.contractId, 'contractId');
  // Two receipts at once on one contract: the second waits, then sees the first (PostgreSQL;
  // SQLite runs one write transaction at a time anyway).
  if (dialect === 'postgres')
    await trx.selectFrom('contracts').select('id').where('id', '=', contract.id).forUpdate().execute();
  const currency = input.currency ?? contract.currency;
  if (currency !== contract.currency)
    throw new AppError('CURRENCY_MISMATCH', {
      field: 'currency',
      params: { field: 'currency', found: currency, expected: contract.currency },
    });
  const plans = await findPlans(trx, actor.tenantId, [contract.id]);
  if (!plans.length)
    throw new AppError('INVALID_STATE', { params: { reason: `contract is ${contract.status}` } });
  if (input.planId && !plans.some((p) => p.id === input.planId))
    throw new AppError('REFERENCE_NOT_FOUND', {
      field: 'planId',
      params: { field: 'planId', entity: 'payment_plan' },
    });
  const today = await tenantToday(trx, actor.tenantId);
  if (input.receivedOn > today)
    throw new AppError('VALIDATION_FAILED', {
      field: 'receivedOn',
      issues: [{ field: 'receivedOn', code: 'invalid_date' }],
    });
  const receipts = await findReceipts(trx, actor.tenantId, [contract.id]);
  const due = plans.reduce((s, p) => s + p.amount, 0);
  const received = receipts.reduce((s, r) => s + r.amount, 0);
  const remaining = Math.max(due - received, 0);
  if (input.amount > remaining && !input.confirmOverpayment)
    throw new AppError('RECEIPT_EXCEEDS_RECEIVABLE', {
      field: 'amount',
      params: { amount: input.amount, remaining },
      details: { remaining },
    });
  const at = new Date().toISOString();
  const id = newId('rcp');
  await trx
    .insertInto('receipts')
    .values({
      id,
      tenantId: actor.tenantId,
      contractId: contract.id,
      accountId: contract.accountId,
      ownerId: contract.ownerId,
      planId: input.planId ?? null,
      amount: input.amount,
      currency,
      receivedOn: input.receivedOn,
      method: input.method,
      reference: input.reference ?? null,
      note: input.note ?? null,
      overpayment: Math.max(input.amount - remaining, 0),
      createdBy: actor.userId,
      createdAt: at,
    })
    .execute();
  await appendAuditEvent(trx, {
    tenantId: actor.tenantId,
    actorId: actor.userId,
    entity: 'contract',
    entityId: contract.id,
    action: 'update',
    changes: { note: `receipt ${id}: ${input.amount} 分 on ${input.receivedOn}` },
    at,
  });
  if (contract.ownerId)
    await notify(trx, {
      tenantId: actor.tenantId,
      to: { userIds: [contract.ownerId] },
      kind: 'payment_received',
      title: {
        'zh-CN': `合同 ${contract.number} 回款到账 ${(input.amount / 100).toFixed(2)} 元`,
        'en-US': `Payment of ${(input.amount / 100).toFixed(2)} ${currency} received on contract ${contract.number}`,
      },
      recordType: 'contract',
      recordId: contract.id,
    });
  await refreshContractOrders(trx, actor.tenantId, contract.id, actor.userId);
  return { id, ...(await paymentPlanIn(trx, actor, contract.id, today)) };
}

async function paymentPlanIn(trx: Kysely<DB>, actor: Actor, contractId: string, today: string) {
  const contract = await visibleContract(trx, actor, contractId);
  const [plans, receipts] = await Promise.all([
    findPlans(trx, actor.tenantId, [contractId]),
    findReceipts(trx, actor.tenantId, [contractId]),
  ]);
  const match = matchReceipts(
    plans.map((p) => ({ id: p.id, dueDate: p.dueDate, amount: p.amount })),
    receipts.map((r) => ({ id: r.id, receivedOn: r.receivedOn, amount: r.amount, planId: r.planId })),
  );
  const instalments = plans.map((p) => {
    const outstanding = match.outstanding[p.id] ?? 0;
    const overdueDays = outstanding > 0 ? Math.max(daysBetween(p.dueDate, today), 0) : 0;
    return {
      id: p.id,
      seq: p.seq,
      name: p.name,
      percent: p.percent,
      dueDate: p.dueDate,
      amount: p.amount,
      received: p.amount - outstanding,
      outstanding,
      status:
        outstanding === 0
          ? 'paid'
          : overdueDays > 0
            ? 'overdue'
            : outstanding < p.amount
              ? 'partially_paid'
              : 'open',
      overdueDays,
    };
  });
  const due = plans.reduce((s, p) => s + p.amount, 0);
  const received = receipts.reduce((s, r) => s + r.amount, 0);
  return {
    contractId,
    currency: contract.currency,
    asOf: today,
    amount: due,
    received,
    outstanding: Math.max(due - received, 0),
    overpaid: match.overpaid.reduce((s, o) => s + o.amount, 0),
    instalments,
    receipts: receipts.map(({ tenantId: _t, ...r }) => r),
  };
}

export async function getPaymentPlan(db: Kysely<DB>, actor: Actor, contractId: string) {
  return paymentPlanIn(db, actor, contractId, await tenantToday(db, actor.tenantId));
}

export async function listReceipts(db: Kysely<DB>, actor: Actor, q: ListReceiptsQuery) {
  let query = scopeQuery(db.selectFrom('receipts'), actor, 'receipts');
  if (q.contractId) query = query.where('receipts.contractId', '=', q.contractId);
  if (q.accountId) query = query.where('receipts.accountId', '=', q.accountId);
  if (q.method) query = query.where('receipts.method', '=', q.method);
  const text = q.q;
  if (text)
    query = query.where((eb) =>
      eb.or([
        containsText('receipts.reference', text),
        containsText('receipts.note', text),
        eb(
          'receipts.contractId',
          'in',
          eb
            .selectFrom('contracts')
            .select('contracts.id')
            .where('contracts.tenantId', '=', actor.tenantId)
            .where(containsText('contracts.number', text)),
        ),
        eb(
          'receipts.accountId',
          'in',
          eb
            .selectFrom('accounts')
            .select('accounts.id')
            .where('accounts.tenantId', '=', actor.tenantId)
            .where(containsText('accounts.name', text)),
        ),
      ]),
    );
  const { rows, total, hasMore } = await offsetPage<Selectable<DB['receipts']>>(query, {
    ...q,
    table: 'receipts',
  });
  return { items: rows.map(({ tenantId: _t, ...r }) => r), total, hasMore };
}
