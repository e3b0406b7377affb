import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { authRoutes } from '../auth/auth.routes';
import { installSessionHook } from '../auth/session-hook';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { approvalRoutes } from '../modules/approvals/approval.routes';
import { assignmentRoutes } from '../modules/assignment/assignment.routes';
import { attachmentRoutes, installAttachmentUpload } from '../modules/attachments/attachment.routes';
import { automationRoutes } from '../modules/automation/automation.routes';
import { contractRoutes } from '../modules/contracts/contract.routes';
import { contractApprovalOutcome } from '../modules/contracts/contract.service';
import { dashboardRoutes } from '../modules/dashboards/dashboard.routes';
import { documentRoutes } from '../modules/documents/document.routes';
import { duplicateRoutes } from '../modules/duplicates/duplicate.routes';
import { exportRoutes } from '../modules/export/export.routes';
import { forecastRoutes } from '../modules/forecast/forecast.routes';
import { importRoutes, installImportUpload } from '../modules/import/import.routes';
import { mergeRoutes } from '../modules/import/merge.routes';
import { kpiRoutes } from '../modules/kpi/kpi.routes';
import { leadRoutes } from '../modules/leads/lead.routes';
import { notificationRoutes } from '../modules/notifications/notification.routes';
import { orderRoutes } from '../modules/orders/order.routes';
import { orgRoutes } from '../modules/org/org.routes';
import { paymentRoutes } from '../modules/payments/payment.routes';
import { quoteRoutes } from '../modules/quotes/quote.routes';
import { quoteApprovalOutcome } from '../modules/quotes/quote.service';
import { RECORD_DEFINITIONS } from '../modules/records/definitions';
import { recordRoutes } from '../modules/records/record.routes';
import { savedViewRoutes } from '../modules/saved-views/saved-view.routes';
import { settingsRoutes } from '../modules/settings/settings.routes';
import { breachRoutes } from '../modules/sop/breach.routes';
import { dealSopRoutes } from '../modules/sop/deal-sop.routes';
import { playbookRoutes } from '../modules/sop/playbook.routes';
import { leadSopRoutes } from '../modules/sop/run.routes';
import { targetRoutes } from '../modules/targets/target.routes';
import { weeklyReportRoutes } from '../modules/weekly-reports/weekly-report.routes';
import { AppError } from '../shared/errors';
import { makeErrorHandler } from './errors';
import { buildOpenApiDocument } from './openapi';
import { defineRoute, type RouteSpec, registerRoutes } from './route';

export const APP_VERSION = '0.1.0';

export interface AppOptions {
  config: Config;
  database: Database;
  logger?: boolean;
}

export async function buildApp({ config, database, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ? { level: config.logLevel } : false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
  });
  app.setErrorHandler(makeErrorHandler(config.bodyLimitBytes));
  await app.register(fastifyCookie);
  installSessionHook(app, database);
  installImportUpload(app);
  installAttachmentUpload(app);

  const specs: RouteSpec[] = [
    defineRoute({
      method: 'GET',
      url: '/api/health',
      summary: 'Liveness and database reachability',
      tags: ['system'],
      public: true,
      handler: async () => {
        const started = performance.now();
        await database.db.selectFrom('tenants').select('id').limit(1).execute();
        return {
          status: 'ok',
          version: APP_VERSION,
          database: database.dialect,
          dbLatencyMs: Math.round(performance.now() - started),
        };
      },
    }),
    ...authRoutes(database, config),
    ...orgRoutes(database),
    ...duplicateRoutes(database),
    ...leadRoutes(database),
    ...assignmentRoutes(database),
    ...automationRoutes(database),
    ...dealSopRoutes(database),
    ...leadSopRoutes(database),
    ...playbookRoutes(database),
    ...breachRoutes(database),
    ...settingsRoutes(database),
    ...savedViewRoutes(database),
    ...targetRoutes(database),
    ...forecastRoutes(database),
    ...dashboardRoutes(database),
    ...weeklyReportRoutes(database),
    ...kpiRoutes(database),
    ...notificationRoutes(database),
    ...importRoutes(database),
    ...mergeRoutes(database),
    ...exportRoutes(database),
    ...quoteRoutes(database),
    ...attachmentRoutes(database),
    ...documentRoutes(database),
    ...contractRoutes(database),
    ...orderRoutes(database),
    ...paymentRoutes(database),
    ...approvalRoutes(database, { quote: quoteApprovalOutcome, contract: contractApprovalOutcome }),
    ...RECORD_DEFINITIONS.flatMap((def) => recordRoutes(database, def)),
  ];
  registerRoutes(app, specs);

  const document = buildOpenApiDocument(specs, APP_VERSION);
  app.get('/api/openapi.json', { config: { public: true } }, async () => document);
  await app.register(fastifySwagger, { mode: 'static', specification: { document: document as never } });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  const webDist = config.webDist ?? join(import.meta.dirname, '../../../web/dist');
  const hasWeb = existsSync(join(webDist, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDist, wildcard: false });

  // Without a built web app, the API documentation is the front door.
  if (!hasWeb) app.get('/', { config: { public: true } }, (_req, reply) => reply.redirect('/api/docs'));

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !hasWeb || req.method !== 'GET') {
      throw new AppError('ROUTE_NOT_FOUND');
    }
    // Client-side routes of the single-page app.
    return reply.type('text/html').sendFile('index.html');
  });
  return app;
}
