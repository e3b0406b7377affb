import { z } from 'zod';
import { ROLE_POLICIES } from '../../auth/roles';
import type { Database } from '../../db/database';
import {
  defineRoute,
  etagOf,
  idempotencyFrom,
  idParamsSchema,
  type RouteSpec,
  versionFromIfMatch,
} from '../../http/route';
import { AppError } from '../../shared/errors';
import type { ListParams } from './record.repository';
import {
  createRecord,
  deleteRecord,
  getRecordOrThrow,
  listRecords,
  recordHistory,
  restoreRecord,
  transferRecord,
  updateRecord,
} from './record.service';
import type { RecordDefinition } from './record-definition';

const isoTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** Times are stored as UTC ISO strings: a bound with an offset (or a bare date) is compared as one. */
const utcIso = (v: string | undefined) => (v ? new Date(v).toISOString() : undefined);

export function listQuerySchema(def: RecordDefinition) {
  const sortKeys = Object.keys(def.sortable);
  const filterShape: Record<string, z.ZodOptional<z.ZodString>> = {};
  for (const key of Object.keys(def.filters)) filterShape[key] = z.string().min(1).max(2000).optional();
  const rangeShape: Record<string, z.ZodOptional<typeof isoTime>> = {};
  for (const key of Object.keys(def.ranges ?? {})) {
    rangeShape[`${key}From`] = isoTime.optional();
    rangeShape[`${key}To`] = isoTime.optional();
  }
  return z.strictObject({
    q: z.string().max(100).optional(),
    sort: z
      .enum([...sortKeys, ...sortKeys.map((k) => `-${k}`)] as [string, ...string[]])
      .default(def.defaultSort),
    cursor: z.string().max(1000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    includeTotal: z.enum(['true', 'false', '1', '0']).optional(),
    includeDeleted: z.enum(['true', 'false', '1', '0']).optional(),
    createdFrom: isoTime.optional(),
    createdTo: isoTime.optional(),
    // Entities with a public pool: with it (default), without it, or only the pool (公海).
    ...(def.scope.poolReadable ? { pool: z.enum(['include', 'exclude', 'only']).default('include') } : {}),
    ...filterShape,
    ...rangeShape,
  });
}

const historyQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const writeQuerySchema = z.strictObject({ allowDuplicate: z.enum(['true', 'false']).optional() });

const transferSchema = z.strictObject({
  toOwnerId: z.string().min(1).max(64).nullable(),
  reason: z.string().trim().max(500).optional(),
});

const IF_MATCH = { name: 'If-Match', required: true, description: 'The ETag of the version read ("v3")' };
const IDEMPOTENCY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Retry-safe create: same key, same result',
};

const truthy = (v: string | undefined) => v === 'true' || v === '1';

