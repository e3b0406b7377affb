import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { createPriceList, listPriceListItems, listPriceLists, setPriceListItems } from './price-list.service';
import {
  createQuoteInputSchema,
  listPriceListsQuerySchema,
  listQuotesQuerySchema,
  priceListInputSchema,
  priceListItemsInputSchema,
  reviseQuoteInputSchema,
} from './quote.schemas';
import {
  changeQuoteStatus,
  createQuote,
  diffQuote,
  getQuote,
  listQuotes,
  listQuoteVersions,
  reviseQuote,
  submitQuote,
} from './quote.service';

const IF_MATCH = [{ name: 'If-Match', required: true, description: 'The quote version read, e.g. "v3"' }];

export function quoteRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/quotes',
      summary: 'Quotes (报价单) the caller can see; filter by deal, customer, status; search number or title',
      tags: ['quotes'],
      query: listQuotesQuerySchema,
      handler: async ({ actor, query }) => listQuotes(db, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/quotes',
      summary:
        'Create a quote from a deal: lines priced from the price list or product, totals with tax computed exactly (分), version 1',
      tags: ['quotes'],
      status: 201,
      body: createQuoteInputSchema,
      handler: async ({ actor, body }) => createQuote(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/quotes/:id',
      summary: 'A quote with its current version; cost and margin only for roles that may see cost',
      tags: ['quotes'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getQuote(db, actor, params.id),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/quotes/:id',
      summary: 'Revise a quote in negotiation: a new version (the earlier ones are kept); back to draft',
      tags: ['quotes'],
      params: idParamsSchema,
      body: reviseQuoteInputSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, body, req }) =>
        reviseQuote(database, actor, params.id, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/quotes/:id/versions',
      summary: 'Every version of a quote with its lines, terms and totals',
      tags: ['quotes'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => listQuoteVersions(db, actor, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/quotes/:id/diff',
      summary: 'What changed between two versions: lines added, removed, changed; terms changed',
      tags: ['quotes'],
      params: idParamsSchema,
      query: z.strictObject({
        from: z.coerce.number().int().min(1),
        to: z.coerce.number().int().min(1),
      }),
      handler: async ({ actor, params, query }) => diffQuote(db, actor, params.id, query.from, query.to),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/quotes/:id/submit',
      summary: 'Submit the current version for approval; the authority matrix picks the chain',
      tags: ['quotes'],
      params: idParamsSchema,
      headers: IF_MATCH,
      handler: async ({ actor, params, req }) =>
        submitQuote(database, actor, params.id, versionFromIfMatch(req)),
    }),
    ...(['send', 'accept', 'decline'] as const).map((action) =>
      defineRoute({
        method: 'POST',
        url: `/api/quotes/:id/${action}`,
        summary: {
          send: 'Mark an approved quote as sent to the customer',
          accept: 'Record the customer’s acceptance (locks the quote; refused after its validity)',
          decline: 'Record the customer’s refusal, with a reason',
        }[action],
        tags: ['quotes'],
        params: idParamsSchema,
        body: z.strictObject({ reason: z.string().trim().max(1000).nullable().optional() }).optional(),
        headers: IF_MATCH,
        handler: async ({ actor, params, body, req }) =>
          changeQuoteStatus(database, actor, params.id, action, {
            reason: body?.reason,
            expectedVersion: versionFromIfMatch(req),
          }),
      }),
    ),
    defineRoute({
      method: 'GET',
      url: '/api/price-lists',
      summary:
        'Price lists (价格表) per channel: search the name, filter status and channel, sort, limit/offset with total',
      tags: ['quotes'],
      query: listPriceListsQuerySchema,
      handler: async ({ actor, query }) => listPriceLists(database, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/price-lists',
      summary: 'Create a price list (admin, sales ops)',
      tags: ['quotes'],
      status: 201,
      body: priceListInputSchema,
      handler: async ({ actor, body }) => createPriceList(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/price-lists/:id/items',
      summary: 'Prices on a list',
      tags: ['quotes'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => listPriceListItems(database, actor, params.id),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/price-lists/:id/items',
      summary: 'Set product prices on a list (admin, sales ops); all or nothing',
      tags: ['quotes'],
      params: idParamsSchema,
      body: priceListItemsInputSchema,
      handler: async ({ actor, params, body }) => setPriceListItems(database, actor, params.id, body),
    }),
  ];
}
