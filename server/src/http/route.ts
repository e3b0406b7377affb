import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { AppError } from '../shared/errors';
import { parseInput } from '../shared/validation';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteContext<B, Q, P> {
  actor: Actor;
  body: B;
  query: Q;
  params: P;
  req: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One route: method, path, zod schemas for what comes in, and a short handler that makes one
 * service call. The same spec registers the Fastify route and writes the OpenAPI document.
 */
export interface RouteSpec<B = any, Q = any, P = any> {
  method: HttpMethod;
  url: string;
  summary: string;
  tags: string[];
  /** Reachable without signing in (login, health). */
  public?: boolean;
  body?: z.ZodType<B>;
  /**
   * A JSON body the handler validates itself (the route also takes raw bodies, `rawBodyTypes`):
   * documented, not checked before the handler.
   */
  documentedBody?: z.ZodType;
  /** Raw (non-JSON) content types the route accepts as its body, for the document. */
  rawBodyTypes?: string[];
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Success status and the shape of its body, for the OpenAPI document. */
  status?: number;
  response?: z.ZodType;
  /** Extra request headers the route reads (If-Match, Idempotency-Key), for the document. */
  headers?: Array<{ name: string; required: boolean; description: string }>;
  handler(ctx: RouteContext<B, Q, P>): Promise<unknown>;
}

export function defineRoute<B = undefined, Q = undefined, P = undefined>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec<B, Q, P> {
  return spec;
}

export const idParamsSchema = z.strictObject({ id: z.string().min(1).max(64) });

export function registerRoutes(app: FastifyInstance, specs: RouteSpec[]): void {
  for (const spec of specs) {
    app.route({
      method: spec.method,
      url: spec.url,
      config: { public: !!spec.public },
      handler: async (req, reply) => {
        const actor = req.actor;
        if (!spec.public && !actor) throw new AppError('UNAUTHENTICATED');
        const params = spec.params ? parseInput(spec.params, req.params) : undefined;
        const query = spec.query ? parseInput(spec.query, req.query ?? {}) : undefined;
        let body: unknown;
        if (spec.body) {
          if (req.body === undefined || req.body === null) {
            throw new AppError('VALIDATION_FAILED', {
              field: 'body',
              issues: [{ field: 'body', code: 'required' }],
            });
          }
          body = parseInput(spec.body, req.body);
        }
        const result = await spec.handler({
          actor: actor as Actor,
          body,
          query,
          params,
          req,
          reply,
        } as RouteContext<any, any, any>);
        if (reply.sent) return;
        if (result === undefined) return reply.code(spec.status ?? 204).send();
        return reply.code(reply.statusCode !== 200 ? reply.statusCode : (spec.status ?? 200)).send(result);
      },
    });
  }
}

/** `"v7"` (quotes and W/ optional) → 7; anything else → undefined, which answers 428. */
export function versionFromIfMatch(req: FastifyRequest): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined) return undefined;
  const m = String(header)
    .trim()
    .match(/^(?:W\/)?"?v?(\d+)"?$/);
  if (!m)
    throw new AppError('VALIDATION_FAILED', {
      field: 'If-Match',
      issues: [{ field: 'If-Match', code: 'invalid' }],
    });
  return Number(m[1]);
}

export function etagOf(version: number): string {
  return `"v${version}"`;
}

export function idempotencyFrom(req: FastifyRequest): { key: string; fingerprint: string } | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  const k = String(key);
  if (!k || k.length > 200) {
    throw new AppError('VALIDATION_FAILED', {
      field: 'Idempotency-Key',
      issues: [{ field: 'Idempotency-Key', code: 'too_long', params: { max: 200 } }],
    });
  }
  const fingerprint = createHash('sha256')
    .update(`${req.method} ${req.url.split('?')[0]}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
  return { key: k, fingerprint };
}
