import { z } from 'zod';
import { hashPassword } from '../../auth/password';
import { ROLE_POLICIES, ROLES } from '../../auth/roles';
import type { Database } from '../../db/database';
import { defineRoute, etagOf, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { containsText } from '../../shared/contains-text';
import { isUniqueViolation } from '../../shared/db-errors';
import { AppError } from '../../shared/errors';
import { newId } from '../../shared/ids';
import { offsetPage } from '../../shared/offset-page';
import { buildSearchText } from '../../shared/search-text';
import { appendAuditEvent, diffRows } from '../audit/audit.repository';
import { idRef, mobileField, requiredText } from '../records/fields';

const USER_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'orgUnitId',
  'mobile',
  'status',
  'locale',
  'version',
  'createdAt',
] as const;

const createUserSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .max(254)
    .pipe(z.email())
    .transform((s) => s.toLowerCase()),
  name: requiredText(100),
  password: z.string().min(8).max(200),
  role: z.enum(ROLES),
  orgUnitId: idRef.nullable().optional(),
  mobile: mobileField,
  locale: z.enum(['zh-CN', 'en-US']).default('zh-CN'),
});
const updateUserSchema = z
  .strictObject({
    name: requiredText(100),
    role: z.enum(ROLES),
    orgUnitId: idRef.nullable(),
    mobile: mobileField,
    status: z.enum(['active', 'disabled']),
    locale: z.enum(['zh-CN', 'en-US']),
    password: z.string().min(8).max(200),
  })
  .partial();
