import { type Kysely, sql } from 'kysely';

// Lead routing rules, the tenant's pool policy, and claims from the pool (for daily quotas).
// Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;

  await db.schema
    .createTable('sales_policies')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('lead_recycle_days', 'integer')
    .addColumn('account_recycle_days', 'integer')
    .addColumn('claim_quota_per_day', 'integer')
    .addColumn('max_customers_per_rep', 'integer')
    .addColumn('auto_route_new_leads', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('assignment_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('target_unit_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('target_user_ids', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('load_cap', 'integer')
    .addColumn('cursor_user_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assignment_rules_tenant')
    .on('assignment_rules')
    .columns(['tenant_id', 'priority'])
    .execute();

  await db.schema
    .createTable('pool_claims')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('claimed_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pool_claims_user')
    .on('pool_claims')
    .columns(['tenant_id', 'user_id', 'claimed_at'])
    .execute();

  // When a record last had a follow-up or changed hands: the pool recycles the idle ones.
  for (const table of ['leads', 'accounts']) {
    await db.schema.alterTable(table).addColumn('last_activity_at', ts).execute();
    await db.schema.alterTable(table).addColumn('assigned_at', ts).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['leads', 'accounts']) {
    await db.schema.alterTable(table).dropColumn('assigned_at').execute();
    await db.schema.alterTable(table).dropColumn('last_activity_at').execute();
  }
  await db.schema.dropTable('pool_claims').execute();
  await db.schema.dropTable('assignment_rules').execute();
  await db.schema.dropTable('sales_policies').execute();
}
