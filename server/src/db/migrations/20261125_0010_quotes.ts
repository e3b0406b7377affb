import { type Kysely, sql } from 'kysely';

// Quote-to-cash, first part: price lists per channel, quotes with versions kept through
// negotiation, the approval matrix, approval requests and delegations.
// Frozen in time: never imports app code.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}

export async function up(db: Kysely<any>): Promise<void> {
  const ts = isPostgres(db) ? sql`timestamptz` : sql`text`;
  const date = isPostgres(db) ? sql`date` : sql`text`;

  await db.schema
    .createTable('price_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text') // null: the direct-sales list; else online | store | distributor | …
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // active | inactive
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('price_lists_tenant')
    .on('price_lists')
    .columns(['tenant_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('price_list_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('price_list_id', 'text', (c) => c.notNull().references('price_lists.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('price_list_items_product')
    .on('price_list_items')
    .columns(['price_list_id', 'product_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('quotes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('deal_id', 'text', (c) => c.notNull().references('deals.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('price_list_id', 'text', (c) => c.references('price_lists.id'))
    .addColumn('tax_mode', 'text', (c) => c.notNull()) // exclusive | inclusive (含税价)
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('payment_terms', 'text')
    .addColumn('payment_days', 'integer', (c) => c.notNull())
    .addColumn('delivery_date', date)
    .addColumn('valid_until', date, (c) => c.notNull())
    .addColumn('net_amount', 'bigint', (c) => c.notNull())
    .addColumn('tax_amount', 'bigint', (c) => c.notNull())
    .addColumn('gross_amount', 'bigint', (c) => c.notNull())
    .addColumn('discount_bp', 'integer', (c) => c.notNull())
    .addColumn('cost_amount', 'bigint')
    .addColumn('margin_bp', 'integer')
    .addColumn('approval_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('deleted_at', ts)
    .execute();
  await db.schema
    .createIndex('quotes_number')
    .on('quotes')
    .columns(['tenant_id', 'number'])
    .unique()
    .execute();
  await db.schema.createIndex('quotes_deal').on('quotes').columns(['tenant_id', 'deal_id']).execute();
  await db.schema
    .createIndex('quotes_owner')
    .on('quotes')
    .columns(['tenant_id', 'owner_id', 'status'])
    .execute();

  await db.schema
    .createTable('quote_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('quote_id', 'text', (c) => c.notNull().references('quotes.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('lines', 'text', (c) => c.notNull()) // JSON: inputs and computed line totals
    .addColumn('terms', 'text', (c) => c.notNull()) // JSON
    .addColumn('totals', 'text', (c) => c.notNull()) // JSON
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('quote_versions_number')
    .on('quote_versions')
    .columns(['quote_id', 'number'])
    .unique()
    .execute();

  await db.schema
    .createTable('approval_matrices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('subject', 'text', (c) => c.notNull()) // quote | contract
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('approval_matrices_subject')
    .on('approval_matrices')
    .columns(['tenant_id', 'subject'])
    .unique()
    .execute();

  await db.schema
    .createTable('approval_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('subject_version', 'integer', (c) => c.notNull())
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | approved | rejected | returned | withdrawn
    .addColumn('state', 'text', (c) => c.notNull()) // JSON: steps, assignees, decisions
    .addColumn('facts', 'text', (c) => c.notNull()) // JSON: what the matrix looked at
    .addColumn('pending_approvers', 'text', (c) => c.notNull()) // ",u1,u2," for inbox queries
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('approval_requests_subject')
    .on('approval_requests')
    .columns(['tenant_id', 'subject', 'subject_id'])
    .execute();
  await db.schema
    .createIndex('approval_requests_status')
    .on('approval_requests')
    .columns(['tenant_id', 'status'])
    .execute();

  await db.schema
    .createTable('approval_delegations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('delegate_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('starts_on', date, (c) => c.notNull())
    .addColumn('ends_on', date, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('approval_delegations_user')
    .on('approval_delegations')
    .columns(['tenant_id', 'user_id', 'starts_on'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'approval_delegations',
    'approval_requests',
    'approval_matrices',
    'quote_versions',
    'quotes',
    'price_list_items',
    'price_lists',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