const USER_SORTS = ['name', 'email', 'role', 'status', 'createdAt'] as const;
const listUsersSchema = z.strictObject({
  /** Part of the name or e-mail (case-insensitive; pinyin of Chinese names too). */
  q: z.string().trim().max(100).optional(),
  role: z.enum(ROLES).optional(),
  orgUnitId: idRef.optional(),
  status: z.enum(['active', 'disabled']).optional(),
  sort: z
    .enum([...USER_SORTS, ...USER_SORTS.map((k) => `-${k}` as const)] as [string, ...string[]])
    .default('name'),
  // Owner pickers take up to 500 active users in one go.
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const ORG_KINDS = ['company', 'region', 'team', 'product', 'customer_type', 'other'] as const;
const createUnitSchema = z.strictObject({
  name: requiredText(100),
  kind: z.enum(ORG_KINDS),
  parentId: idRef.nullable().optional(),
  managerId: idRef.nullable().optional(),
});
const updateUnitSchema = createUnitSchema.partial();

export function orgRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  const requireAdmin = (role: keyof typeof ROLE_POLICIES) => {
    if (!ROLE_POLICIES[role].administers) throw new AppError('FORBIDDEN');
  };
  const checkUnit = async (tenantId: string, id: string | null | undefined, field: string) => {
    if (!id) return;
    const unit = await db
      .selectFrom('orgUnits')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!unit) throw new AppError('REFERENCE_NOT_FOUND', { field, params: { entity: 'orgUnit', field } });
  };
  const checkUser = async (tenantId: string, id: string | null | undefined, field: string) => {
    if (!id) return;
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('tenantId', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!user) throw new AppError('REFERENCE_NOT_FOUND', { field, params: { entity: 'user', field } });
  };

  return [
    defineRoute({
      method: 'GET',
      url: '/api/users',
      summary:
        "The tenant's users (also the owner pickers): search name or e-mail (pinyin too), filter role, status, org unit, sort, limit/offset with total",
      tags: ['org'],
      query: listUsersSchema,
      handler: async ({ actor, query }) => {
        let q = db.selectFrom('users').where('tenantId', '=', actor.tenantId);
        if (query.q) q = q.where(containsText('users.searchText', query.q));
        if (query.role) q = q.where('role', '=', query.role);
        if (query.orgUnitId) q = q.where('orgUnitId', '=', query.orgUnitId);
        if (query.status) q = q.where('status', '=', query.status);
        const {
          rows: items,
          total,
          hasMore,
        } = await offsetPage(q, {
          ...query,
          select: (s) => s.select([...USER_COLUMNS]),
        });
        return { items, total, hasMore };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/users',
      summary: 'Add a user (admin)',
      tags: ['org'],
      body: createUserSchema,
      status: 201,
      handler: async ({ actor, body }) => {
        requireAdmin(actor.role);
        await checkUnit(actor.tenantId, body.orgUnitId, 'orgUnitId');
        const now = new Date().toISOString();
        const { password, ...rest } = body;
        const row = {
          id: newId('usr'),
          tenantId: actor.tenantId,
          ...rest,
          orgUnitId: rest.orgUnitId ?? null,
          mobile: rest.mobile ?? null,
          searchText: buildSearchText([rest.name, rest.email]),
          passwordHash: await hashPassword(password),
          status: 'active',
          createdAt: now,
          updatedAt: now,
        };
        try {
          await db.transaction().execute(async (trx) => {
            await trx.insertInto('users').values(row).execute();
            await appendAuditEvent(trx, {
              tenantId: actor.tenantId,
              actorId: actor.userId,
              entity: 'user',
              entityId: row.id,
              action: 'create',
              changes: {
                after: { email: row.email, name: row.name, role: row.role, orgUnitId: row.orgUnitId },
              },
              at: now,
            });
          });
        } catch (err) {
          if (isUniqueViolation(err))
            throw new AppError('ALREADY_EXISTS', { field: 'email', params: { field: 'email' } });
          throw err;
        }
        const { passwordHash: _h, searchText: _s, tenantId: _t, ...dto } = row;
        return { ...dto, version: 1 };
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/users/:id',
      summary: 'Change a user: role, unit, status, password (admin; If-Match)',
      tags: ['org'],
      params: idParamsSchema,
      body: updateUserSchema,
      handler: async ({ actor, params, body, req, reply }) => {
        requireAdmin(actor.role);
        const expected = versionFromIfMatch(req);
        await checkUnit(actor.tenantId, body.orgUnitId, 'orgUnitId');
        return db.transaction().execute(async (trx) => {
          const existing = await trx
            .selectFrom('users')
            .selectAll()
            .where('tenantId', '=', actor.tenantId)
            .where('id', '=', params.id)
            .executeTakeFirst();
          if (!existing) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'user' } });
          if (expected === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
          if (existing.version !== expected) throw new AppError('VERSION_MISMATCH', { field: 'If-Match' });
          const { password, ...rest } = body;
          const now = new Date().toISOString();
          const patch: Record<string, unknown> = { ...rest, updatedAt: now, version: existing.version + 1 };
          if (rest.name) patch.searchText = buildSearchText([rest.name, existing.email]);
          if (password) patch.passwordHash = await hashPassword(password);
          await trx.updateTable('users').set(patch).where('id', '=', params.id).execute();
          if (rest.status === 'disabled')
            await trx.deleteFrom('sessions').where('userId', '=', params.id).execute();
          const diff = diffRows(
            existing,
            { ...existing, ...rest },
            new Set(['passwordHash', 'searchText', 'updatedAt', 'version']),
          );
          await appendAuditEvent(trx, {
            tenantId: actor.tenantId,
            actorId: actor.userId,
            entity: 'user',
            entityId: params.id,
            action: 'update',
            changes: { ...(diff ?? {}), ...(password ? { note: 'password changed' } : {}) },
            at: now,
          });
          const after = await trx
            .selectFrom('users')
            .select([...USER_COLUMNS])
            .where('id', '=', params.id)
            .executeTakeFirstOrThrow();
          reply.header('ETag', etagOf(after.version));
          return after;
        });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/org-units',
      summary: 'The org tree (region → team) as a flat list with parents and managers',
      tags: ['org'],
      handler: async ({ actor }) => ({
        items: await db
          .selectFrom('orgUnits')
          .leftJoin('users', 'users.id', 'orgUnits.managerId')
          .select([
            'orgUnits.id',
            'orgUnits.name',
            'orgUnits.kind',
            'orgUnits.parentId',
            'orgUnits.managerId',
            'users.name as managerName',
            'orgUnits.version',
          ])
          .where('orgUnits.tenantId', '=', actor.tenantId)
          .orderBy('orgUnits.name')
          .execute(),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/org-units',
      summary: 'Add an org unit (admin)',
      tags: ['org'],
      body: createUnitSchema,
      status: 201,
      handler: async ({ actor, body }) => {
        requireAdmin(actor.role);
        await checkUnit(actor.tenantId, body.parentId, 'parentId');
        await checkUser(actor.tenantId, body.managerId, 'managerId');
        const now = new Date().toISOString();
        const row = {
          id: newId('ou'),
          tenantId: actor.tenantId,
          name: body.name,
          kind: body.kind,
          parentId: body.parentId ?? null,
          managerId: body.managerId ?? null,
          createdAt: now,
          updatedAt: now,
        };
        await db.transaction().execute(async (trx) => {
          await trx.insertInto('orgUnits').values(row).execute();
          await appendAuditEvent(trx, {
            tenantId: actor.tenantId,
            actorId: actor.userId,
            entity: 'orgUnit',
            entityId: row.id,
            action: 'create',
            changes: { after: body },
            at: now,
          });
        });
        return { ...row, version: 1 };
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/org-units/:id',
      summary: 'Rename, move or re-manage an org unit (admin; If-Match)',
      tags: ['org'],
      params: idParamsSchema,
      body: updateUnitSchema,
      handler: async ({ actor, params, body, req }) => {
        requireAdmin(actor.role);
        const expected = versionFromIfMatch(req);
        await checkUnit(actor.tenantId, body.parentId, 'parentId');
        await checkUser(actor.tenantId, body.managerId, 'managerId');
        return db.transaction().execute(async (trx) => {
          const units = await trx
            .selectFrom('orgUnits')
            .selectAll()
            .where('tenantId', '=', actor.tenantId)
            .execute();
          const existing = units.find((u) => u.id === params.id);
          if (!existing) throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'orgUnit' } });
          if (expected === undefined) throw new AppError('PRECONDITION_REQUIRED', { field: 'If-Match' });
          if (existing.version !== expected) throw new AppError('VERSION_MISMATCH', { field: 'If-Match' });
          // A unit cannot move under itself or its own descendants.
          let cursor = body.parentId ?? null;
          while (cursor) {
            if (cursor === params.id) {
              throw new AppError('VALIDATION_FAILED', {
                field: 'parentId',
                issues: [{ field: 'parentId', code: 'invalid' }],
              });
            }
            cursor = units.find((u) => u.id === cursor)?.parentId ?? null;
          }
          const now = new Date().toISOString();
          await trx
            .updateTable('orgUnits')
            .set({ ...body, updatedAt: now, version: existing.version + 1 })
            .where('id', '=', params.id)
            .execute();
          await appendAuditEvent(trx, {
            tenantId: actor.tenantId,
            actorId: actor.userId,
            entity: 'orgUnit',
            entityId: params.id,
            action: 'update',
            changes: diffRows(existing, { ...existing, ...body }, new Set(['updatedAt', 'version'])) ?? {},
            at: now,
          });
          return { ...existing, ...body, version: existing.version + 1 };
        });
      },
    }),
  ];
}
