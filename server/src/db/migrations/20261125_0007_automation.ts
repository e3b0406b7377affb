import { type Kysely, sql } from 'kysely';

// Automation rules on a schedule: the next slot each rule runs at. The schedule job claims a slot
// with a conditional update of this column, so a slot runs once even with several processes.
// Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;
  await db.schema.alterTable('automation_rules').addColumn('next_run_at', ts).execute();
  await db.schema
    .createIndex('automation_rules_next_run')
    .on('automation_rules')
    .column('next_run_at')
    .execute();
  await db.schema
    .createIndex('automation_rules_tenant')
    .on('automation_rules')
    .columns(['tenant_id', 'status'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('automation_rules_tenant').execute();
  await db.schema.dropIndex('automation_rules_next_run').execute();
  await db.schema.alterTable('automation_rules').dropColumn('next_run_at').execute();
}
