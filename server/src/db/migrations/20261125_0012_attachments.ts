import { type Kysely, sql } from 'kysely';

// Attachments (files linked to a record, kept on disk or in an S3-compatible store) and the
// time limits of pending approval steps (审批时限), swept by the scheduler.
// Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull()) // detected from the bytes, never the client's
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('storage', 'text', (c) => c.notNull()) // disk | s3
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('deleted_at', ts)
    .addColumn('deleted_by', 'text')
    .execute();
  await db.schema
    .createIndex('attachments_record')
    .on('attachments')
    .columns(['tenant_id', 'record_type', 'record_id'])
    .execute();

  await db.schema
    .createTable('approval_clocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('approval_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('level_key', 'text', (c) => c.notNull())
    .addColumn('time_limit_hours', 'integer', (c) => c.notNull())
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('due_at', ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // running | met | breached | cancelled
    .addColumn('breached_at', ts)
    .addColumn('stopped_at', ts)
    .execute();
  // One clock per step and round: starting it twice is a no-op.
  await db.schema
    .createIndex('approval_clocks_step')
    .on('approval_clocks')
    .columns(['approval_id', 'step_index', 'round'])
    .unique()
    .execute();
  await db.schema
    .createIndex('approval_clocks_due')
    .on('approval_clocks')
    .columns(['status', 'due_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('approval_clocks').execute();
  await db.schema.dropTable('attachments').execute();
}
