import { z } from 'zod';
import { scopeQuery } from '../../auth/visibility';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { AppError } from '../../shared/errors';
import { appendAuditEvent } from '../audit/audit.repository';
import { recordNames } from './record-names';

export function breachRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/breaches',
      summary:
        'SLA breaches (超时) the caller can see, newest first, with the record names and the total; `unexplained=true` for those still waiting for a reason',
      tags: ['sop'],
      query: z.strictObject({
        unexplained: z.enum(['true', 'false']).optional(),
        recordId: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
      handler: async ({ actor, query }) => {
        let q = scopeQuery(db.selectFrom('sopBreaches'), actor, 'sopBreaches');
        if (query.unexplained === 'true') q = q.where('reason', 'is', null);
        if (query.recordId) q = q.where('recordId', '=', query.recordId);
        const [rows, count] = await Promise.all([
          q
            .selectAll()
            .orderBy('breachedAt', 'desc')
            .orderBy('id', 'desc')
            .limit(query.limit)
            .offset(query.offset)
            .execute(),
          q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
        ]);
        const names = await recordNames(db, actor.tenantId, rows);
        return {
          items: rows.map((b) => ({ ...b, recordName: names.get(`${b.recordType}:${b.recordId}`) ?? null })),
          total: Number(count.n),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/clocks',
      summary:
        'SLA clocks (时限) still counting that the caller can see (running, warned, or breached while the stage lasts), the soonest due first, with the record names and the total',
      tags: ['sop'],
      query: z.strictObject({
        recordType: z.enum(['lead', 'deal', 'order']).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(20),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
      handler: async ({ actor, query }) => {
        // A breached clock keeps counting while its stage lasts (overdue by…); leaving the stage stops it.
        let q = scopeQuery(db.selectFrom('sopClocks'), actor, 'sopClocks')
          .where('status', 'in', ['running', 'warned', 'breached'])
          .where('stoppedAt', 'is', null);
        if (query.recordType) q = q.where('recordType', '=', query.recordType);
        const [rows, count] = await Promise.all([
          q
            .select([
              'id',
              'recordType',
              'recordId',
              'stageKey',
              'limitKey',
              'ownerId',
              'status',
              'startedAt',
              'warnAt',
              'dueAt',
              'stoppedAt',
            ])
            .orderBy('dueAt', 'asc')
            .orderBy('id', 'asc')
            .limit(query.limit)
            .offset(query.offset)
            .execute(),
          q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
        ]);
        const names = await recordNames(db, actor.tenantId, rows);
        return {
          items: rows.map((c) => ({ ...c, recordName: names.get(`${c.recordType}:${c.recordId}`) ?? null })),
          total: Number(count.n),
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
