import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/database';
import { AppError } from '../shared/errors';
import type { Actor } from './actor';
import { actorFromApiToken, actorFromSession } from './auth.service';

export const SESSION_COOKIE = 'salesops_sid';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    csrfToken?: string;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

/**
 * Resolves the actor of every /api request: a Bearer API token (integrations; no CSRF, since
 * browsers never send it by themselves) or the session cookie (the web app; every write must
 * echo the session's CSRF token in X-CSRF-Token).
 */
export function installSessionHook(app: FastifyInstance, database: Database): void {
  app.addHook('preHandler', async (req: FastifyRequest) => {
    if (!req.url.startsWith('/api/')) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const actor = await actorFromApiToken(database.db, auth.slice(7).trim());
      if (!actor) throw new AppError('UNAUTHENTICATED');
      req.actor = actor;
      return;
    }
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (!cookie) return;
    const found = await actorFromSession(database.db, cookie);
    if (!found) return;
    req.actor = found.actor;
    req.csrfToken = found.csrfToken;
    const isPublic = req.routeOptions.config?.public === true;
    if (!SAFE_METHODS.has(req.method) && !isPublic && req.headers['x-csrf-token'] !== found.csrfToken) {
      throw new AppError('CSRF_TOKEN_INVALID', { field: 'X-CSRF-Token' });
    }
  });
}
