import type { Database } from '../../db/database';
import { defineRoute, type RouteSpec } from '../../http/route';
import { localeFromHeader } from '../../shared/locale';
import { sendFile } from '../export/download';
import { kpiKeyParamsSchema } from '../kpi/kpi.schemas';
import { compareQuerySchema } from './compare.schemas';
import { compareKpi } from './compare.service';
import { dashboardParamsSchema, dashboardQuerySchema } from './dashboard.schemas';
import { dashboard } from './dashboard.service';
import { dashboardWorkbook } from './dashboard-export';

export function dashboardRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/dashboards/:kind',
      summary:
        'A dashboard (personal: own records; team: the unit and below; executive: the company or unitId) for a period: ' +
        'summary KPIs, funnel with stage-to-stage drop-off, 12-month trend, target attainment, stage-duration distribution, ' +
        'SLA heat map rep × stage, collection ageing (available: false until payments exist) — all from the KPI layer',
      tags: ['dashboards'],
      params: dashboardParamsSchema,
      query: dashboardQuerySchema,
      handler: async ({ actor, params, query }) => dashboard(database, actor, params.kind, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/dashboards/:kind/export.xlsx',
      summary: 'The same dashboard as an Excel workbook, one sheet per panel, numbers equal to the API’s',
      tags: ['dashboards'],
      params: dashboardParamsSchema,
      query: dashboardQuerySchema,
      handler: async ({ actor, params, query, reply, req }) => {
        const asked = req.headers['accept-language'];
        const locale = asked ? localeFromHeader(asked) : actor.locale;
        const d = await dashboard(database, actor, params.kind, query);
        const buffer = await dashboardWorkbook(d, locale);
        const name =
          locale === 'en-US' ? `dashboard-${d.kind}-${d.period}.xlsx` : `仪表盘-${d.kind}-${d.period}.xlsx`;
        return sendFile(reply, 'xlsx', buffer, name);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/kpis/:key/compare',
      summary:
        'Before/after (前后对比): one KPI for two periods (aFrom, aTo, bFrom, bTo) or for the records that ran under two playbook versions ' +
        '(playbookVersionA, playbookVersionB, within from..to), each side with its counts, and the change b − a (absolute and relative)',
      tags: ['kpi'],
      params: kpiKeyParamsSchema,
      query: compareQuerySchema,
      handler: async ({ actor, params, query }) => compareKpi(database, actor, params.key, query),
    }),
  ];
}
