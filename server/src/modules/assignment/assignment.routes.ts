import type { Database } from '../../db/database';
import { defineRoute, etagOf, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import {
  assignmentRuleInputSchema,
  releaseInputSchema,
  routeLeadsInputSchema,
  salesPolicyInputSchema,
  updateAssignmentRuleSchema,
} from './assignment.schemas';
import {
  assertManagesPolicy,
  createRule,
  deleteRule,
  getSalesPolicy,
  routePoolLeads,
  ruleToDto,
  saveSalesPolicy,
  updateRule,
} from './assignment.service';
import { claimFromPool, releaseToPool } from './pool.service';

const IF_MATCH = { name: 'If-Match', required: true, description: 'The ETag of the version read' };

export function assignmentRoutes(database: Database): RouteSpec[] {
  const { db } = database;
  const poolRoutes = (['lead', 'account'] as const).flatMap((entity) => {
    const base = `/api/${entity}s/:id`;
    return [
      defineRoute({
        method: 'POST',
        url: `${base}/claim`,
        summary: `Claim a ${entity} from the public pool (公海领取), within the daily quota and customer cap`,
        tags: ['pool'],
        params: idParamsSchema,
        handler: async ({ actor, params }) => claimFromPool(database, actor, entity, params.id),
      }),
      defineRoute({
        method: 'POST',
        url: `${base}/release`,
        summary: `Give a ${entity} back to the public pool (退回公海) with a reason`,
        tags: ['pool'],
        params: idParamsSchema,
        body: releaseInputSchema,
        handler: async ({ actor, params, body }) =>
          releaseToPool(database, actor, entity, params.id, body.reason),
      }),
    ];
  });

  return [
    ...poolRoutes,
    defineRoute({
      method: 'GET',
      url: '/api/sales-policy',
      summary: "The tenant's pool and assignment policy (recycle days, claim quota, customer cap)",
      tags: ['pool'],
      handler: async ({ actor, reply }) => {
        const policy = await getSalesPolicy(db, actor.tenantId);
        reply.header('ETag', etagOf(policy.version));
        return policy;
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/sales-policy',
      summary: 'Change the pool and assignment policy (admin, sales ops; If-Match, "v0" the first time)',
      tags: ['pool'],
      body: salesPolicyInputSchema,
      headers: [IF_MATCH],
      handler: async ({ actor, body, req, reply }) => {
        const policy = await saveSalesPolicy(database, actor, body, versionFromIfMatch(req));
        reply.header('ETag', etagOf(policy.version));
        return policy;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/assignment-rules',
      summary: 'Lead routing rules in priority order',
      tags: ['pool'],
      handler: async ({ actor }) => {
        assertManagesPolicy(actor);
        const rows = await db
          .selectFrom('assignmentRules')
          .selectAll()
          .where('tenantId', '=', actor.tenantId)
          .orderBy('priority')
          .orderBy('id')
          .execute();
        return { items: rows.map(ruleToDto) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/assignment-rules',
      summary:
        'Add a routing rule: conditions (grade, source, region, industry) → team or people, round robin or least loaded, load cap',
      tags: ['pool'],
      body: assignmentRuleInputSchema,
      status: 201,
      handler: async ({ actor, body, reply }) => {
        const rule = await createRule(database, actor, body);
        reply.code(201).header('ETag', etagOf(rule.version));
        return rule;
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/assignment-rules/:id',
      summary: 'Change a routing rule (If-Match)',
      tags: ['pool'],
      params: idParamsSchema,
      body: updateAssignmentRuleSchema,
      headers: [IF_MATCH],
      handler: async ({ actor, params, body, req, reply }) => {
        const rule = await updateRule(database, actor, params.id, versionFromIfMatch(req), body);
        reply.header('ETag', etagOf(rule.version));
        return rule;
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/assignment-rules/:id',
      summary: 'Remove a routing rule',
      tags: ['pool'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => {
        await deleteRule(database, actor, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/leads/route',
      summary: 'Route pool leads by the rules now (all of them, or the given ids)',
      tags: ['pool'],
      body: routeLeadsInputSchema.default({}),
      handler: async ({ actor, body }) => routePoolLeads(database, actor, body.leadIds),
    }),
  ];
}
