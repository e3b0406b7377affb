import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { requiredText } from '../records/fields';
import { runRoutes } from '../sop/run.routes';
import {
  acceptanceInputSchema,
  createOrderInputSchema,
  handoffInputSchema,
  listOrdersQuerySchema,
  shipmentInputSchema,
} from './order.schemas';
import { cancelOrder, createOrder, getOrder, listOrders } from './order.service';
import { acceptShipment, addHandoff, addShipment, completeHandoff } from './order-fulfilment.service';

const ref = z.string().min(1).max(64);
const handoffParams = z.strictObject({ id: ref, handoffId: ref });
const shipmentParams = z.strictObject({ id: ref, shipmentId: ref });

export function orderRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/orders',
      summary: 'Sales orders (销售订单) the caller can see; filter by contract, customer, status',
      tags: ['orders'],
      query: listOrdersQuerySchema,
      handler: async ({ actor, query }) => listOrders(db, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orders',
      summary: 'Create the sales order of a signed contract (its signed lines); the order SOP run starts',
      tags: ['orders'],
      status: 201,
      body: createOrderInputSchema,
      handler: async ({ actor, body }) => createOrder(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/orders/:id',
      summary: 'An order with its lines (and what is left to ship), hand-offs and shipments',
      tags: ['orders'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getOrder(db, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orders/:id/handoffs',
      summary: 'Hand the order to production, procurement, QC or logistics: an owner and a due date',
      tags: ['orders'],
      status: 201,
      params: idParamsSchema,
      body: handoffInputSchema,
      handler: async ({ actor, params, body }) => addHandoff(database, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orders/:id/handoffs/:handoffId/done',
      summary: 'Mark a hand-off done (its assignee, delivery or the order’s owner side)',
      tags: ['orders'],
      params: handoffParams,
      handler: async ({ actor, params }) => completeHandoff(database, actor, params.id, params.handoffId),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orders/:id/shipments',
      summary:
        'Record a shipment: carrier, tracking number, quantities per line (none zero, none beyond what is left)',
      tags: ['orders'],
      status: 201,
      params: idParamsSchema,
      body: shipmentInputSchema,
      handler: async ({ actor, params, body }) => addShipment(database, actor, params.id, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orders/:id/shipments/:shipmentId/acceptance',
      summary: 'Record the customer’s 签收 or 验收 of a shipment, with the document and its scan',
      tags: ['orders'],
      params: shipmentParams,
      body: acceptanceInputSchema,
      handler: async ({ actor, params, body }) =>
        acceptShipment(database, actor, params.id, params.shipmentId, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orders/:id/cancel',
      summary: 'Cancel an order nothing of which has shipped, with a reason',
      tags: ['orders'],
      params: idParamsSchema,
      body: z.strictObject({ reason: requiredText(1000) }),
      headers: [{ name: 'If-Match', required: true, description: 'The order version read, e.g. "v3"' }],
      handler: async ({ actor, params, body, req }) =>
        cancelOrder(database, actor, params.id, body.reason, versionFromIfMatch(req)),
    }),
    // The order's SOP (订单执行 → 回款 → 售后): panel, checklist, forms and the gated move.
    ...runRoutes(database, { path: 'orders', recordType: 'order', noun: 'order', tag: 'orders' }),
  ];
}
