import { z } from 'zod';
import type { RouteSpec } from './route';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', example: 'VALIDATION_FAILED' },
    message: { type: 'string', description: 'In zh-CN or en-US per Accept-Language' },
    field: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
      },
    },
    details: {},
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** The OpenAPI 3.1 document, written from the same route specs that Fastify serves. */
export function buildOpenApiDocument(specs: RouteSpec[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.url.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !!js.required?.includes(name),
          schema: s,
        });
      }
    }
    for (const h of spec.headers ?? []) {
      parameters.push({
        name: h.name,
        in: 'header',
        required: h.required,
        description: h.description,
        schema: { type: 'string' },
      });
    }
    const ok = String(spec.status ?? 200);
    const op: Record<string, unknown> = {
      summary: spec.summary,
      tags: spec.tags,
      parameters,
      responses: {
        [ok]: spec.response
          ? {
              description: 'OK',
              content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } },
            }
          : { description: 'OK' },
        '4XX': {
          description: 'Refused',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    if (spec.public) op.security = [];
    const bodySchema = spec.body ?? spec.documentedBody;
    if (bodySchema) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(bodySchema, 'input') } },
      };
    }
    if (spec.rawBodyTypes?.length) {
      const content = (op.requestBody as { content?: Record<string, unknown> } | undefined)?.content ?? {};
      for (const type of spec.rawBodyTypes) content[type] = { schema: { type: 'string', format: 'binary' } };
      op.requestBody = { required: true, content };
    }
    paths[path] ??= {};
    paths[path][spec.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'salesops API',
      version,
      description:
        'Sales operations: CRM core, SOP, quotes to cash. Money is in 分 (integer minor units); times are ISO-8601 UTC. ' +
        'Updates need If-Match with the ETag read; creates accept Idempotency-Key.',
    },
    servers: [{ url: '/' }],
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        cookie: { type: 'apiKey', in: 'cookie', name: 'salesops_sid' },
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (sop_…)' },
      },
    },
    security: [{ cookie: [] }, { bearer: [] }],
    paths,
  };
}
