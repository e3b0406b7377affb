import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec, versionFromIfMatch } from '../../http/route';
import {
  attainmentQuerySchema,
  createTargetInputSchema,
  decomposeInputSchema,
  listTargetsQuerySchema,
  updateTargetInputSchema,
} from './target.schemas';
import { createTarget, decomposeTarget, getTarget, listTargets, updateTargetValue } from './target.service';
import { targetAttainment } from './target-attainment.service';

export function targetRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/targets',
      summary:
        'Targets (销售目标) the caller can see (a rep: own; a manager: their units and reps; admin, sales ops: all), each with its live actual value and attainment',
      tags: ['targets'],
      query: listTargetsQuerySchema,
      handler: async ({ actor, query }) => listTargets(database, actor, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/targets',
      summary:
        'Set a target for a period (year, quarter, month), metric (any computed KPI, or collection) and level (company, region, team, rep); top-level targets by admin or sales ops. ' +
        'Values in the metric’s unit (分, count, 0–1 ratio, days, hours)',
      tags: ['targets'],
      status: 201,
      body: createTargetInputSchema,
      handler: async ({ actor, body }) => createTarget(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/targets/:id',
      summary:
        'A target with actual, attainment, the current milestone and its children rolled up (childrenSum, gap = target − childrenSum)',
      tags: ['targets'],
      params: idParamsSchema,
      handler: async ({ actor, params }) => getTarget(database, actor, params.id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/targets/:id',
      summary: 'Change a target value or its milestones (If-Match: the version read)',
      tags: ['targets'],
      params: idParamsSchema,
      body: updateTargetInputSchema,
      headers: [{ name: 'If-Match', required: true, description: 'The target version read, e.g. "v2"' }],
      handler: async ({ actor, params, body, req }) =>
        updateTargetValue(database, actor, params.id, body, versionFromIfMatch(req)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/targets/:id/decompose',
      summary:
        'Decompose a target top-down over its children (default: regions, teams or the team reps) evenly, by weights or by last year’s shares; children add up to the parent exactly (分). ' +
        'Ratio and average targets (win rate, cycle days …) are copied to every child instead (method copy)',
      tags: ['targets'],
      params: idParamsSchema,
      body: decomposeInputSchema,
      handler: async ({ actor, params, body }) => decomposeTarget(database, actor, params.id, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/kpis/target_attainment',
      summary:
        'KPI target_attainment (目标达成率), computed through the KPI library: actual ÷ target (target ÷ actual when lower is better) for a metric and period ' +
        '(`period`, or `from`..`to` naming one month, quarter or year) at the caller’s level (or unitId / ownerId), optionally by region, team or rep',
      tags: ['kpi'],
      query: attainmentQuerySchema,
      handler: async ({ actor, query }) => targetAttainment(database, actor, query),
    }),
  ];
}
