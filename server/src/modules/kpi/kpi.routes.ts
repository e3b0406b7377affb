import type { Database } from '../../db/database';
import { defineRoute, type RouteSpec } from '../../http/route';
import { complianceFigures } from './compliance.service';
import {
  complianceQuerySchema,
  kpiKeyParamsSchema,
  kpiQuerySchema,
  kpiRecordsQuerySchema,
} from './kpi.schemas';
import { computeKpi, kpiRecords, listKpis } from './kpi.service';

export function kpiRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/kpis',
      summary: 'The KPI library (指标库): key, names, unit, direction, dimensions and formula of every KPI',
      tags: ['kpi'],
      handler: async () => listKpis(),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/kpis/:key',
      summary:
        'One KPI over a period (local days `from`..`to` in the tenant time zone), in total and sliced `by` a dimension; ' +
        'only records the caller can see count. Money in 分, ratios 0–1. Unknown key: 404 KPI_NOT_FOUND; ' +
        'a KPI whose data is not in place yet: 409 KPI_NOT_AVAILABLE; a dimension the KPI cannot be sliced by: 400 (by)',
      tags: ['kpi'],
      params: kpiKeyParamsSchema,
      query: kpiQuerySchema,
      handler: async ({ actor, params, query }) => computeKpi(database, actor, params.key, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/kpis/:key/records',
      summary:
        'Drill-down: the records behind a KPI number (the same rows it is computed from), optionally of one `group` of a `by` slice or one `stage`',
      tags: ['kpi'],
      params: kpiKeyParamsSchema,
      query: kpiRecordsQuerySchema,
      handler: async ({ actor, params, query }) => kpiRecords(database, actor, params.key, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/compliance',
      summary:
        'SOP compliance figures (SOP 执行率) for a process and period, per stage, rep or team (a team includes the units below it). ' +
        'onTime.rate = clocks started in the period and met no later than due ÷ those met or breached (or past due); ' +
        'breaches = breaches in the period, explained when a deviation reason was given; ' +
        'timeInStage = hours between consecutive stage events for stays left in the period: average, p50, p90 (nearest rank) and average working hours; ' +
        'deliverables.rate = required checklist actions and forms done by the time the stage was left ÷ required, for stages left in the period',
      tags: ['kpi'],
      query: complianceQuerySchema,
      handler: async ({ actor, query }) => complianceFigures(database, actor, query),
    }),
  ];
}
