import { z } from 'zod';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../http/route';
import { AppError } from '../shared/errors';
import { newId, randomToken } from '../shared/ids';
import { findUserById } from './auth.repository';
import { login, logout, sha256 } from './auth.service';
import { SESSION_COOKIE } from './session-hook';

const loginSchema = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(200),
});

const tokenCreateSchema = z.strictObject({ name: z.string().trim().min(1).max(100) });

export function authRoutes(database: Database, config: Config): RouteSpec[] {
  const { db } = database;
  const me = async (userId: string, csrfToken?: string) => {
    const u = await findUserById(db, userId);
    if (!u) throw new AppError('UNAUTHENTICATED');
    const tenant = await db
      .selectFrom('tenants')
      .select(['id', 'name', 'timeZone'])
      .where('id', '=', u.tenantId)
      .executeTakeFirst();
    return {
      user: {
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role,
        orgUnitId: u.orgUnitId,
        locale: u.locale,
      },
      tenant,
      csrfToken: csrfToken ?? null,
    };
  };
  return [
    defineRoute({
      method: 'POST',
      url: '/api/auth/login',
      summary: 'Sign in with e-mail and password; sets the session cookie',
      tags: ['auth'],
      public: true,
      body: loginSchema,
      handler: async ({ body, req, reply }) => {
        const s = await login(db, { ...body, ip: req.ip }, config.sessionTtlHours);
        reply.setCookie(SESSION_COOKIE, s.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: config.cookieSecure,
          expires: new Date(s.expiresAt),
        });
        return me(s.userId, s.csrfToken);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/logout',
      summary: 'Sign out: ends the session',
      tags: ['auth'],
      handler: async ({ req, reply }) => {
        const cookie = req.cookies?.[SESSION_COOKIE];
        if (cookie) await logout(db, cookie);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/me',
      summary: 'The signed-in user, tenant and CSRF token',
      tags: ['auth'],
      handler: async ({ actor, req }) => me(actor.userId, req.csrfToken),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/tokens',
      summary: "The caller's API tokens (never the secret)",
      tags: ['auth'],
      handler: async ({ actor }) => ({
        items: await db
          .selectFrom('apiTokens')
          .select(['id', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'])
          .where('tenantId', '=', actor.tenantId)
          .where('userId', '=', actor.userId)
          .orderBy('createdAt', 'desc')
          .execute(),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/tokens',
      summary: 'Create an API token for integrations; the secret is shown once',
      tags: ['auth'],
      body: tokenCreateSchema,
      status: 201,
      handler: async ({ actor, body }) => {
        const secret = `sop_${randomToken()}`;
        const row = {
          id: newId('tok'),
          tenantId: actor.tenantId,
          userId: actor.userId,
          name: body.name,
          tokenHash: sha256(secret),
          prefix: secret.slice(0, 8),
          createdAt: new Date().toISOString(),
          lastUsedAt: null,
          revokedAt: null,
        };
        await db.insertInto('apiTokens').values(row).execute();
        return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, token: secret };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/tokens/:id',
      summary: 'Revoke an API token',
      tags: ['auth'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => {
        const r = await db
          .updateTable('apiTokens')
          .set({ revokedAt: new Date().toISOString() })
          .where('id', '=', params.id)
          .where('tenantId', '=', actor.tenantId)
          .where('userId', '=', actor.userId)
          .where('revokedAt', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1)
          throw new AppError('RECORD_NOT_FOUND', { params: { entity: 'apiToken' } });
        return undefined;
      },
    }),
  ];
}
