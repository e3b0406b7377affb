import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { dealBoardColumn, dealBoardStages } from './deal-board.service';
import { createDraft, getPlaybookVersion, listPlaybooks, publishVersion } from './playbook.service';

const boardKey = z.string().regex(/^(_other|[a-z][a-z0-9_]{0,47})$/);

export function playbookRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/deal-board',
      summary: "The deal board's columns: the stages of the tenant's published deal playbook",
      tags: ['sop'],
      handler: async ({ actor }) => dealBoardStages(database, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/deal-board/deals',
      summary:
        'The deals the caller can see in one board column (their SOP stage, `_other` for stages the playbook lacks), newest in stage first',
      tags: ['sop'],
      query: z.strictObject({
        stage: boardKey,
        q: z.string().trim().max(100).optional(),
        ownerId: z.string().max(2000).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(30),
        offset: z.coerce.number().int().min(0).max(100_000).default(0),
      }),
      handler: async ({ actor, query }) => dealBoardColumn(database, actor, query),
    }),
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
