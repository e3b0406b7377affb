import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import {
  ageingQuerySchema,
  collectionQuerySchema,
  listReceiptsQuerySchema,
  receiptInputSchema,
} from './payment.schemas';
import { getPaymentPlan, listReceipts, recordReceipt } from './payment.service';
import { ageing, collection } from './receivables.service';

export function paymentRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/contracts/:id/payment-plan',
      summary:
        'The payment plan (回款计划): instalments with received, outstanding and overdue days; receipts',
      tags: ['payments'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getPaymentPlan(db, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/receipts',
      summary:
        'Receipts (回款记录) the caller can see: search reference, note, contract number or customer, filter method, sort, limit/offset with total',
      tags: ['payments'],
      query: listReceiptsQuerySchema,
      handler: async ({ actor, query }) => listReceipts(db, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/receipts',
      summary:
        'Record a receipt (finance, admin): matched to the named instalment, then oldest due first; more than is owed needs confirmOverpayment',
      tags: ['payments'],
      status: 201,
      body: receiptInputSchema,
      handler: async ({ actor, body }) => recordReceipt(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/receivables/ageing',
      summary:
        'Receivables ageing (账龄): not due, 0–30, 31–60, 61–90, 90+ days overdue, per customer, owner or team',
      tags: ['payments'],
      query: ageingQuerySchema,
      handler: async ({ actor, query }) => ageing(db, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/receivables/collection',
      summary:
        'Collection rate (回款率) and cycle (回款周期, amount-weighted days from due date to receipt) for instalments due in a period',
      tags: ['payments'],
      query: collectionQuerySchema,
      handler: async ({ actor, query }) => collection(db, actor, query),
    }),
  ];
}
