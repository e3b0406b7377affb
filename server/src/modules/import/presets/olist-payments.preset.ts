import { join } from 'node:path';
import { toFen } from '../../../domain/cleaning/numbers';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { accountDefinition } from '../../accounts/account.definition';
import { dealDefinition } from '../../deals/deal.definition';
import { addUnit, insertRecords, type PresetContext, readCsv } from './preset-writer';

// olist-ecommerce: the payments of Olist's marketplace orders (see the data set's README). The
// table has payments only: no customers, no order dates, no sellers. Receipts (回款记录) must
// belong to a signed contract, and a contract to a quote, a deal and a customer, so the data
// model's smallest honest shape is one placeholder customer with one won deal, one accepted
// quote and one signed contract whose single instalment is the sum of all payments; every
// payment is one receipt on it, the order id as its reference and the original payment type,
// sequence and instalments in its note. Without dates, the contract, its instalment and every
// receipt are dated at the end of the orders' period (2018-10-31).

export const OLIST_PAYMENTS_DIR = 'olist-ecommerce';
export const OLIST_PAYMENTS_MARKER = 'Olist payments (preset)';
export const OLIST_PAYMENTS_FILE = 'olist_order_payments_dataset.csv';
/** The orders' period ends in 2018-10; the payments table itself has no date. */
export const OLIST_PAYMENTS_DATE = '2018-10-31';

const CHUNK = 500;