/** The CRUD routes every record area gets: list, create, read, update, delete, restore, transfer, history. */
export function recordRoutes(database: Database, def: RecordDefinition): RouteSpec[] {
  const base = `/api/${def.path}`;
  const tags = [def.tag];
  const withVersion = (r: { dto: unknown; version: number }) => ({
    ...(r.dto as object),
    version: r.version,
  });
  const allowDuplicate = (actor: { role: keyof typeof ROLE_POLICIES }, flag: string | undefined) => {
    if (flag !== 'true') return false;
    // Only those who can reassign customers may knowingly create a duplicate.
    if (!ROLE_POLICIES[actor.role].transfers) throw new AppError('FORBIDDEN', { field: 'allowDuplicate' });
    return true;
  };
  const filterKeys = Object.keys(def.filters);

  const routes: RouteSpec[] = [
    defineRoute({
      method: 'GET',
      url: base,
      summary: `List ${def.path} (cursor pagination, sort, filters, pinyin search)`,
      tags,
      query: listQuerySchema(def),
      handler: async ({ actor, query }) => {
        const q = query as Record<string, string | undefined> & { limit: number; sort: string };
        const filters: Record<string, string[]> = {};
        for (const key of filterKeys) {
          const v = q[key];
          if (v)
            filters[key] = v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
        }
        return listRecords(database.db, def, actor, {
          q: q.q,
          sort: q.sort,
          cursor: q.cursor,
          limit: q.limit,
          includeTotal: truthy(q.includeTotal),
          includeDeleted: truthy(q.includeDeleted),
          createdFrom: utcIso(q.createdFrom),
          createdTo: utcIso(q.createdTo),
          pool: q.pool as ListParams['pool'],
          filters,
          ranges: Object.fromEntries(
            Object.keys(def.ranges ?? {}).map((key) => [
              key,
              { from: utcIso(q[`${key}From`]), to: utcIso(q[`${key}To`]) },
            ]),
          ),
        });
      },
    }),
    defineRoute({
      method: 'POST',
      url: base,
      summary: `Create a ${def.entity}`,
      tags,
      body: def.createSchema,
      query: writeQuerySchema,
      status: 201,
      response: def.dtoSchema,
      headers: [IDEMPOTENCY],
      handler: async ({ actor, body, query, req, reply }) => {
        const r = await createRecord(database, def, actor, body as Record<string, unknown>, {
          idempotency: idempotencyFrom(req),
          allowDuplicate: allowDuplicate(actor, query.allowDuplicate),
        });
        reply.header('ETag', etagOf(r.version));
        if (r.replayed) reply.header('Idempotent-Replayed', 'true');
        reply.code(201);
        return withVersion(r);
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${base}/:id`,
      summary: `Read a ${def.entity}; the ETag header carries its version`,
      tags,
      params: idParamsSchema,
      response: def.dtoSchema,
      handler: async ({ actor, params, reply }) => {
        const r = await getRecordOrThrow(database.db, def, actor, params.id);
        reply.header('ETag', etagOf(r.version));
        return withVersion(r);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: `${base}/:id`,
      summary: `Update a ${def.entity} (If-Match required; 412 with the current record when stale)`,
      tags,
      params: idParamsSchema,
      body: def.updateSchema,
      query: writeQuerySchema,
      response: def.dtoSchema,
      headers: [IF_MATCH],
      handler: async ({ actor, params, body, query, req, reply }) => {
        const r = await updateRecord(
          database,
          def,
          actor,
          params.id,
          versionFromIfMatch(req),
          body as Record<string, unknown>,
          {
            allowDuplicate: allowDuplicate(actor, query.allowDuplicate),
          },
        );
        reply.header('ETag', etagOf(r.version));
        return withVersion(r);
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: `${base}/:id`,
      summary: `Delete a ${def.entity} (soft: it can be restored)`,
      tags,
      params: idParamsSchema,
      headers: [IF_MATCH],
      handler: async ({ actor, params, req, reply }) => {
        const r = await deleteRecord(database, def, actor, params.id, versionFromIfMatch(req));
        reply.header('ETag', etagOf(r.version));
        return withVersion(r);
      },
    }),
    defineRoute({
      method: 'POST',
      url: `${base}/:id/restore`,
      summary: `Restore a deleted ${def.entity}`,
      tags,
      params: idParamsSchema,
      headers: [IF_MATCH],
      handler: async ({ actor, params, req, reply }) => {
        const r = await restoreRecord(database, def, actor, params.id, versionFromIfMatch(req));
        reply.header('ETag', etagOf(r.version));
        return withVersion(r);
      },
    }),
    defineRoute({
      method: 'GET',
      url: `${base}/:id/history`,
      summary: `Audit history of a ${def.entity}: who changed what, when (newest first, limit/offset with total), and owner transfers`,
      tags,
      params: idParamsSchema,
      query: historyQuerySchema,
      handler: async ({ actor, params, query }) => recordHistory(database.db, def, actor, params.id, query),
    }),
  ];
  if (def.owned) {
    routes.push(
      defineRoute({
        method: 'POST',
        url: `${base}/:id/transfer`,
        summary: `Transfer a ${def.entity} to another owner (kept in its history)`,
        tags,
        params: idParamsSchema,
        body: transferSchema,
        headers: [IF_MATCH],
        handler: async ({ actor, params, body, req, reply }) => {
          const r = await transferRecord(database, def, actor, params.id, versionFromIfMatch(req), body);
          reply.header('ETag', etagOf(r.version));
          return withVersion(r);
        },
      }),
    );
  }
  return routes;
}
