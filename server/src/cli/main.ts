import { Command } from 'commander';
import { z } from 'zod';
import { ROLES } from '../auth/roles';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { APP_VERSION } from '../http/app';
import { parseInput } from '../shared/validation';
import { backupToFile, restoreFromFile } from './backup-command';
import { registerBenchCommand } from './bench-command';
import { registerExportCommand } from './export-command';
import { registerImportCommand } from './import-command';
import { registerKpiCommand } from './kpi-command';
import { reportError } from './output';
import { seedCommand } from './seed-command';
import { serveCommand } from './serve-command';
import { addUserCommand } from './user-command';

/**
 * `salesops` — run the server and look after its database.
 *
 * @example
 *   salesops serve --port 3000
 *   salesops seed --demo
 *   salesops user add --tenant 示例科技有限公司 --email li@example.cn --name 李雷 --role rep
 *   salesops backup ./backup.jsonl.gz && salesops restore ./backup.jsonl.gz --yes
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('salesops')
    .description('salesops — sales operations: serve the app and manage its database')
    .version(APP_VERSION)
    .option(
      '--database-url <url>',
      'SQLite file or postgres:// URL (default: $DATABASE_URL or ./data/salesops.db)',
    )
    .showHelpAfterError();

  const databaseUrl = () => {
    const opts = program.opts<{ databaseUrl?: string }>();
    return opts.databaseUrl ?? loadConfig().databaseUrl;
  };
  const run =
    (fn: (...args: any[]) => Promise<void>) =>
    async (...args: any[]) => {
      try {
        await fn(...args);
      } catch (err) {
        reportError(err);
      }
    };

  program
    .command('serve')
    .description('Migrate the database, then serve the web app and API')
    .option('--port <port>', 'HTTP port (default: $PORT or 3000)')
    .option('--host <host>', 'listen address (default: $HOST or 0.0.0.0)')
    .option('--demo-if-empty', 'load the demo company when the database has no tenant yet')
    .action(
      run(async (opts: { port?: string; host?: string; demoIfEmpty?: boolean }) => {
        const o = parseInput(
          z.strictObject({
            port: z.coerce.number().int().min(0).max(65535).optional(),
            host: z.string().min(1).optional(),
            demoIfEmpty: z.boolean().optional(),
          }),
          opts,
        );
        await serveCommand({ databaseUrl: databaseUrl(), ...o });
      }),
    );

  program
    .command('migrate')
    .description('Apply pending database migrations')
    .action(
      run(async () => {
        const database = openDatabase(databaseUrl());
        try {
          const applied = await migrateToLatest(database);
          console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
        } finally {
          await database.close();
        }
      }),
    );

  program
    .command('seed')
    .description('Load data: --demo loads the demo company 示例科技有限公司')
    .option('--demo', 'load the demo company (3 regions, 6 teams, 30 reps, 2,000 customers, …)')
    .option('--seed <n>', 'random seed for the generated data', '20261122')
    .action(
      run(async (opts: { demo?: boolean; seed: string }) => {
        const o = parseInput(z.object({ demo: z.literal(true), seed: z.coerce.number().int() }), opts);
        await seedCommand(databaseUrl(), o.seed);
      }),
    );

  const user = program.command('user').description('Manage users');
  user
    .command('add')
    .description('Add a user to a tenant (prints a generated password when none is given)')
    .requiredOption('--tenant <tenant>', 'tenant id or name')
    .requiredOption('--email <email>', 'login e-mail')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--unit <unit>', 'org unit id or name')
    .option('--password <password>', 'password (at least 8 characters)')
    .action(
      run(async (opts: Record<string, string | undefined>) => {
        await addUserCommand(databaseUrl(), opts);
      }),
    );

  program
    .command('backup')
    .description('Write every table to FILE (gzip JSON lines; restores into SQLite or PostgreSQL)')
    .argument('<file>', 'where to write the backup')
    .action(
      run(async (file: string) => {
        await backupToFile(databaseUrl(), file);
      }),
    );

  program
    .command('restore')
    .description('Replace all data with the contents of a backup FILE (in one transaction)')
    .argument('<file>', 'a file written by `salesops backup`')
    .option('--yes', 'confirm replacing the data of a database that is not empty')
    .action(
      run(async (file: string, opts: { yes?: boolean }) => {
        await restoreFromFile(databaseUrl(), file, { yes: !!opts.yes });
      }),
    );

  registerKpiCommand(program, databaseUrl);
  registerImportCommand(program, databaseUrl);
  registerExportCommand(program, databaseUrl);
  registerBenchCommand(program);
  return program;
}

if (import.meta.url === `file://${process.argv[1]}` || process.env.SALESOPS_CLI === '1') {
  await buildProgram().parseAsync(process.argv);
}
