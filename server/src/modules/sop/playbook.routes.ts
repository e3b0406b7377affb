import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { createDraft, getPlaybookVersion, listPlaybooks, publishVersion } from './playbook.service';

export function playbookRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/playbooks',
      summary: "The tenant's playbooks (SOP) with their versions",
      tags: ['sop'],
      handler: async ({ actor }) => listPlaybooks(database, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/playbook-versions/:id',
      summary: 'One playbook version, as JSON and as YAML (export)',
      tags: ['sop'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getPlaybookVersion(database, actor, params.id),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/playbooks/:id/versions',
      summary:
        'Add a draft version from YAML or JSON (import); refused whole with every problem and its path',
      tags: ['sop'],
      params: idParamsSchema,
      body: z
        .strictObject({
          yaml: z.string().max(500_000).optional(),
          definition: z.unknown().optional(),
          notes: z.string().max(1000).optional(),
        })
        .refine((b) => b.yaml !== undefined || b.definition !== undefined, {
          path: ['yaml'],
          params: { issue: 'required' },
        }),
      status: 201,
      handler: async ({ actor, params, body, reply }) => {
        reply.code(201);
        return createDraft(database, actor, params.id, body);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/playbook-versions/:id/publish',
      summary: 'Publish a draft; open records stay on their version or move, with a stage mapping',
      tags: ['sop'],
      params: idParamsSchema,
      body: z.strictObject({
        openRecords: z.enum(['stay', 'move']),
        stageMapping: z.record(z.string().max(48), z.string().max(48)).optional(),
      }),
      handler: async ({ actor, params, body }) => publishVersion(database, actor, params.id, body),
    }),
  ];
}
