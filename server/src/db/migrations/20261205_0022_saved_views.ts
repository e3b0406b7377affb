import { type Kysely, sql } from 'kysely';

// Saved list views (保存的视图): a user's named search, sort, scope and filters on one list,
// kept on the server so that they follow the user to another device. Frozen in time: never
// imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;
  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('entity', 'text', (c) => c.notNull()) // leads | accounts | contacts | deals
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull()) // JSON { search, sort, scope, filters }
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('saved_views_user_entity_name')
    .on('saved_views')
    .columns(['tenant_id', 'user_id', 'entity', 'name'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saved_views').execute();
}
