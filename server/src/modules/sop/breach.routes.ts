import { z } from 'zod';
import { scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { AppError } from '../../shared/errors';
import { appendAuditEvent } from '../audit/audit.repository';

export function breachRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/breaches',
      summary:
        'SLA breaches (超时) the caller can see; `unexplained=true` for those still waiting for a reason',
      tags: ['sop'],
      query: z.strictObject({
        unexplained: z.enum(['true', 'false']).optional(),
        recordId: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      handler: async ({ actor, query }) => {
        let q = scopeQuery(db.selectFrom('sopBreaches').selectAll(), actor, 'sopBreaches');
        if (query.unexplained === 'true') q = q.where('reason', 'is', null);
        if (query.recordId) q = q.where('recordId', '=', query.recordId);
        return {
          items: await q.orderBy('breachedAt', 'desc').orderBy('id', 'desc').limit(query.limit).execute(),
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/breaches/:id/reason',
      summary: 'Give the deviation reason (偏差原因) for a breach: its owner or their manager',
      tags: ['sop'],
      params: idParamsSchema,
      body: z.strictObject({ reason: z.string().trim().min(1).max(1000) }),
      handler: async ({ actor, params, body }) =>
        db.transaction().execute(async (trx) => {
          const breach = await scopeQuery(trx.selectFrom('sopBreaches').selectAll(), actor, 'sopBreaches')
            .where('sopBreaches.id', '=', params.id)
            .executeTakeFirst();
          if (!breach) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'record' } });
          if (
            actor.writableOwners !== 'all' &&
            !(breach.ownerId && actor.writableOwners.has(breach.ownerId))
          ) {
            throw new AppError('FORBIDDEN');
          }
          const at = new Date().toISOString();
          await trx
            .updateTable('sopBreaches')
            .set((eb) => ({
              reason: body.reason,
              reasonBy: actor.userId,
              reasonAt: at,
              version: eb('version', '+', 1),
            }))
            .where('id', '=', breach.id)
            .execute();
          await appendAuditEvent(trx, {
            tenantId: actor.tenantId,
            actorId: actor.userId,
            entity: breach.recordType,
            entityId: breach.recordId,
            action: 'update',
            changes: {
              before: { breachReason: breach.reason },
              after: { breachReason: body.reason },
              note: `breach ${breach.id}`,
            },
            at,
          });
          return { ...breach, reason: body.reason, reasonBy: actor.userId, reasonAt: at };
        }),
    }),
  ];
}
