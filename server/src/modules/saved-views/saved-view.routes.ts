import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { createSavedViewInputSchema, savedViewQuerySchema, savedViewSchema } from './saved-view.schemas';
import { createSavedView, listSavedViews, removeSavedView } from './saved-view.service';

export function savedViewRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/saved-views',
      summary: "The signed-in user's saved views on one list (at most 50 per list), oldest first",
      tags: ['saved-views'],
      query: savedViewQuerySchema,
      handler: async ({ actor, query }) => listSavedViews(database, actor, query.entity),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/saved-views',
      summary: 'Save the current search, sort, scope and filters of a list under a name (409 if taken)',
      tags: ['saved-views'],
      body: createSavedViewInputSchema,
      status: 201,
      response: savedViewSchema,
      handler: async ({ actor, body }) => createSavedView(database, actor, body),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/saved-views/:id',
      summary: 'Delete one of your own saved views',
      tags: ['saved-views'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => removeSavedView(database, actor, params.id),
    }),
  ];
}
