import { z } from 'zod';
import type { Database } from '../../db/database';
import { defineRoute, etagOf, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { getRunPanel, moveRecord, setRunChecklistAction, submitRunForm } from './run.service';
import type { RunRecordType } from './run-adapters';

const key = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/);

/** The SOP routes of one record type: panel, checklist, forms and the gated move. */
export function runRoutes(
  database: Database,
  opts: { path: string; recordType: RunRecordType; noun: string; tag?: string },
): RouteSpec[] {
  const { path, recordType, noun } = opts;
  const tags = [opts.tag ?? 'sop'];
  return [
    defineRoute({
      method: 'GET',
      url: `/api/${path}/:id/sop`,
      summary: `A ${noun}'s SOP panel: current stage, checklist, deliverable forms, and each next stage's gate`,
      tags,
      params: idParamsSchema,
      handler: async ({ actor, params }) => getRunPanel(database, actor, recordType, params.id),
    }),
    defineRoute({
      method: 'PUT',
      url: `/api/${path}/:id/sop/checklist/:actionKey`,
      summary: `Mark a checklist action (关键动作) of a ${noun} done or not done`,
      tags,
      params: z.strictObject({ id: idParamsSchema.shape.id, actionKey: key }),
      body: z.strictObject({ done: z.boolean() }),
      handler: async ({ actor, params, body }) =>
        setRunChecklistAction(database, actor, recordType, params.id, params.actionKey, body.done),
    }),
    defineRoute({
      method: 'PUT',
      url: `/api/${path}/:id/sop/forms/:formKey`,
      summary: `Submit a deliverable form (交付物) of a ${noun}, e.g. 客户初步沟通记录表`,
      tags,
      params: z.strictObject({ id: idParamsSchema.shape.id, formKey: key }),
      body: z.strictObject({ values: z.record(z.string(), z.unknown()) }),
      handler: async ({ actor, params, body }) =>
        submitRunForm(database, actor, recordType, params.id, params.formKey, body.values),
    }),
    defineRoute({
      method: 'POST',
      url: `/api/${path}/:id/move`,
      summary: `Move a ${noun} to another stage; refused with 422 listing every unmet gate item (If-Match)`,
      tags,
      params: idParamsSchema,
      body: z.strictObject({ toStage: key, reason: z.string().max(100).nullable().optional() }),
      headers: [{ name: 'If-Match', required: true, description: `The ETag of the ${noun} version read` }],
      handler: async ({ actor, params, body, req, reply }) => {
        const r = await moveRecord(database, actor, recordType, params.id, versionFromIfMatch(req), body);
        reply.header('ETag', etagOf(r.version));
        return { ...(r.dto as object), version: r.version };
      },
    }),
  ];
}

export const leadSopRoutes = (database: Database) =>
  runRoutes(database, { path: 'leads', recordType: 'lead', noun: 'lead' });