export async function loadOlistPayments(ctx: PresetContext, datasets: string) {
  const rows = readCsv(join(datasets, OLIST_PAYMENTS_DIR), OLIST_PAYMENTS_FILE);
  const payments = rows.map((r, i) => {
    const amount = toFen(r.payment_value ?? '');
    if (amount === undefined || amount < 0)
      throw new AppError('INVALID_STATE', {
        params: { reason: `row ${i + 2}: payment_value ${r.payment_value} is not an amount` },
      });
    return {
      orderId: r.order_id ?? '',
      type: r.payment_type,
      seq: r.payment_sequential,
      instalments: r.payment_installments,
      amount,
    };
  });
  const total = payments.reduce((s, p) => s + p.amount, 0);
  const at = `${OLIST_PAYMENTS_DATE}T00:00:00.000Z`;

  await addUnit(ctx, OLIST_PAYMENTS_MARKER, 'company');
  const [accountId] = await insertRecords(
    ctx,
    accountDefinition,
    [
      {
        columns: {
          name: 'Olist 平台买家（未提供客户） (marketplace buyers, not given)',
          notes: 'olist-ecommerce: the payments table names no customer',
          ownerId: null,
        },
        overrides: { createdAt: at },
      },
    ],
    'accounts',
  );
  const [dealId] = await insertRecords(
    ctx,
    dealDefinition,
    [
      {
        columns: {
          accountId: accountId!,
          name: 'Olist 平台订单 (marketplace orders)',
          amount: total,
          currency: 'BRL',
          expectedCloseDate: OLIST_PAYMENTS_DATE,
          stage: 'won',
          productIds: [],
          notes: `olist-ecommerce: ${payments.length} payments`,
          ownerId: null,
        },
        overrides: { stageEnteredAt: at, closedAt: at, status: 'won', probability: 100 },
      },
    ],
    'deals',
  );
  const quoteId = newId('qt');
  const contractId = newId('ct');
  const planId = newId('pp');
  const terms = [{ name: '订单付款 (order payments)', percent: 100, daysAfterSigning: 0 }];
  const amounts = {
    netAmount: total,
    taxAmount: 0,
    grossAmount: total,
    discountBp: 0,
    marginBp: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const common = { tenantId: ctx.tenantId, createdBy: ctx.actorId, createdAt: at, updatedAt: at };
    await trx
      .insertInto('quotes')
      .values({
        ...common,
        ...amounts,
        id: quoteId,
        number: 'BJ-OLIST-001',
        dealId: dealId!,
        accountId: accountId!,
        ownerId: null,
        title: 'Olist 平台订单 (marketplace orders)',
        status: 'accepted',
        currency: 'BRL',
        priceListId: null,
        taxMode: 'inclusive',
        currentVersion: 1,
        paymentTerms: null,
        paymentDays: 0,
        deliveryDate: null,
        validUntil: OLIST_PAYMENTS_DATE,
        costAmount: null,
        approvalId: null,
        deletedAt: null,
      })
      .execute();
    await trx
      .insertInto('quoteVersions')
      .values({
        id: newId('qtv'),
        tenantId: ctx.tenantId,
        quoteId,
        number: 1,
        lines: '[]',
        terms: JSON.stringify({ paymentDays: 0, validUntil: OLIST_PAYMENTS_DATE }),
        totals: JSON.stringify({ ...amounts, listAmount: total, discountAmount: 0, costAmount: null }),
        note: 'preset olist-ecommerce',
        createdBy: ctx.actorId,
        createdAt: at,
      })
      .execute();
    await trx
      .insertInto('contracts')
      .values({
        ...common,
        ...amounts,
        id: contractId,
        number: 'HT-OLIST-001',
        quoteId,
        quoteVersion: 1,
        dealId: dealId!,
        accountId: accountId!,
        ownerId: null,
        title: 'Olist 平台订单 (marketplace orders)',
        status: 'signed',
        currency: 'BRL',
        taxMode: 'inclusive',
        templateId: null,
        currentVersion: 1,
        signedVersion: 1,
        signedOn: OLIST_PAYMENTS_DATE,
        approvalId: null,
        archivedAt: null,
        deletedAt: null,
      })
      .execute();
    await trx
      .insertInto('contractVersions')
      .values({
        id: newId('ctv'),
        tenantId: ctx.tenantId,
        contractId,
        number: 1,
        lines: '[]',
        clauses: '[]',
        paymentTerms: JSON.stringify(terms),
        note: 'preset olist-ecommerce',
        signedOn: OLIST_PAYMENTS_DATE,
        signatories: null,
        scanAttachmentId: null,
        createdBy: ctx.actorId,
        createdAt: at,
      })
      .execute();
    await trx
      .insertInto('paymentPlans')
      .values({
        id: planId,
        tenantId: ctx.tenantId,
        contractId,
        accountId: accountId!,
        ownerId: null,
        seq: 1,
        name: terms[0]!.name,
        percent: 100,
        dueDate: OLIST_PAYMENTS_DATE,
        amount: total,
        currency: 'BRL',
        createdAt: at,
      })
      .execute();
    await trx
      .insertInto('auditEvents')
      .values(
        [
          ['quote', quoteId],
          ['contract', contractId],
        ].map(([entity, entityId]) => ({
          id: newId('aud'),
          tenantId: ctx.tenantId,
          actorId: ctx.actorId,
          entity: entity!,
          entityId: entityId!,
          action: 'create',
          changes: JSON.stringify({ note: 'preset olist-ecommerce' }),
          createdAt: at,
        })),
      )
      .execute();
  });

  // One receipt per payment; one audit event on the contract per batch of receipts.
  for (let i = 0; i < payments.length; i += CHUNK) {
    const chunk = payments.slice(i, i + CHUNK);
    await ctx.db.transaction().execute(async (trx) => {
      const receipts = chunk.map((p) => ({
        id: newId('rcp'),
        tenantId: ctx.tenantId,
        contractId,
        accountId: accountId!,
        ownerId: null,
        planId,
        amount: p.amount,
        currency: 'BRL',
        receivedOn: OLIST_PAYMENTS_DATE,
        method: 'other',
        reference: p.orderId || null,
        note: `payment_type=${p.type}; payment_sequential=${p.seq}; payment_installments=${p.instalments}`,
        overpayment: 0,
        createdBy: ctx.actorId,
        createdAt: at,
      }));
      await trx.insertInto('receipts').values(receipts).execute();
      await trx
        .insertInto('auditEvents')
        .values({
          id: newId('aud'),
          tenantId: ctx.tenantId,
          actorId: ctx.actorId,
          entity: 'contract',
          entityId: contractId,
          action: 'update',
          changes: JSON.stringify({
            note: `preset receipts ${i + 1}–${i + chunk.length}: ${chunk.reduce((s, p) => s + p.amount, 0)} 分 on ${OLIST_PAYMENTS_DATE}`,
          }),
          createdAt: at,
        })
        .execute();
    });
    ctx.progress?.('receipts', Math.min(i + CHUNK, payments.length), payments.length);
  }
  return {
    accounts: 1,
    deals: 1,
    contracts: 1,
    receipts: payments.length,
    orders: new Set(payments.map((p) => p.orderId)).size,
  };
}
