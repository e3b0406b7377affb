import type { Database } from '../../db/database';
import { defineRoute, type RouteSpec } from '../../http/route';
import {
  commentInputSchema,
  reportParamsSchema,
  saveReportInputSchema,
  settingsInputSchema,
  weekQuerySchema,
} from './weekly-report.schemas';
import {
  commentReport,
  getReport,
  getSettings,
  listReports,
  saveReport,
  saveSettings,
} from './weekly-report.service';

export function weeklyReportRoutes(database: Database): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/weekly-reports',
      summary:
        'Weekly reports (周报) of a week for every rep the caller can see: not_started, draft or submitted, late, and breached when the deadline passed without one',
      tags: ['weekly-reports'],
      query: weekQuerySchema,
      handler: async ({ actor, query }) => listReports(database, actor, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/weekly-reports/settings',
      summary: 'The submission deadline: weekday (1 = Monday) and local time; default Friday 18:00',
      tags: ['weekly-reports'],
      handler: async ({ actor }) => getSettings(database, actor),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/weekly-reports/settings',
      summary: 'Set the submission deadline (admin, sales ops)',
      tags: ['weekly-reports'],
      body: settingsInputSchema,
      handler: async ({ actor, body }) => saveSettings(database, actor, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/weekly-reports/:ownerId/:week',
      summary:
        'A rep’s report of a week: generated sections (new leads, follow-ups, stage moves, wins, payments received, breaches) and the rep’s plan, help needed, the manager’s comment',
      tags: ['weekly-reports'],
      params: reportParamsSchema,
      handler: async ({ actor, params }) => getReport(database, actor, params),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/weekly-reports/:ownerId/:week',
      summary:
        'The rep saves next week’s plan and help needed, and submits (submit: true); a submitted report is final',
      tags: ['weekly-reports'],
      params: reportParamsSchema,
      body: saveReportInputSchema,
      handler: async ({ actor, params, body }) => saveReport(database, actor, params, body),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/weekly-reports/:ownerId/:week/comment',
      summary: 'The manager comments on a submitted report; the rep is notified',
      tags: ['weekly-reports'],
      params: reportParamsSchema,
      body: commentInputSchema,
      handler: async ({ actor, params, body }) => commentReport(database, actor, params, body),
    }),
  ];
}
