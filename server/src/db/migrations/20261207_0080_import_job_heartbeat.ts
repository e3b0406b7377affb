import { type Kysely, sql } from 'kysely';

// The lease of an import job's worker: which process validates or commits it (worker_id) and when
// that worker last said it was alive (heartbeat_at). A job `validating` or `running` whose
// heartbeat stopped for longer than the lease is taken over at start-up (and periodically) by
// any process sharing the database. Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;
  await db.schema.alterTable('import_jobs').addColumn('heartbeat_at', ts).execute();
  await db.schema.alterTable('import_jobs').addColumn('worker_id', 'text').execute();
  // The recovery sweep looks for unfinished jobs by status and heartbeat.
  await db.schema
    .createIndex('import_jobs_heartbeat')
    .ifNotExists()
    .on('import_jobs')
    .columns(['status', 'heartbeat_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('import_jobs_heartbeat').ifExists().execute();
  await db.schema.alterTable('import_jobs').dropColumn('worker_id').execute();
  await db.schema.alterTable('import_jobs').dropColumn('heartbeat_at').execute();
}
