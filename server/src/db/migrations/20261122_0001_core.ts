import { type CreateTableBuilder, type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports app code. It runs on SQLite and PostgreSQL alike;
// only the timestamp and date column types differ (text in SQLite, timestamptz/date in PostgreSQL).

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const ts = pg ? sql`timestamptz` : sql`text`;
  const date = pg ? sql`date` : sql`text`;

  // Columns every business record has: tenant, version for optimistic locking, soft delete.
  const record = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', ts, (c) => c.notNull())
      .addColumn('updated_at', ts, (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('deleted_at', ts);

  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('Asia/Shanghai'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('org_units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('parent_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('manager_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('org_units_tenant')
    .on('org_units')
    .columns(['tenant_id', 'parent_id'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('org_unit_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('mobile', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('zh-CN'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('users_tenant_unit')
    .on('users')
    .columns(['tenant_id', 'org_unit_id'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // sha-256 of the cookie value
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .addColumn('revoked_at', ts)
    .execute();

  await db.schema
    .createTable('login_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_attempts_email')
    .on('login_attempts')
    .columns(['email', 'created_at'])
    .execute();
  await db.schema
    .createIndex('login_attempts_ip')
    .on('login_attempts')
    .columns(['ip', 'created_at'])
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('actor_id', 'text')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_events_entity')
    .on('audit_events')
    .columns(['tenant_id', 'entity', 'entity_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['tenant_id', 'user_id', 'key'])
    .execute();

  await db.schema
    .createTable('owner_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('from_owner_id', 'text')
    .addColumn('to_owner_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('owner_transfers_entity')
    .on('owner_transfers')
    .columns(['tenant_id', 'entity', 'entity_id'])
    .execute();

  await record(db.schema.createTable('accounts'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_norm', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('credit_code', 'text')
    .addColumn('industry', 'text')
    .addColumn('region', 'text')
    .addColumn('size', 'text')
    .addColumn('grade', 'text')
    .addColumn('source', 'text')
    .addColumn('phone', 'text')
    .addColumn('address', 'text')
    .addColumn('website', 'text')
    .addColumn('notes', 'text')
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .execute();

  await record(db.schema.createTable('contacts'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('mobile', 'text')
    .addColumn('email', 'text')
    .addColumn('wechat', 'text')
    .addColumn('decision_role', 'text')
    .addColumn('notes', 'text')
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .execute();

  await record(db.schema.createTable('leads'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('company_name', 'text')
    .addColumn('company_norm', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('mobile', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('wechat', 'text')
    .addColumn('credit_code', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('grade', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('industry', 'text')
    .addColumn('region', 'text')
    .addColumn('notes', 'text')
    .addColumn('first_contact_at', ts)
    .addColumn('converted_at', ts)
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .execute();

  await record(db.schema.createTable('products'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('product_line', 'text')
    .addColumn('spec', 'text')
    .addColumn('model', 'text')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('list_price', 'bigint', (c) => c.notNull())
    .addColumn('cost', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .execute();
  await db.schema.createIndex('products_sku').on('products').columns(['tenant_id', 'sku']).unique().execute();

  await record(db.schema.createTable('deals'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('lead_id', 'text', (c) => c.references('leads.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('expected_close_date', date, (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('probability', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('product_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('lost_reason', 'text')
    .addColumn('closed_at', ts)
    .addColumn('stage_entered_at', ts, (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .execute();

  await record(db.schema.createTable('activities'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('outcome', 'text')
    .addColumn('next_step', 'text')
    .addColumn('next_contact_at', ts)
    .addColumn('occurred_at', ts, (c) => c.notNull())
    .addColumn('duration_minutes', 'integer')
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.references('leads.id'))
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('deal_id', 'text', (c) => c.references('deals.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .execute();

  await record(db.schema.createTable('tasks'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('due_at', ts, (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('completed_at', ts)
    .addColumn('lead_id', 'text', (c) => c.references('leads.id'))
    .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('deal_id', 'text', (c) => c.references('deals.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .execute();

  // List queries filter by tenant and owner and sort by time; duplicate checks look up keys.
  for (const table of ['accounts', 'contacts', 'leads', 'deals', 'activities', 'tasks']) {
    await db.schema
      .createIndex(`${table}_owner`)
      .on(table)
      .columns(['tenant_id', 'owner_id', 'created_at'])
      .execute();
    await db.schema.createIndex(`${table}_created`).on(table).columns(['tenant_id', 'created_at']).execute();
  }
  await db.schema
    .createIndex('accounts_name_norm')
    .on('accounts')
    .columns(['tenant_id', 'name_norm'])
    .execute();
  await db.schema
    .createIndex('accounts_credit_code')
    .on('accounts')
    .columns(['tenant_id', 'credit_code'])
    .execute();
  await db.schema
    .createIndex('leads_company_norm')
    .on('leads')
    .columns(['tenant_id', 'company_norm'])
    .execute();
  await db.schema.createIndex('leads_mobile').on('leads').columns(['tenant_id', 'mobile']).execute();
  await db.schema.createIndex('contacts_mobile').on('contacts').columns(['tenant_id', 'mobile']).execute();
  await db.schema
    .createIndex('contacts_account')
    .on('contacts')
    .columns(['tenant_id', 'account_id'])
    .execute();
  await db.schema.createIndex('deals_account').on('deals').columns(['tenant_id', 'account_id']).execute();
  await db.schema.createIndex('deals_stage').on('deals').columns(['tenant_id', 'status', 'stage']).execute();
  await db.schema.createIndex('activities_deal').on('activities').columns(['tenant_id', 'deal_id']).execute();
  await db.schema.createIndex('activities_lead').on('activities').columns(['tenant_id', 'lead_id']).execute();
  await db.schema
    .createIndex('activities_account')
    .on('activities')
    .columns(['tenant_id', 'account_id'])
    .execute();
  await db.schema
    .createIndex('tasks_due')
    .on('tasks')
    .columns(['tenant_id', 'owner_id', 'status', 'due_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'tasks',
    'activities',
    'deals',
    'products',
    'leads',
    'contacts',
    'accounts',
    'owner_transfers',
    'idempotency_keys',
    'audit_events',
    'login_attempts',
    'api_tokens',
    'sessions',
    'users',
    'org_units',
    'tenants',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
