import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { DEMO_TENANT_NAME, seedDemo } from '../db/seed/demo';
import { buildApp } from '../http/app';
import { startScheduler } from '../jobs/scheduler';
import { printDemoLogins } from './seed-command';

export async function serveCommand(opts: {
  databaseUrl: string;
  port?: number;
  host?: string;
  demoIfEmpty?: boolean;
}) {
  const config = loadConfig(process.env, {
    databaseUrl: opts.databaseUrl,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.host ? { host: opts.host } : {}),
  });
  const database = openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  let demo = false;
  if (opts.demoIfEmpty) {
    const any = await database.db.selectFrom('tenants').select('id').limit(1).execute();
    if (!any.length) {
      console.log(`Empty database: loading the demo company ${DEMO_TENANT_NAME} …`);
      await seedDemo(database, { onProgress: (step) => process.stderr.write(`  demo: ${step}…\n`) });
    }
    demo = !!(await database.db
      .selectFrom('tenants')
      .select('id')
      .where('name', '=', DEMO_TENANT_NAME)
      .executeTakeFirst());
  }
  const app = await buildApp({ config, database, logger: true });
  const stopJobs = startScheduler(database, app.log);
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await stopJobs();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  console.log(`\nsalesops is running: ${url}`);
  console.log(
    `API docs: ${url}/api/docs   database: ${database.dialect} ${database.dialect === 'sqlite' ? database.url : ''}`,
  );
  if (demo) printDemoLogins();
}
