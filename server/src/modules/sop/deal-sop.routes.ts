import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, etagOf, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { getDealSop, moveDeal, setChecklistAction, submitForm } from './deal-sop.service';

const key = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/);

export function dealSopRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/deals/:id/sop',
      summary: "A deal's SOP panel: current stage, checklist, deliverable forms, and each next stage's gate",
      tags: ['sop'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getDealSop(database, actor, params.id),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/deals/:id/sop/checklist/:actionKey',
      summary: 'Mark a checklist action (关键动作) done or not done',
      tags: ['sop'],
      params: z.strictObject({ id: idParamsSchema.shape.id, actionKey: key }),
      body: z.strictObject({ done: z.boolean() }),
      handler: async ({ actor, params, body }) =>
        setChecklistAction(database, actor, params.id, params.actionKey, body.done),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/deals/:id/sop/forms/:formKey',
      summary: 'Submit a deliverable form (交付物), e.g. 客户初步沟通记录表',
      tags: ['sop'],
      params: z.strictObject({ id: idParamsSchema.shape.id, formKey: key }),
      body: z.strictObject({ values: z.record(z.string(), z.unknown()) }),
      handler: async ({ actor, params, body }) =>
        submitForm(database, actor, params.id, params.formKey, body.values),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/deals/:id/move',
      summary: 'Move a deal to another stage; refused with 422 listing every unmet gate item (If-Match)',
      tags: ['sop'],
      params: idParamsSchema,
      body: z.strictObject({ toStage: key, reason: z.string().max(100).nullable().optional() }),
      headers: [{ name: 'If-Match', required: true, description: 'The ETag of the deal version read' }],
      handler: async ({ actor, params, body, req, reply }) => {
        const r = await moveDeal(database, actor, params.id, versionFromIfMatch(req), body);
        reply.header('ETag', etagOf(r.version));
        return { ...(r.dto as object), version: r.version };
      },
    }),
  ];
}
