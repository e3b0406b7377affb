import type { Database } from '../../db/database';
import { defineRoute, etagOf, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { testAutomationRule } from './automation.dry-run';
import {
  createRuleInputSchema,
  listRulesQuerySchema,
  ruleDtoSchema,
  runsQuerySchema,
  testRuleInputSchema,
  updateRuleInputSchema,
} from './automation.schemas';
import {
  createAutomationRule,
  deleteAutomationRule,
  getAutomationRule,
  listAutomationRules,
  listAutomationRuns,
  updateAutomationRule,
} from './automation.service';

const IF_MATCH = { name: 'If-Match', required: true, description: 'The ETag of the version read ("v3")' };
const tags = ['automation'];

export function automationRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/automation-rules',
      summary:
        "The tenant's automation rules (admin, sales ops and managers read): search the name, filter by status and trigger, sort, limit/offset with total",
      tags,
      query: listRulesQuerySchema,
      handler: async ({ actor, query }) => listAutomationRules(database, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/automation-rules',
      summary: 'Create (or import from exported JSON) a rule; refused whole with every problem and its path',
      tags,
      body: createRuleInputSchema,
      status: 201,
      response: ruleDtoSchema,
      handler: async ({ actor, body, reply }) => {
        const rule = await createAutomationRule(database, actor, body);
        reply.header('ETag', etagOf(rule.version));
        reply.code(201);
        return rule;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/automation-rules/:id',
      summary: 'One rule (its JSON is the export format); the ETag carries its version',
      tags,
      params: idParamsSchema,
      response: ruleDtoSchema,
      handler: async ({ actor, params, reply }) => {
        const rule = await getAutomationRule(database, actor, params.id);
        reply.header('ETag', etagOf(rule.version));
        return rule;
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/automation-rules/:id',
      summary: 'Change a rule (If-Match required; 412 with the current rule when stale)',
      tags,
      params: idParamsSchema,
      body: updateRuleInputSchema,
      response: ruleDtoSchema,
      headers: [IF_MATCH],
      handler: async ({ actor, params, body, req, reply }) => {
        const rule = await updateAutomationRule(database, actor, params.id, versionFromIfMatch(req), body);
        reply.header('ETag', etagOf(rule.version));
        return rule;
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/automation-rules/:id',
      summary: 'Delete a rule (If-Match required); its run log stays',
      tags,
      params: idParamsSchema,
      headers: [IF_MATCH],
      handler: async ({ actor, params, req }) =>
        deleteAutomationRule(database, actor, params.id, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/automation-rules/:id/test',
      summary:
        'Dry run against one record: does the condition hold, what would each action do; nothing written',
      tags,
      params: idParamsSchema,
      body: testRuleInputSchema,
      handler: async ({ actor, params, body }) =>
        testAutomationRule(database, actor, params.id, body.recordId),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/automation-rules/:id/runs',
      summary: 'The run log of a rule, newest first: done, skipped, failed (with the error), loop_stopped',
      tags,
      params: idParamsSchema,
      query: runsQuerySchema,
      handler: async ({ actor, params, query }) => listAutomationRuns(database, actor, params.id, query),
    }),
  ];
}
