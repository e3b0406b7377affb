import type { Database } from '../../db/database';
import { defineRoute, type RouteSpec } from '../../http/route';
import { mergeInputSchema, mergeRecords } from './merge.service';

export function mergeRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/duplicates/merge',
      summary:
        'Merge two duplicate customers or leads, choosing per field; the loser is soft-deleted and linked',
      tags: ['duplicates'],
      body: mergeInputSchema,
      handler: async ({ actor, body }) => mergeRecords(database, actor, body),
    }),
  ];
}
