import type { Database } from '../../db/database';
import { defineRoute, idParamsSchema, type RouteSpec } from '../../http/route';
import { forecastCategoryInputSchema, forecastQuerySchema } from './forecast.schemas';
import { forecast, setForecastCategory } from './forecast.service';

export function forecastRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/forecast',
      summary:
        'Forecast (销售预测) of a period: won so far, weighted pipeline (amount × stage probability of open deals expected to close in it), ' +
        'commit and best case, a linear trend of monthly won revenue, and the target of the level with the gap',
      tags: ['forecast'],
      query: forecastQuerySchema,
      handler: async ({ actor, query }) => forecast(database, actor, query),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/deals/:id/forecast-category',
      summary:
        'Set a deal’s forecast category: the owner sets their own, a manager overrides it (both kept, audited); the manager’s wins',
      tags: ['forecast'],
      params: idParamsSchema,
      body: forecastCategoryInputSchema,
      handler: async ({ actor, params, body }) => setForecastCategory(database, actor, params.id, body),
    }),
  ];
}
