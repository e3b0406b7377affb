import type { Database } from '../../db/database';
import { defineRoute, etagOf, type RouteSpec, versionFromIfMatch } from '../../http/route';
import { calendarQuerySchema, calendarSettingsSchema } from './settings.schemas';
import { getCalendarSettings, putCalendarSettings } from './settings.service';

export function settingsRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/settings/calendar',
      summary:
        "The tenant's business calendar (工作日历): time zone, working hours, working week, closures, extra working days; `year` adds that year's statutory holidays and 调休",
      tags: ['settings'],
      query: calendarQuerySchema,
      handler: async ({ actor, query, reply }) => {
        const r = await getCalendarSettings(database, actor, query.year);
        reply.header('ETag', etagOf(r.version));
        return r;
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/settings/calendar',
      summary:
        'Save the business calendar (admin, sales ops; If-Match, "v0" for the first save); clocks started afterwards count working time in it',
      tags: ['settings'],
      body: calendarSettingsSchema,
      headers: [{ name: 'If-Match', required: true, description: 'The ETag of the calendar version read' }],
      handler: async ({ actor, body, req, reply }) => {
        const r = await putCalendarSettings(database, actor, versionFromIfMatch(req), body);
        reply.header('ETag', etagOf(r.version));
        return r;
      },
    }),
  ];
}
